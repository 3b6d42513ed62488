package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Backend;
import dev.keepsake.api.NamedRef;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.api.S3Backend;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepositoryStatusesTest {
  private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-07T05:00:00Z");

  private static Repository repository() {
    return new Repository()
        .metadata(new V1ObjectMeta().name("backups").namespace("shop").generation(1L))
        .spec(
            new RepositorySpec()
                .backend(
                    new Backend().s3(new S3Backend().endpoint("https://s3.example").bucket("b")))
                .secret(new NamedRef().name("creds")));
  }

  private static io.kubernetes.client.openapi.models.V1Condition ready(
      RepositoryStatuses.SecretLookup secret) {
    return RepositoryStatuses.from(repository(), secret, List.of(), NOW).getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCopyOfAStatusKeepsWhatStopsARequestFromRunningTwiceAndLeavesTheCacheAlone() {
    RepositoryStatus cached =
        new RepositoryStatus()
            .snapshotCount(4)
            .lastOperation(new dev.keepsake.api.RepositoryOperation().id("unlock-1"));

    RepositoryStatus copy = RepositoryStatuses.copy(cached);
    copy.snapshotCount(5);

    assertThat(copy.getLastOperation().getId()).isEqualTo("unlock-1");
    assertThat(cached.getSnapshotCount()).isEqualTo(4);
    assertThat(RepositoryStatuses.copy(null)).isNotNull();
  }

  @Test
  void aSecretTheOperatorMayNotReadIsNeverSaidToBeThere() {
    var notChecked = ready(RepositoryStatuses.SecretLookup.NOT_CHECKED);

    assertThat(notChecked.getReason()).isEqualTo("SecretNotChecked");
    assertThat(notChecked.getMessage())
        .startsWith("Secret creds is not checked: the operator may not read Secrets")
        .doesNotContain("is there");
  }

  @Test
  void aSecretLookedUpIsToldAsFoundOrMissing() {
    assertThat(ready(RepositoryStatuses.SecretLookup.FOUND).getReason()).isEqualTo("SecretFound");
    var missing = ready(RepositoryStatuses.SecretLookup.MISSING);
    assertThat(missing.getReason()).isEqualTo("SecretNotFound");
    assertThat(missing.getStatus()).isEqualTo("False");
    assertThat(missing.getMessage()).isEqualTo("Secret creds does not exist in namespace shop");
  }
}
