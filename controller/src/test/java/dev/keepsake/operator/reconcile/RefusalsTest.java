package dev.keepsake.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import org.junit.jupiter.api.Test;

class RefusalsTest {
  /** The body kube-apiserver 1.33 sent when a Job was created in a namespace being deleted. */
  private static final String TERMINATING =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"jobs.batch \\\"keepsake-wipe-shop\\\" is forbidden: unable to create new"
          + " content in namespace shop because it is being terminated\",\"reason\":\"Forbidden\","
          + "\"details\":{\"name\":\"keepsake-wipe-shop\",\"group\":\"batch\",\"kind\":\"jobs\","
          + "\"causes\":[{\"reason\":\"NamespaceTerminating\",\"message\":\"namespace shop is being"
          + " terminated\",\"field\":\"metadata.namespace\"}]},\"code\":403}";

  @Test
  void aCreateInANamespaceBeingDeletedIsToldApartFromOtherRefusals() {
    assertThat(Refusals.namespaceTerminating(new ApiException(403, null, TERMINATING))).isTrue();
    assertThat(Refusals.of(new ApiException(403, null, TERMINATING)))
        .hasValueSatisfying(m -> assertThat(m).contains("being terminated"));

    String rbac =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"jobs.batch is forbidden: User"
            + " cannot create resource\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"jobs\"},"
            + "\"code\":403}";
    assertThat(Refusals.namespaceTerminating(new ApiException(403, null, rbac))).isFalse();
    assertThat(Refusals.namespaceTerminating(new ApiException(409, null, TERMINATING))).isFalse();
    assertThat(Refusals.namespaceTerminating(new ApiException(403, null, "not json"))).isFalse();
    assertThat(Refusals.namespaceTerminating(new ApiException(403, null, null))).isFalse();
    assertThat(
            Refusals.namespaceTerminating(
                new ApiException(403, null, "{\"details\":{\"causes\":[\"odd\"]}}")))
        .isFalse();
  }
}
