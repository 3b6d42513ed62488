package dev.keepsake.operator.kube;

import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.operator.desired.JobIdentity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleBindingList;
import io.kubernetes.client.openapi.models.V1RoleList;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServiceAccountList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The ServiceAccounts, Roles and RoleBindings the Jobs run as. */
public final class JobIdentities {
  private final ServerSideApply apply;
  private final GenericKubernetesApi<V1ServiceAccount, V1ServiceAccountList> serviceAccounts;
  private final GenericKubernetesApi<V1Role, V1RoleList> roles;
  private final GenericKubernetesApi<V1RoleBinding, V1RoleBindingList> roleBindings;
  private final Set<String> shared = ConcurrentHashMap.newKeySet();

  JobIdentities(ApiClient client, ServerSideApply apply) {
    this.apply = apply;
    this.serviceAccounts =
        new GenericKubernetesApi<>(
            V1ServiceAccount.class,
            V1ServiceAccountList.class,
            "",
            "v1",
            "serviceaccounts",
            client);
    this.roles =
        new GenericKubernetesApi<>(
            V1Role.class, V1RoleList.class, "rbac.authorization.k8s.io", "v1", "roles", client);
    this.roleBindings =
        new GenericKubernetesApi<>(
            V1RoleBinding.class,
            V1RoleBindingList.class,
            "rbac.authorization.k8s.io",
            "v1",
            "rolebindings",
            client);
  }

  /**
   * Makes sure the namespace has the shared ServiceAccount, Role and RoleBinding that the
   * schedules' triggers and the repository Jobs run as. Applied once per namespace and process;
   * server-side apply makes repeats harmless.
   */
  public void ensureShared(String namespace, String name) throws ApiException {
    // Marked done only once applied: a worker that finds it marked may rely on the account being
    // there. Two workers applying it at once is harmless (server-side apply).
    if (shared.contains(namespace + "/" + name)) {
      return;
    }
    apply.apply(serviceAccounts, JobIdentity.serviceAccount(namespace, name));
    apply.apply(roles, JobIdentity.role(namespace, name));
    apply.apply(roleBindings, JobIdentity.roleBinding(namespace, name));
    shared.add(namespace + "/" + name);
  }

  /**
   * Makes the identity of one session's Job: its ServiceAccount (unless runtime settings name the
   * account to run as), and a Role and RoleBinding that let that account read the session and write
   * its status, and nothing else. All three are owned by the session and go with it.
   */
  public void ensureForSession(JobIdentity.SessionIdentity identity, RuntimeSettings runtime)
      throws ApiException {
    String named = runtime == null ? null : runtime.getServiceAccountName();
    if (named == null) {
      apply.apply(serviceAccounts, JobIdentity.sessionServiceAccount(identity));
    }
    apply.apply(roles, JobIdentity.sessionRole(identity));
    apply.apply(
        roleBindings,
        JobIdentity.sessionRoleBinding(identity, named != null ? named : identity.name()));
  }
}
