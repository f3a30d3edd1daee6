package dev.spaceone.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the {@link RunningOperator} of this test run: {@code @ExtendWith({ControlPlaneExtension.class,
 * OperatorExtension.class})}, then take a {@code RunningOperator} parameter. Started on first use, kept in the
 * root store after the control plane, so it is stopped before the control plane.
 */
public class OperatorExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OperatorExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RunningOperator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ControlPlane plane = ControlPlaneExtension.controlPlane(context);
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Holder.class, key -> new Holder(RunningOperator.start(plane)), Holder.class)
        .operator;
  }

  /** Closed by JUnit when the run ends (before the control plane, which was stored first). */
  record Holder(RunningOperator operator) implements AutoCloseable {
    @Override
    public void close() {
      operator.close();
    }
  }
}
