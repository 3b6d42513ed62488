package dev.keepsake.operator.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.AppBinding;
import dev.keepsake.api.AppBindingSpec;
import dev.keepsake.api.ClientConfig;
import dev.keepsake.api.ServiceReference;
import dev.keepsake.api.TargetRef;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.Test;

class PodChoiceTest {
  private static final TargetRef REDIS =
      new TargetRef().apiGroup("keepsake.dev").kind("AppBinding").name("redis");

  private static AppBinding servedBy(String serviceNamespace) {
    return new AppBinding()
        .metadata(new V1ObjectMeta().name("redis").namespace("shop"))
        .spec(
            new AppBindingSpec()
                .type("redis")
                .clientConfig(
                    new ClientConfig()
                        .service(
                            new ServiceReference()
                                .name("redis")
                                .namespace(serviceNamespace)
                                .port(6379))));
  }

  @Test
  void theTargetsPodsAreThoseItsServiceSelectsInTheSessionsNamespace() {
    assertThat(PodChoice.forTarget("shop", REDIS, servedBy(null)))
        .isEqualTo(new PodChoice("redis", null, null));
    assertThat(PodChoice.forTarget("shop", REDIS, servedBy("shop")))
        .isEqualTo(new PodChoice("redis", null, null));
  }

  @Test
  void aServiceOfAnotherNamespaceIsNeverLookedUpUnderItsNameHere() {
    PodChoice choice = PodChoice.forTarget("shop", REDIS, servedBy("databases"));

    assertThat(choice.serviceName()).isNull();
    assertThat(choice.why())
        .isEqualTo(
            "the Service of AppBinding redis is in namespace databases, and hooks run only in"
                + " pods of the session's namespace shop");
  }
}
