package dev.keepsake.testing;

import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a shared {@link LocalControlPlane} (started once per test JVM, stopped when it exits)
 * and a fresh {@link TestNamespace} per test. Parameters of type LocalControlPlane, ApiClient and
 * TestNamespace are injected.
 */
public final class LocalControlPlaneExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LocalControlPlaneExtension.class);

  private static LocalControlPlane shared;

  /**
   * Started by the JVM's first test that asks for it, and stopped by its shutdown hook when the JVM
   * exits: the suite's JVMs run one class per JUnit run, so a root context lives only as long as
   * one class.
   */
  private static synchronized LocalControlPlane sharedControlPlane() {
    if (shared == null) {
      shared = LocalControlPlane.start();
    }
    return shared;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String prefix = context.getRequiredTestMethod().getName();
    TestNamespace namespace = new TestNamespace(sharedControlPlane().createNamespace(prefix));
    context.getStore(STORE).put(TestNamespace.class, namespace);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace =
        context.getStore(STORE).remove(TestNamespace.class, TestNamespace.class);
    if (namespace != null) {
      sharedControlPlane().deleteNamespace(namespace.name());
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
    LocalControlPlane controlPlane = sharedControlPlane();
    return type == ApiClient.class ? controlPlane.client() : controlPlane;
  }
}
