package dev.keepsake.restic;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.keepsake.api.Manifests;
import dev.keepsake.api.RepositorySpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResticRepositoryTest {
  private static ResticRepository of(String backendJson) {
    return ResticRepository.of(
        Manifests.toModel(
            JsonParser.parseString(
                    "{\"backend\": " + backendJson + ", \"secret\": {\"name\": \"s\"}}")
                .getAsJsonObject(),
            RepositorySpec.class));
  }

  @Test
  void anS3RepositoryWithPathStyleRegionAndInsecureTls() {
    ResticRepository repository =
        of(
            "{\"s3\": {\"endpoint\": \"http://minio.storage:9000/\", \"bucket\": \"backups\","
                + " \"prefix\": \"/demo/redis/\", \"region\": \"eu-west-1\", \"forcePathStyle\": true, \"insecureSkipTLSVerify\": true}}");

    assertThat(repository.location()).isEqualTo("s3:http://minio.storage:9000/backups/demo/redis");
    assertThat(repository.flags())
        .containsExactly(
            "-o", "s3.bucket-lookup=path", "-o", "s3.region=eu-west-1", "--insecure-tls");
    assertThat(repository.requiredSecretKeys())
        .containsExactly("RESTIC_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(repository.fileSecretKeys()).containsEntry("CA_CERT_DATA", "--cacert");
    assertThat(repository.bucketUrl()).isEqualTo("http://minio.storage:9000/backups/");
  }

  @Test
  void anS3RepositoryOnAwsUsesVirtualHostedBuckets() {
    ResticRepository repository = of("{\"s3\": {\"bucket\": \"backups\"}}");

    assertThat(repository.location()).isEqualTo("s3:s3.amazonaws.com/backups");
    assertThat(repository.bucketUrl()).isEqualTo("https://backups.s3.amazonaws.com/");
  }

  @Test
  void aLocalRepositoryJoinsMountPathAndSubPath() {
    assertThat(
            of("{\"local\": {\"mountPath\": \"/repository/\", \"subPath\": \"redis\", \"hostPath\": {\"path\": \"/d\"}}}")
                .location())
        .isEqualTo("/repository/redis");
    assertThat(
            of("{\"local\": {\"mountPath\": \"/repository\", \"hostPath\": {\"path\": \"/d\"}}}")
                .location())
        .isEqualTo("/repository");
  }

  @Test
  void gcsAzureAndB2UseTheirOwnSyntaxAndCredentials() {
    ResticRepository gcs =
        of("{\"gcs\": {\"bucket\": \"b\", \"prefix\": \"p\", \"maxConnections\": 8}}");
    ResticRepository azure = of("{\"azure\": {\"container\": \"c\", \"prefix\": \"p\"}}");
    ResticRepository b2 = of("{\"b2\": {\"bucket\": \"bucket-1\", \"prefix\": \"p\"}}");

    assertThat(gcs.location()).isEqualTo("gs:b:/p");
    assertThat(gcs.flags()).containsExactly("-o", "gs.connections=8");
    assertThat(gcs.fileSecretKeys())
        .containsEntry("GOOGLE_SERVICE_ACCOUNT_JSON_KEY", "GOOGLE_APPLICATION_CREDENTIALS");
    assertThat(azure.location()).isEqualTo("azure:c:/p");
    assertThat(azure.requiredSecretKeys()).contains("AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY");
    assertThat(b2.location()).isEqualTo("b2:bucket-1:p");
    assertThat(b2.requiredSecretKeys()).contains("B2_ACCOUNT_ID", "B2_ACCOUNT_KEY");
  }

  @Test
  void restServerCredentialsGoIntoTheUrlOnlyWhenAsked() {
    ResticRepository rest = of("{\"rest\": {\"url\": \"https://backup.example:8000/redis/\"}}");
    Map<String, String> environment =
        Map.of("REST_SERVER_USERNAME", "keep", "REST_SERVER_PASSWORD", "p@ss word");

    assertThat(rest.location()).isEqualTo("rest:https://backup.example:8000/redis/");
    assertThat(rest.locationWithCredentials(environment))
        .isEqualTo("rest:https://keep:p%40ss%20word@backup.example:8000/redis/");
    assertThat(rest.locationWithCredentials(Map.of())).isEqualTo(rest.location());
  }

  @Test
  void missingSecretKeysAreListed() {
    ResticRepository s3 = of("{\"s3\": {\"bucket\": \"backups\"}}");

    assertThat(s3.missingSecretKeys(Map.of("RESTIC_PASSWORD", "x", "AWS_ACCESS_KEY_ID", "")))
        .containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }
}
