package dev.keepsake.runner.restic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keepsake.runner.restic.ResticFailure.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** restic 0.14's own stderr, as seen on these machines, told apart. */
class ResticFailureTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Fatal: wrong password or no key found | WrongPassword | wrong repository password",
        "Fatal: unable to open config file: Stat: Get \"http://127.0.0.1:1/bucket/?location=\": dial tcp 127.0.0.1:1: connect: connection refused\\nIs there a repository at the following location? | EndpointUnreachable | connect: connection refused",
        "Fatal: unable to open config file: Stat: The specified bucket does not exist | BucketNotFound | does not exist",
        "Fatal: unable to open config file: Stat: Access Denied. | AccessDenied | was denied",
        "Fatal: unable to create lock in backend: repository is already locked by PID 23533 on vm by root (UID 0, GID 0) | RepositoryLocked | PID 23533 on vm by root",
        "Fatal: unable to open config file: stat /tmp/rp/config: no such file or directory\\nIs there a repository at the following location? | RepositoryNotFound | no restic repository at",
        "Fatal: something nobody expected | ResticFailed | exit code 1: Fatal: something nobody expected"
      })
  void restic014MessagesAreToldApart(String stderr, Reason reason, String fragment) {
    ResticFailure failure =
        ResticFailure.of(
            "restic backup", 1, stderr.replace("\\n", "\n"), "s3:http://127.0.0.1:1/bucket");

    assertThat(failure.reason()).isEqualTo(reason);
    assertThat(failure.message()).contains(fragment);
  }
}
