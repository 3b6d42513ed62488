package dev.keepsake.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositorySpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WipeOutTest {
  private static Repository repository(boolean wipeOut, boolean finalizer, boolean deleting) {
    V1ObjectMeta meta =
        new V1ObjectMeta()
            .name("scratch")
            .namespace("shop")
            .finalizers(
                finalizer
                    ? new ArrayList<>(List.of("example.com/other", WipeOut.FINALIZER))
                    : new ArrayList<>(List.of("example.com/other")))
            .deletionTimestamp(deleting ? OffsetDateTime.now() : null);
    return new Repository().metadata(meta).spec(new RepositorySpec().wipeOut(wipeOut));
  }

  private static V1Job job(String condition) {
    V1Job job = new V1Job().metadata(new V1ObjectMeta().name("keepsake-wipe-scratch"));
    return condition == null
        ? job
        : job.status(
            new V1JobStatus()
                .conditions(List.of(new V1JobCondition().type(condition).status("True"))));
  }

  @Test
  void theFinalizerFollowsWipeOutWhileTheRepositoryLives() {
    assertThat(WipeOut.next(repository(true, false, false), null))
        .isEqualTo(WipeOut.Step.ADD_FINALIZER);
    assertThat(WipeOut.next(repository(true, true, false), null)).isEqualTo(WipeOut.Step.NOTHING);
    assertThat(WipeOut.next(repository(false, true, false), null))
        .isEqualTo(WipeOut.Step.REMOVE_FINALIZER);
    assertThat(WipeOut.next(repository(false, false, false), null)).isEqualTo(WipeOut.Step.NOTHING);
  }

  @Test
  void aDeletedRepositoryGoesOnlyAfterItsWipeJobSucceeded() {
    assertThat(WipeOut.next(repository(true, true, true), null)).isEqualTo(WipeOut.Step.CREATE_JOB);
    assertThat(WipeOut.next(repository(true, true, true), job(null)))
        .isEqualTo(WipeOut.Step.WAIT_FOR_JOB);
    assertThat(WipeOut.next(repository(true, true, true), job("Failed")))
        .isEqualTo(WipeOut.Step.JOB_FAILED);
    assertThat(WipeOut.next(repository(true, true, true), job("Complete")))
        .isEqualTo(WipeOut.Step.REMOVE_FINALIZER);
  }

  @Test
  void turningWipeOutOffLetsADeletedRepositoryGoWithItsDataKept() {
    assertThat(WipeOut.next(repository(false, true, true), job("Failed")))
        .isEqualTo(WipeOut.Step.REMOVE_FINALIZER);
    assertThat(WipeOut.next(repository(true, false, true), null))
        .as("someone else's finalizer only")
        .isEqualTo(WipeOut.Step.NOTHING);
  }
}
