package dev.spaceone.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving test classes a {@link ControlPlane}: {@code @ExtendWith(ControlPlaneExtension.class)},
 * then take a {@code ControlPlane} parameter (constructor, {@code @BeforeAll}, test method).
 *
 * <p>One control plane is started for the whole test run (kept in the root extension store, so
 * every e2e class shares it) and stopped when the run ends. Without the binaries every test class
 * using the extension is skipped, or fails with {@code -De2e.required=true}. If the control plane
 * fails to start, that failure is remembered and reported by every class, without starting again.
 */
public class ControlPlaneExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static volatile boolean skipReported;

  /** Without the binaries the class is reported as skipped, with the reason (unless e2e.required). */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return ControlPlane.unavailableReason()
        .filter(reason -> !ControlPlane.required())
        .map(reason -> {
          String message = reason + " (set -De2e.required=true to make this a failure)";
          if (!skipReported) {
            skipReported = true;
            System.err.println("[e2e] SKIPPED: " + message);
          }
          return ConditionEvaluationResult.disabled(message);
        })
        .orElseGet(() -> ConditionEvaluationResult.enabled("e2e control plane binaries present or required"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    controlPlane(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return controlPlane(context);
  }

  /** The shared control plane of this test run, started on first use. */
  public static ControlPlane controlPlane(ExtensionContext context) {
    ControlPlane.assumeAvailable();
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Shared.class, key -> new Shared(), Shared.class)
        .get();
  }

  /** Holds the one control plane; JUnit closes it (AutoCloseable) when the root context closes. */
  static final class Shared implements AutoCloseable {
    private ControlPlane plane;
    private RuntimeException failure;

    synchronized ControlPlane get() {
      if (failure != null) {
        throw new IllegalStateException("the e2e control plane failed to start earlier in this run", failure);
      }
      if (plane == null) {
        try {
          plane = ControlPlane.start();
        } catch (RuntimeException e) {
          failure = e;
          throw e;
        }
      }
      return plane;
    }

    @Override
    public synchronized void close() {
      if (plane != null) {
        plane.close();
        plane = null;
      }
    }
  }
}
