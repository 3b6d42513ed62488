package dev.keepsake.operator.kube;

import dev.keepsake.api.RuntimeSettings;
import dev.keepsake.operator.desired.JobIdentity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleBindingList;
import io.kubernetes.client.openapi.models.V1RoleList;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServiceAccountList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** The ServiceAccounts, Roles and RoleBindings the Jobs run as. */
public final class JobIdentities {
  private final ServerSideApply apply;
  private final GenericKubernetesApi<V1ServiceAccount, V1ServiceAccountList> serviceAccounts;
  private final GenericKubernetesApi<V1Role, V1RoleList> roles;
  private final GenericKubernetesApi<V1RoleBinding, V1RoleBindingList> roleBindings;
  private final Set<String> shared = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> sharing = new ConcurrentHashMap<>();

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
   * schedules' triggers and the repository Jobs run as. Done once per namespace and process: the
   * namespace's uid is part of what is remembered, so a namespace deleted and made again under the
   * same name gets them again (null when namespaces are not read: then only the name).
   */
  public void ensureShared(String namespace, String namespaceUid, String name) throws ApiException {
    String key = namespace + "/" + namespaceUid + "/" + name;
    if (shared.contains(key)) {
      return;
    }
    // One worker per namespace reads and applies while the others wait for its outcome, success
    // or failure: an operator starting among many configurations reconciles a namespace's all at
    // once, and each read and applied the three again.
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = sharing.putIfAbsent(key, mine);
    if (running != null) {
      awaitOutcome(running);
      return;
    }
    try {
      // Marked done only once applied: a worker that finds it marked may rely on the account
      // being there. A restarted operator finds them in place in every namespace: reading costs
      // no write.
      if (!shared.contains(key)) {
        if (!sharedInPlace(namespace, name)) {
          apply.apply(serviceAccounts, JobIdentity.serviceAccount(namespace, name));
          apply.apply(roles, JobIdentity.role(namespace, name));
          apply.apply(roleBindings, JobIdentity.roleBinding(namespace, name));
        }
        shared.add(key);
      }
      mine.complete(null);
    } catch (ApiException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      sharing.remove(key, mine);
    }
  }

  private static void awaitOutcome(CompletableFuture<Void> attempt) throws ApiException {
    try {
      attempt.join();
    } catch (CompletionException failed) {
      if (failed.getCause() instanceof ApiException api) {
        throw api;
      }
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw failed;
    }
  }

  private boolean sharedInPlace(String namespace, String name) {
    V1ServiceAccount account = serviceAccounts.get(namespace, name).getObject();
    V1Role role = roles.get(namespace, name).getObject();
    V1RoleBinding binding = roleBindings.get(namespace, name).getObject();
    if (account == null || role == null || binding == null) {
      return false;
    }
    V1Role desiredRole = JobIdentity.role(namespace, name);
    V1RoleBinding desiredBinding = JobIdentity.roleBinding(namespace, name);
    return labelled(account.getMetadata(), desiredRole.getMetadata())
        && labelled(role.getMetadata(), desiredRole.getMetadata())
        && labelled(binding.getMetadata(), desiredRole.getMetadata())
        && desiredRole.getRules().equals(role.getRules())
        && desiredBinding.getRoleRef().equals(binding.getRoleRef())
        && subjects(desiredBinding).equals(subjects(binding));
  }

  private static boolean labelled(V1ObjectMeta found, V1ObjectMeta desired) {
    Map<String, String> labels = found.getLabels() == null ? Map.of() : found.getLabels();
    return desired.getLabels() == null
        || labels.entrySet().containsAll(desired.getLabels().entrySet());
  }

  /** Kind, name and namespace: the server fills in the rest. */
  private static List<String> subjects(V1RoleBinding binding) {
    return binding.getSubjects() == null
        ? List.of()
        : binding.getSubjects().stream()
            .map(s -> s.getKind() + "/" + s.getNamespace() + "/" + s.getName())
            .toList();
  }

  /**
   * Makes the identity of one session's Job: its ServiceAccount (unless runtime settings name the
   * account to run as), and a Role and RoleBinding that let that account read the session and write
   * its status, and nothing else. All three are owned by the session and go with it.
   */
  public void ensureForSession(JobIdentity.SessionIdentity identity, RuntimeSettings runtime)
      throws ApiException {
    String named = runtime == null ? null : runtime.getServiceAccountName();
    // The account and the Role go at once; the binding after them: without the bind verb, the API
    // server checks the operator holds what the Role grants, and a Role not there yet is refused.
    List<Concurrently.Call<Void>> first = new java.util.ArrayList<>();
    if (named == null) {
      first.add(
          () -> {
            apply.createOrApply(serviceAccounts, JobIdentity.sessionServiceAccount(identity));
            return null;
          });
    }
    first.add(
        () -> {
          apply.createOrApply(roles, JobIdentity.sessionRole(identity));
          return null;
        });
    Concurrently.all(first);
    apply.createOrApply(
        roleBindings,
        JobIdentity.sessionRoleBinding(identity, named != null ? named : identity.name()));
  }
}
