package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.AllowedNamespaces;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.api.UsagePolicy;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsagePoliciesTest {
  private static Repository repository(String from, V1LabelSelector selector) {
    return new Repository()
        .metadata(new V1ObjectMeta().name("shared").namespace("backups"))
        .spec(
            new RepositorySpec()
                .usagePolicy(
                    new UsagePolicy()
                        .allowedNamespaces(new AllowedNamespaces().from(from).selector(selector))));
  }

  @Test
  void sameAdmitsOnlyTheRepositorysOwnNamespace() {
    assertThat(UsagePolicies.admits(repository("Same", null), "backups", Map.of())).isTrue();
    assertThat(UsagePolicies.admits(repository("Same", null), "shop", Map.of())).isFalse();
    assertThat(UsagePolicies.admits(repository("All", null), "shop", Map.of())).isTrue();
  }

  @Test
  void aSelectorAdmitsNamespacesByTheirLabels() {
    Repository repository =
        repository("Selector", new V1LabelSelector().matchLabels(Map.of("team", "payments")));

    assertThat(UsagePolicies.admits(repository, "shop", Map.of("team", "payments"))).isTrue();
    assertThat(UsagePolicies.admits(repository, "shop", Map.of("team", "search"))).isFalse();
  }
}
