package dev.spaceone.e2e;

import dev.spaceone.testkit.LocalImages;
import dev.spaceone.testkit.RealNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the {@link RealNodeCluster} of this test run: a control plane of its own (with kube-scheduler
 * and the node controllers) and one real node (containerd + kubelet) with the locally built busybox and pause
 * images. Started on first use, stopped when the run ends (node first).
 *
 * <p>Where the machine cannot run a node (not root, containerd/runc/CNI plugins/umoci/skopeo not installed, no
 * kubelet built), the classes are skipped with the reason, or fail when {@code e2e.node.required} /
 * {@code SPACEONE_E2E_NODE_REQUIRED} is true (as {@code .ci/run} sets it once it installed them).
 */
public class RealNodeExtension implements ExecutionCondition, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealNodeExtension.class);

  static boolean required() {
    String value = System.getProperty("e2e.node.required");
    if (value == null || value.isBlank()) {
      value = System.getenv("SPACEONE_E2E_NODE_REQUIRED");
    }
    return Boolean.parseBoolean(value);
  }

  static Optional<String> unavailableReason() {
    return ControlPlane.unavailableReason().or(RealNode::unavailableReason).or(LocalImages::unavailableReason);
  }

  /**
   * The operator's image, for a test that installs the chart: fails the test when the real node is required and the
   * shaded jar is not built, else skips it.
   */
  static List<Path> operatorImageArchives() {
    Path jar = SpaceOneCluster.REPO.resolve("operator/target/spaceone-job-operator.jar");
    if (!Files.isRegularFile(jar)) {
      String reason = jar + " is not built (mvn -B -q -pl operator -am package -DskipTests), so there is no operator"
          + " image to install";
      if (required()) {
        Assertions.fail(reason);
      }
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
    return LocalImages.build(SpaceOneCluster.REPO, "operator");
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> reason = unavailableReason();
    if (reason.isEmpty()) {
      return ConditionEvaluationResult.enabled("a real node can run here");
    }
    if (required()) {
      return ConditionEvaluationResult.enabled("required: fails in the test");
    }
    System.err.println("[e2e] real-node tests SKIPPED: " + reason.get());
    return ConditionEvaluationResult.disabled(reason.get() + " (set -De2e.node.required=true to make this a failure)");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealNodeCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster(context);
  }

  static RealNodeCluster cluster(ExtensionContext context) {
    unavailableReason().ifPresent(reason -> Assertions.fail(reason + " (e2e.node.required=true)"));
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Shared.class, key -> new Shared(), Shared.class)
        .get();
  }

  /** The one cluster of the run; a failed start is reported by every class without starting again. */
  static final class Shared implements AutoCloseable {
    private RealNodeCluster cluster;
    private RuntimeException failure;

    synchronized RealNodeCluster get() {
      if (failure != null) {
        throw new IllegalStateException("the real node failed to start earlier in this run", failure);
      }
      if (cluster == null) {
        try {
          cluster = RealNodeCluster.start();
        } catch (RuntimeException e) {
          failure = e;
          throw e;
        }
      }
      return cluster;
    }

    @Override
    public synchronized void close() {
      if (cluster != null) {
        cluster.close();
        cluster = null;
      }
    }
  }
}
