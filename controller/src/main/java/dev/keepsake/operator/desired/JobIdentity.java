package dev.keepsake.operator.desired;

import dev.keepsake.api.Resource;
import dev.keepsake.desired.Labels;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.util.List;

/**
 * The identities Keepsake's pods run as, each no broader than its work. In a namespace, one shared
 * identity for the schedules' triggers and the repository Jobs: create BackupSessions, nothing
 * else. Per session, an identity of its own for its Job: read that session and write its status, so
 * a Job cannot write another session's result. Repository credentials come by Secret reference in
 * the pod spec, so no Role reads a Secret.
 */
public final class JobIdentity {
  private JobIdentity() {}

  public static V1ServiceAccount serviceAccount(String namespace, String name) {
    return new V1ServiceAccount()
        .apiVersion("v1")
        .kind("ServiceAccount")
        .metadata(meta(namespace, name));
  }

  public static V1Role role(String namespace, String name) {
    return new V1Role()
        .apiVersion("rbac.authorization.k8s.io/v1")
        .kind("Role")
        .metadata(meta(namespace, name))
        .rules(
            List.of(
                new V1PolicyRule()
                    .apiGroups(List.of(Resource.GROUP))
                    .resources(List.of("backupsessions"))
                    .verbs(List.of("create"))));
  }

  public static V1RoleBinding roleBinding(String namespace, String name) {
    return binding(meta(namespace, name), name);
  }

  /** The identity of one session's Job, named after the Job and owned by the session. */
  public static V1ServiceAccount sessionServiceAccount(SessionIdentity identity) {
    return new V1ServiceAccount().apiVersion("v1").kind("ServiceAccount").metadata(meta(identity));
  }

  public static V1Role sessionRole(SessionIdentity identity) {
    List<String> session = List.of(identity.sessionName());
    return new V1Role()
        .apiVersion("rbac.authorization.k8s.io/v1")
        .kind("Role")
        .metadata(meta(identity))
        .rules(
            List.of(
                new V1PolicyRule()
                    .apiGroups(List.of(Resource.GROUP))
                    .resources(List.of(identity.plural()))
                    .resourceNames(session)
                    .verbs(List.of("get")),
                new V1PolicyRule()
                    .apiGroups(List.of(Resource.GROUP))
                    .resources(List.of(identity.plural() + "/status"))
                    .resourceNames(session)
                    .verbs(List.of("get", "patch"))));
  }

  /**
   * Binds the session's Role to the account its pod runs as: the session's own, or the one runtime
   * settings name.
   */
  public static V1RoleBinding sessionRoleBinding(
      SessionIdentity identity, String podServiceAccount) {
    return binding(meta(identity), podServiceAccount);
  }

  /**
   * @param name the session Job's name, which its ServiceAccount, Role and RoleBinding share
   * @param plural backupsessions or restoresessions
   */
  public record SessionIdentity(
      String namespace, String name, String plural, Resource<?, ?, ?> session) {
    String sessionName() {
      return session.getMetadata().getName();
    }

    V1OwnerReference owner() {
      return new V1OwnerReference()
          .apiVersion(session.getApiVersion())
          .kind(session.getKind())
          .name(sessionName())
          .uid(session.getMetadata().getUid())
          .controller(true)
          .blockOwnerDeletion(true);
    }
  }

  private static V1RoleBinding binding(V1ObjectMeta meta, String serviceAccount) {
    return new V1RoleBinding()
        .apiVersion("rbac.authorization.k8s.io/v1")
        .kind("RoleBinding")
        .metadata(meta)
        .roleRef(
            new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name(meta.getName()))
        .subjects(
            List.of(
                new RbacV1Subject()
                    .kind("ServiceAccount")
                    .name(serviceAccount)
                    .namespace(meta.getNamespace())));
  }

  private static V1ObjectMeta meta(SessionIdentity identity) {
    return meta(identity.namespace(), identity.name()).ownerReferences(List.of(identity.owner()));
  }

  private static V1ObjectMeta meta(String namespace, String name) {
    return new V1ObjectMeta()
        .name(name)
        .namespace(namespace)
        .labels(Labels.of("app.kubernetes.io/component", "job-identity"));
  }
}
