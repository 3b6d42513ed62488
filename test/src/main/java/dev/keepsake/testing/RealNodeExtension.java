package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one control plane with a real node ({@link
 * LocalControlPlane#startWithRealNode()}), started before its first test and torn down after its
 * last, so that the next class may start a node of its own (there is one node address and one pod
 * bridge per machine). Parameters of type LocalControlPlane and ApiClient are injected. Where the
 * machine cannot run a node (not root, containerd missing) the tests are disabled with the reason.
 */
public final class RealNodeExtension implements ExecutionCondition, ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RealNodeExtension.class);

  private record Shared(RealNodeTurn turn, LocalControlPlane controlPlane)
      implements ExtensionContext.Store.CloseableResource {
    static Shared start(String testClass) {
      RealNodeTurn turn = RealNodeTurn.take(testClass);
      try {
        return new Shared(turn, LocalControlPlane.startWithRealNode());
      } catch (RuntimeException | Error e) {
        turn.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        controlPlane.close();
      } finally {
        turn.close();
      }
    }
  }

  public static LocalControlPlane controlPlane(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().orElseThrow();
    }
    String testClass = classContext.getRequiredTestClass().getSimpleName();
    return classContext
        .getStore(STORE)
        .getOrComputeIfAbsent(Shared.class, key -> Shared.start(testClass), Shared.class)
        .controlPlane();
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String unavailable = LocalNode.unavailableBecause();
    return unavailable == null
        ? ConditionEvaluationResult.enabled("this machine can run a real node")
        : ConditionEvaluationResult.disabled("no real node here: " + unavailable);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalControlPlane.class || type == ApiClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalControlPlane controlPlane = controlPlane(context);
    return parameter.getParameter().getType() == ApiClient.class
        ? controlPlane.client()
        : controlPlane;
  }
}
