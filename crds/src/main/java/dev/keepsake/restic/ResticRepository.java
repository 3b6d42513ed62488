package dev.keepsake.restic;

import dev.keepsake.api.Backend;
import dev.keepsake.api.LocalBackend;
import dev.keepsake.api.RepositorySpec;
import dev.keepsake.api.S3Backend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How restic reaches a Repository: the repository string, the global flags and the environment keys
 * the repository's Secret must provide. Built from the spec alone, so it never holds a credential.
 *
 * @param location restic's repository string, e.g. {@code s3:http://minio:9000/backups/redis}
 * @param flags global restic flags such as {@code -o s3.bucket-lookup=path} or {@code
 *     --insecure-tls}
 * @param requiredSecretKeys environment variables that must come from the repository Secret
 * @param fileSecretKeys Secret keys whose value restic needs as a file, mapped to the flag
 *     (starting with "--") or the environment variable that names that file
 * @param bucketUrl for S3, the bucket's URL: an anonymous GET on it answers NoSuchBucket when the
 *     bucket is missing, which restic itself cannot tell from an empty bucket; null otherwise
 */
public record ResticRepository(
    String type,
    String location,
    List<String> flags,
    List<String> requiredSecretKeys,
    Map<String, String> fileSecretKeys,
    String bucketUrl) {

  public static final String PASSWORD = "RESTIC_PASSWORD";

  /** PEM certificates of an in-house CA for the backend's TLS, handed to restic as --cacert. */
  public static final String CA_CERT_DATA = "CA_CERT_DATA";

  public static final String GOOGLE_SERVICE_ACCOUNT_JSON_KEY = "GOOGLE_SERVICE_ACCOUNT_JSON_KEY";
  public static final String REST_SERVER_USERNAME = "REST_SERVER_USERNAME";
  public static final String REST_SERVER_PASSWORD = "REST_SERVER_PASSWORD";

  /** Every Secret key the runner knows; their values are redacted from anything it prints. */
  public static final List<String> SECRET_KEYS =
      List.of(
          PASSWORD,
          CA_CERT_DATA,
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "GOOGLE_PROJECT_ID",
          GOOGLE_SERVICE_ACCOUNT_JSON_KEY,
          "AZURE_ACCOUNT_NAME",
          "AZURE_ACCOUNT_KEY",
          "B2_ACCOUNT_ID",
          "B2_ACCOUNT_KEY",
          REST_SERVER_USERNAME,
          REST_SERVER_PASSWORD);

  public static ResticRepository of(RepositorySpec spec) {
    Backend backend = spec.getBackend();
    if (backend == null) {
      throw new IllegalArgumentException("the repository has no backend");
    }
    if (backend.getLocal() != null) {
      return local(backend.getLocal());
    }
    if (backend.getS3() != null) {
      return s3(backend.getS3());
    }
    if (backend.getGcs() != null) {
      var gcs = backend.getGcs();
      return new ResticRepository(
          "gcs",
          "gs:" + gcs.getBucket() + ":/" + orEmpty(gcs.getPrefix()),
          connections("gs", gcs.getMaxConnections()),
          List.of(PASSWORD, "GOOGLE_PROJECT_ID", GOOGLE_SERVICE_ACCOUNT_JSON_KEY),
          // restic reads the service account key only from a file named by this variable.
          Map.of(GOOGLE_SERVICE_ACCOUNT_JSON_KEY, "GOOGLE_APPLICATION_CREDENTIALS"),
          null);
    }
    if (backend.getAzure() != null) {
      var azure = backend.getAzure();
      return new ResticRepository(
          "azure",
          "azure:" + azure.getContainer() + ":/" + orEmpty(azure.getPrefix()),
          connections("azure", azure.getMaxConnections()),
          List.of(PASSWORD, "AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY"),
          Map.of(),
          null);
    }
    if (backend.getB2() != null) {
      var b2 = backend.getB2();
      return new ResticRepository(
          "b2",
          "b2:" + b2.getBucket() + ":" + orEmpty(b2.getPrefix()),
          connections("b2", b2.getMaxConnections()),
          List.of(PASSWORD, "B2_ACCOUNT_ID", "B2_ACCOUNT_KEY"),
          Map.of(),
          null);
    }
    if (backend.getRest() != null) {
      return new ResticRepository(
          "rest",
          "rest:" + backend.getRest().getUrl(),
          List.of(),
          List.of(PASSWORD),
          Map.of(CA_CERT_DATA, "--cacert"),
          null);
    }
    throw new IllegalArgumentException(
        "the repository's backend sets none of local, s3, gcs, azure, b2, rest");
  }

  /** A repository string given as it is (RESTIC_REPOSITORY), for use outside Kubernetes. */
  public static ResticRepository ofLocation(String location) {
    String type =
        location.contains(":") && !location.startsWith("/")
            ? location.substring(0, location.indexOf(':'))
            : "local";
    return new ResticRepository(type, location, List.of(), List.of(PASSWORD), Map.of(), null);
  }

  /** Where the data lives, for people and metric labels: no credentials, no scheme noise. */
  public String displayLocation() {
    return location.replaceAll("//[^/@]+@", "//");
  }

  /**
   * The repository string with REST server credentials put into the URL, which is the only way
   * restic 0.14 takes them. The result is a secret: never log it.
   */
  public String locationWithCredentials(Map<String, String> environment) {
    String user = environment.get(REST_SERVER_USERNAME);
    String password = environment.get(REST_SERVER_PASSWORD);
    if (!"rest".equals(type) || user == null || user.isEmpty()) {
      return location;
    }
    String url = location.substring("rest:".length());
    int schemeEnd = url.indexOf("://") + 3;
    String credentials =
        urlEncode(user) + (password == null ? "" : ":" + urlEncode(password)) + "@";
    return "rest:" + url.substring(0, schemeEnd) + credentials + url.substring(schemeEnd);
  }

  /** Environment keys the repository needs that {@code environment} lacks or has empty. */
  public List<String> missingSecretKeys(Map<String, String> environment) {
    return requiredSecretKeys.stream()
        .filter(key -> environment.get(key) == null || environment.get(key).isEmpty())
        .toList();
  }

  private static ResticRepository local(LocalBackend local) {
    String mountPath =
        local.getMountPath().endsWith("/") ? local.getMountPath() : local.getMountPath() + "/";
    String location =
        local.getSubPath() == null ? local.getMountPath() : mountPath + local.getSubPath();
    return new ResticRepository("local", location, List.of(), List.of(PASSWORD), Map.of(), null);
  }

  private static ResticRepository s3(S3Backend s3) {
    String endpoint =
        s3.getEndpoint() == null ? "s3.amazonaws.com" : s3.getEndpoint().replaceAll("/+$", "");
    String baseUrl = endpoint.contains("://") ? endpoint : "https://" + endpoint;
    String bucketUrl =
        Boolean.TRUE.equals(s3.getForcePathStyle())
            ? baseUrl + "/" + s3.getBucket() + "/"
            : baseUrl.replaceFirst("://", "://" + s3.getBucket() + ".") + "/";
    String prefix = s3.getPrefix() == null ? "" : "/" + s3.getPrefix().replaceAll("^/+|/+$", "");
    List<String> flags = new ArrayList<>();
    if (Boolean.TRUE.equals(s3.getForcePathStyle())) {
      flags.addAll(List.of("-o", "s3.bucket-lookup=path"));
    }
    if (s3.getRegion() != null) {
      flags.addAll(List.of("-o", "s3.region=" + s3.getRegion()));
    }
    if (Boolean.TRUE.equals(s3.getInsecureSkipTLSVerify())) {
      flags.add("--insecure-tls");
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put(CA_CERT_DATA, "--cacert");
    return new ResticRepository(
        "s3",
        "s3:" + endpoint + "/" + s3.getBucket() + prefix,
        List.copyOf(flags),
        List.of(PASSWORD, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        files,
        bucketUrl);
  }

  private static List<String> connections(String backend, Integer max) {
    return max == null ? List.of() : List.of("-o", backend + ".connections=" + max);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String urlEncode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
