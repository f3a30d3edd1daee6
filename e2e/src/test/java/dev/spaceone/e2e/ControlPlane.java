package dev.spaceone.e2e;

import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real control plane (etcd, kube-apiserver, kube-controller-manager as child processes on loopback),
 * as the e2e tests use it: the product's own {@link dev.spaceone.testkit.ControlPlane} (which
 * `sandbox --control-plane real` runs too), plus what only tests need: skipping or failing when the binaries
 * are missing, and running the real kubectl.
 *
 * <p>Settings (system property, else environment variable): {@code e2e.required} /
 * {@code SPACEONE_E2E_REQUIRED} (missing binaries fail instead of skipping), {@code e2e.kubectl} /
 * {@code KUBECTL} (the kubectl to run; default: one in the binaries folder, else the first on PATH), and
 * those of the product's class (binaries folder, controllers, keeping the work folder).
 */
public final class ControlPlane implements AutoCloseable {
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(120);

  private final dev.spaceone.testkit.ControlPlane plane;
  private final AtomicInteger counter = new AtomicInteger();

  private ControlPlane(dev.spaceone.testkit.ControlPlane plane) {
    this.plane = plane;
  }

  public static Path binDir() {
    return dev.spaceone.testkit.ControlPlane.binDir();
  }

  public static String kubernetesVersion() {
    return dev.spaceone.testkit.ControlPlane.kubernetesVersion();
  }

  public static Optional<String> unavailableReason() {
    return dev.spaceone.testkit.ControlPlane.unavailableReason();
  }

  /** Whether {@code -De2e.required=true}: then what is missing fails the tests instead of skipping them. */
  public static boolean required() {
    return Boolean.parseBoolean(setting("e2e.required", "SPACEONE_E2E_REQUIRED"));
  }

  /** Skips the calling test when the binaries are not there, or fails it when {@code e2e.required=true}. */
  public static void assumeAvailable() {
    unavailableReason().ifPresent(ControlPlane::skipOrFail);
  }

  static void skipOrFail(String reason) {
    if (required()) {
      Assertions.fail(reason + " (e2e.required=true)");
    }
    Assumptions.abort(reason + " (set -De2e.required=true to make this a failure)");
  }

  /** Starts a control plane and waits until it is ready. */
  public static ControlPlane start() {
    assumeAvailable();
    return new ControlPlane(dev.spaceone.testkit.ControlPlane.start());
  }

  /** Starts a control plane for real nodes (with kube-scheduler and the node controllers); see {@link RealNodeExtension}. */
  public static ControlPlane startForNodes() {
    assumeAvailable();
    return new ControlPlane(dev.spaceone.testkit.ControlPlane.startForNodes());
  }

  /** The testkit's control plane, for the testkit's {@link dev.spaceone.testkit.RealNode}. */
  public dev.spaceone.testkit.ControlPlane plane() {
    return plane;
  }

  public KubernetesClient client() {
    return plane.client();
  }

  public Path kubeconfigPath() {
    return plane.kubeconfigPath();
  }

  public String apiServerUrl() {
    return plane.apiServerUrl();
  }

  public Path clientCaPath() {
    return plane.clientCaPath();
  }

  public Path frontProxyCaPath() {
    return plane.frontProxyCaPath();
  }

  public Path frontProxyClientCertPath() {
    return plane.frontProxyClientCertPath();
  }

  public Path frontProxyClientKeyPath() {
    return plane.frontProxyClientKeyPath();
  }

  public Pki.Issued frontProxyClient() {
    return plane.frontProxyClient();
  }

  public Pki.CertificateAuthority frontProxyCa() {
    return plane.frontProxyCa();
  }

  public Pki.CertificateAuthority clusterCa() {
    return plane.clusterCa();
  }

  public Path workDir() {
    return plane.workDir();
  }

  public Path logFile(String component) {
    return plane.logFile(component);
  }

  /** kube-apiserver's audit log: the writes of users in {@code AUDITED_GROUP}. */
  public Path auditLogPath() {
    return plane.auditLogPath();
  }

  public Pki.Issued issueClientCertificate(String user, String... groups) {
    return plane.issueClientCertificate(user, groups);
  }

  public Path kubeconfigForUser(String user, String... groups) {
    return plane.kubeconfigForUser(user, groups);
  }

  public KubernetesClient clientForUser(String user, String... groups) {
    return plane.clientForUser(user, groups);
  }

  public KubernetesClient newClient(Path kubeconfig) {
    return plane.newClient(kubeconfig);
  }

  public HttpClient adminHttpClient() {
    return plane.adminHttpClient();
  }

  /** Runs the real kubectl with the admin kubeconfig. */
  public KubectlResult runKubectl(String... args) {
    return runKubectl(plane.kubeconfigPath(), null, args);
  }

  /** Runs kubectl with the admin kubeconfig and {@code stdin} as its standard input (e.g. {@code apply -f -}). */
  public KubectlResult runKubectlWithInput(String stdin, String... args) {
    return runKubectl(plane.kubeconfigPath(), stdin, args);
  }

  /** Runs kubectl with another kubeconfig (see {@link #kubeconfigForUser}) and optional standard input. */
  public KubectlResult runKubectl(Path kubeconfig, String stdin, String... args) {
    String kubectl = kubectl();
    int n = counter.incrementAndGet();
    Path dir = plane.workDir().resolve("kubectl");
    Path out = dir.resolve(n + ".out");
    Path err = dir.resolve(n + ".err");
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + dir.resolve("cache"));
    command.addAll(Arrays.asList(args));
    try {
      Files.createDirectories(dir);
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().remove("KUBECONFIG");
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      } else {
        Path in = dir.resolve(n + ".in");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        builder.redirectInput(in.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(KUBECTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl did not finish in " + KUBECTL_TIMEOUT + ": " + command);
      }
      return new KubectlResult(command, process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The kubectl to run: {@code e2e.kubectl} / {@code KUBECTL}, else one in the binaries folder, else the first
   * on PATH. Skips (or fails, with e2e.required) when there is none.
   */
  public String kubectl() {
    String explicit = setting("e2e.kubectl", "KUBECTL");
    if (explicit != null) {
      return explicit;
    }
    if (Files.isExecutable(binDir().resolve("kubectl"))) {
      return binDir().resolve("kubectl").toString();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "kubectl"))) {
        return Paths.get(dir, "kubectl").toString();
      }
    }
    skipOrFail("kubectl is not on PATH (or set -De2e.kubectl / KUBECTL)");
    throw new AssertionError("unreachable");
  }

  @Override
  public void close() {
    plane.close();
  }

  private static String setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? null : value;
  }

  /** What kubectl did: its command line, exit code, standard output and standard error. */
  public record KubectlResult(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** Throws (with the output) unless kubectl exited 0; returns this. */
    public KubectlResult assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return "kubectl " + String.join(" ", command.subList(Math.min(3, command.size()), command.size()))
          + " -> exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }
}
