package dev.keepsake.operator.kube;

import io.kubernetes.client.openapi.ApiClient;

/**
 * Every write the operator makes, and the few reads its cache cannot answer, by what each is for.
 * One of each per operator, made by {@link #of}.
 */
public record KubeWrites(
    StatusWriter statuses,
    Events events,
    MetadataWriter metadata,
    ServerSideApply apply,
    JobControl jobs,
    JobPods pods,
    JobIdentities identities,
    SecretAccess secrets)
    implements AutoCloseable {

  public static KubeWrites of(ApiClient client) {
    ServerSideApply apply = new ServerSideApply(client);
    return new KubeWrites(
        new StatusWriter(client),
        new Events(client),
        new MetadataWriter(client),
        apply,
        new JobControl(client),
        new JobPods(client),
        new JobIdentities(client, apply),
        new SecretAccess(client));
  }

  @Override
  public void close() {
    events.close();
  }
}
