package dev.spaceone.e2e;

import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.runtime.SpaceOneOperator;
import dev.spaceone.operator.settings.Settings;
import dev.spaceone.testkit.SimulatedKubelet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The operator as production runs it ({@code Settings.fromEnvironment} with leader election on), on
 * the e2e control plane, either with the kubelet stand-in (the operator's {@link SimulatedKubelet} running each
 * plugin script locally through {@link ScriptPlugin}; one per test run, shared by the classes through
 * {@link OperatorExtension}; each class uses its own namespace) or, on a {@link RealNodeCluster}, with no stand-in:
 * the real kubelet runs the pods ({@link #onRealNode}).
 */
final class RunningOperator implements AutoCloseable {
  static final String LEASE_NAMESPACE_PREFIX = "spaceone-operator";

  final String leaseNamespace;
  final SpaceOneOperator operator;
  /** The stand-in and its plugin runner; null on a real node. */
  final SimulatedKubelet kubelet;
  final ScriptPlugin plugin;
  final Duration startTime;
  private final ControlPlane plane;

  private RunningOperator(ControlPlane plane, boolean standIn, Map<String, String> settings) {
    this.plane = plane;
    long started = System.nanoTime();
    SpaceOneCluster.installCrds(plane);
    leaseNamespace = SpaceOneCluster.createNamespace(plane, LEASE_NAMESPACE_PREFIX);
    // Its own clients: the operator's, the kubelet's (status writes), and the plugin runner's (Secret reads).
    KubernetesClient operatorClient = plane.newClient(plane.kubeconfigPath());
    if (standIn) {
      Path pluginDir;
      try {
        pluginDir = Files.createDirectories(plane.workDir().resolve("plugin-runs"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      plugin = new ScriptPlugin(plane.newClient(plane.kubeconfigPath()), pluginDir);
      kubelet = new SimulatedKubelet(plane.newClient(plane.kubeconfigPath()), plugin);
    } else {
      plugin = null;
      kubelet = null;
    }
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.putAll(Map.of(
        "LEADER_ELECTION", "true",
        "LEADER_ELECTION_NAMESPACE", leaseNamespace,
        "MANAGEMENT_PORT", "-1"));
    operator = SpaceOneOperator.start(operatorClient, Settings.fromEnvironment(env).operator(), Clock.systemUTC());
    SpaceOneCluster.awaitThat("the operator to take its leader Lease", SpaceOneCluster.TIMEOUT, () -> {
      Lease lease = plane.client().leases().inNamespace(leaseNamespace).withName(OperatorSettings.LEASE_NAME).get();
      return lease != null && lease.getSpec().getHolderIdentity() != null
          && !lease.getSpec().getHolderIdentity().isEmpty();
    });
    startTime = Duration.ofNanos(System.nanoTime() - started);
    System.err.println("[e2e] operator leading (Lease " + leaseNamespace + "/" + OperatorSettings.LEASE_NAME
        + ") after " + startTime.toMillis() + " ms");
  }

  static RunningOperator start(ControlPlane plane) {
    return new RunningOperator(plane, true, Map.of());
  }

  /**
   * The operator alone, for {@code namespace} only, on a control plane whose real node runs the pods; a task is
   * retried 1 s after its pod failed (10 s by default), to keep the retry tests short.
   */
  static RunningOperator onRealNode(ControlPlane plane, String namespace) {
    return onRealNode(plane, namespace, Map.of());
  }

  /** {@link #onRealNode(ControlPlane, String)} with more operator settings (e.g. RUNNER_IMAGE). */
  static RunningOperator onRealNode(ControlPlane plane, String namespace, Map<String, String> settings) {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("WATCH_NAMESPACES", namespace);
    all.put("TASK_RETRY_BACKOFF_SECONDS", "1");
    return new RunningOperator(plane, false, all);
  }

  Lease lease() {
    return plane.client().leases().inNamespace(leaseNamespace).withName(OperatorSettings.LEASE_NAME).get();
  }

  @Override
  public void close() {
    operator.close();
    if (kubelet != null) {
      kubelet.close();
    }
  }
}
