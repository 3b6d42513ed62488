package dev.keepsake.operator.desired;

import dev.keepsake.api.Resource;
import dev.keepsake.desired.Labels;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.util.List;

/**
 * The identity backup and restore pods run as in a namespace, and no more than it needs: read its
 * sessions and write their status (the runner), create BackupSessions (the schedule's trigger).
 * Repository credentials come by Secret reference in the pod spec, so the Role reads no Secret.
 */
public final class JobIdentity {
  private JobIdentity() {}

  public static V1ServiceAccount serviceAccount(String namespace, String name) {
    return new V1ServiceAccount().apiVersion("v1").kind("ServiceAccount").metadata(meta(namespace, name));
  }

  public static V1Role role(String namespace, String name) {
    return new V1Role().apiVersion("rbac.authorization.k8s.io/v1").kind("Role").metadata(meta(namespace, name)).rules(List.of(
        new V1PolicyRule().apiGroups(List.of(Resource.GROUP)).resources(List.of("backupsessions", "restoresessions"))
            .verbs(List.of("get")),
        new V1PolicyRule().apiGroups(List.of(Resource.GROUP)).resources(List.of("backupsessions/status", "restoresessions/status"))
            .verbs(List.of("get", "patch")),
        new V1PolicyRule().apiGroups(List.of(Resource.GROUP)).resources(List.of("backupsessions")).verbs(List.of("create"))));
  }

  public static V1RoleBinding roleBinding(String namespace, String name) {
    return new V1RoleBinding().apiVersion("rbac.authorization.k8s.io/v1").kind("RoleBinding").metadata(meta(namespace, name))
        .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name(name))
        .subjects(List.of(new RbacV1Subject().kind("ServiceAccount").name(name).namespace(namespace)));
  }

  private static V1ObjectMeta meta(String namespace, String name) {
    return new V1ObjectMeta().name(name).namespace(namespace).labels(Labels.of("app.kubernetes.io/component", "job-identity"));
  }
}
