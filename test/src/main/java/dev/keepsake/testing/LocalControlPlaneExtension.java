package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a shared {@link LocalControlPlane} (started once per test run, stopped when the run
 * ends) and a fresh {@link TestNamespace} per test. Parameters of type LocalControlPlane, ApiClient
 * and TestNamespace are injected.
 */
public final class LocalControlPlaneExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LocalControlPlaneExtension.class);

  /** Closes the control plane when JUnit closes the root context, after the last test. */
  private record Shared(LocalControlPlane controlPlane)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      controlPlane.close();
    }
  }

  public static LocalControlPlane controlPlane(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            Shared.class, key -> new Shared(LocalControlPlane.start()), Shared.class)
        .controlPlane();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String prefix = context.getRequiredTestMethod().getName();
    TestNamespace namespace = new TestNamespace(controlPlane(context).createNamespace(prefix));
    context.getStore(STORE).put(TestNamespace.class, namespace);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace =
        context.getStore(STORE).remove(TestNamespace.class, TestNamespace.class);
    if (namespace != null) {
      controlPlane(context).deleteNamespace(namespace.name());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalControlPlane.class
        || type == ApiClient.class
        || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == TestNamespace.class) {
      return context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    }
    LocalControlPlane controlPlane = controlPlane(context);
    return type == ApiClient.class ? controlPlane.client() : controlPlane;
  }
}
