package dev.keepsake.resolve;

import dev.keepsake.api.Function;
import dev.keepsake.api.FunctionSpec;
import dev.keepsake.api.Param;
import dev.keepsake.api.Task;
import dev.keepsake.api.TaskStep;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Task + Functions + variables → containers, one per step, in order. Every ${VARIABLE} must be
 * defined (by the operator, the AppBinding's parameters, the step's params or the session's) or
 * carry a default; otherwise the Task is refused with the names of what is missing.
 */
public final class TaskResolver {
  private TaskResolver() {}

  /**
   * @param sessionParams params of the BackupConfiguration's or RestoreSession's task reference;
   *     they win over the step's own params
   */
  public static List<V1Container> containers(
      Task task, Map<String, Function> functions, Variables variables, List<Param> sessionParams) {
    String taskName = task.getMetadata().getName();
    List<TaskStep> steps = task.getSpec().getSteps();
    List<V1Container> containers = new ArrayList<>();
    Set<String> usedNames = new HashSet<>();
    List<String> problems = new ArrayList<>();
    Set<String> undefined = new java.util.TreeSet<>();
    refuseReserved(sessionParams, "spec.task.params", "");
    for (int i = 0; i < steps.size(); i++) {
      refuseReserved(
          steps.get(i).getParams(), "spec.steps[" + i + "].params", " of Task " + taskName);
    }
    for (int i = 0; i < steps.size(); i++) {
      TaskStep step = steps.get(i);
      Function function = functions.get(step.getName());
      if (function == null) {
        throw new ResolutionException(
            "FunctionNotFound",
            "step "
                + (i + 1)
                + " of Task "
                + taskName
                + " names Function "
                + step.getName()
                + ", which does not exist in this namespace nor among the built-ins");
      }
      Variables stepVariables =
          variables.with(params(step.getParams())).with(params(sessionParams));
      Substitution substitution = new Substitution(stepVariables);
      V1Container container =
          container(uniqueName(step.getName(), usedNames), function.getSpec(), substitution);
      if (!substitution.undefined().isEmpty()) {
        undefined.addAll(substitution.undefined());
        problems.add(
            "Function "
                + step.getName()
                + " (step "
                + (i + 1)
                + ") uses "
                + describe(substitution.undefined()));
      }
      containers.add(container);
    }
    if (!problems.isEmpty()) {
      throw new ResolutionException(
          "UndefinedVariable",
          "Task "
              + taskName
              + " cannot run: "
              + String.join("; ", problems)
              + ". "
              + whatToDo(undefined, true));
    }
    return containers;
  }

  /**
   * What to do about undefined variables. The operator's own names cannot be defined as params
   * (they are refused as reserved): for them, the input that makes the operator set them.
   *
   * @param paramsReach whether the step's and the task reference's params are variables there (they
   *     are in a step's fields, not in the Task's volumes)
   */
  private static String whatToDo(Set<String> undefined, boolean paramsReach) {
    List<String> advice = new ArrayList<>();
    for (String name : undefined) {
      if (name.startsWith("KEEPSAKE_")) {
        advice.add(
            "${"
                + name
                + "} is no variable of a Task: names beginning KEEPSAKE_ are kept for the runner's"
                + " own environment");
      } else if (ReservedVariables.isReserved(name)) {
        advice.add(
            "The operator sets ${"
                + name
                + "} only when "
                + ReservedVariables.setWhen(name).orElse("its Job needs it")
                + ": change that input, or choose a Task made for this target");
      }
    }
    List<String> own = undefined.stream().filter(n -> !ReservedVariables.isReserved(n)).toList();
    if (!own.isEmpty()) {
      String names = String.join(", ", own.stream().map(n -> "${" + n + "}").toList());
      advice.add(
          paramsReach
              ? "Define "
                  + names
                  + " as params of the Task's step or of the task reference, or give a default:"
                  + " ${NAME:=value}"
              : "Params do not reach a Task's volumes: give "
                  + names
                  + " a default (${NAME:=value}) or set it as a parameter of the AppBinding");
    }
    return String.join(". ", advice);
  }

  /**
   * The Task's volumes with variables in the names they refer to (Secret, ConfigMap, claim), so a
   * Task can mount, say, the AppBinding's TLS Secret.
   */
  public static List<V1Volume> volumes(Task task, Variables variables) {
    List<V1Volume> volumes = new ArrayList<>();
    if (task.getSpec().getVolumes() == null) {
      return volumes;
    }
    Substitution substitution = new Substitution(variables);
    io.kubernetes.client.openapi.JSON json = new io.kubernetes.client.openapi.JSON();
    for (V1Volume declared : task.getSpec().getVolumes()) {
      V1Volume volume = json.deserialize(json.serialize(declared), V1Volume.class);
      if (volume.getSecret() != null) {
        volume.getSecret().secretName(substitution.in(volume.getSecret().getSecretName()));
      }
      if (volume.getConfigMap() != null) {
        volume.getConfigMap().name(substitution.in(volume.getConfigMap().getName()));
      }
      if (volume.getPersistentVolumeClaim() != null) {
        volume
            .getPersistentVolumeClaim()
            .claimName(substitution.in(volume.getPersistentVolumeClaim().getClaimName()));
      }
      volumes.add(volume);
    }
    if (!substitution.undefined().isEmpty()) {
      throw new ResolutionException(
          "UndefinedVariable",
          "Task "
              + task.getMetadata().getName()
              + " cannot run: its volumes use "
              + describe(substitution.undefined())
              + ". "
              + whatToDo(substitution.undefined(), false));
    }
    return volumes;
  }

  private static V1Container container(String name, FunctionSpec spec, Substitution substitution) {
    V1Container container =
        new V1Container()
            .name(name)
            .image(substitution.in(spec.getImage()))
            .command(substitution.forKubelet(spec.getCommand()))
            .args(substitution.forKubelet(spec.getArgs()))
            .workingDir(substitution.in(spec.getWorkingDir()))
            .env(env(spec.getEnv(), substitution))
            .volumeMounts(
                spec.getVolumeMounts() == null
                    ? new ArrayList<>()
                    : new ArrayList<>(
                        spec.getVolumeMounts().stream()
                            .map(
                                mount ->
                                    new V1VolumeMount()
                                        .name(mount.getName())
                                        .mountPath(mount.getMountPath())
                                        .subPath(mount.getSubPath())
                                        .readOnly(mount.getReadOnly()))
                            .toList()));
    if (spec.getResources() != null) {
      container.resources(
          new V1ResourceRequirements()
              .limits(copy(spec.getResources().getLimits()))
              .requests(copy(spec.getResources().getRequests())));
    }
    return container;
  }

  private static List<V1EnvVar> env(List<V1EnvVar> env, Substitution substitution) {
    List<V1EnvVar> resolved = new ArrayList<>();
    for (V1EnvVar variable : env == null ? List.<V1EnvVar>of() : env) {
      V1EnvVar copy =
          new V1EnvVar()
              .name(variable.getName())
              .value(substitution.forKubelet(variable.getValue()));
      V1EnvVarSource from = variable.getValueFrom();
      if (from != null) {
        V1EnvVarSource source = new V1EnvVarSource().fieldRef(from.getFieldRef());
        if (from.getSecretKeyRef() != null) {
          source.secretKeyRef(
              new V1SecretKeySelector()
                  .name(substitution.in(from.getSecretKeyRef().getName()))
                  .key(substitution.in(from.getSecretKeyRef().getKey()))
                  .optional(from.getSecretKeyRef().getOptional()));
        }
        if (from.getConfigMapKeyRef() != null) {
          source.configMapKeyRef(
              new V1ConfigMapKeySelector()
                  .name(substitution.in(from.getConfigMapKeyRef().getName()))
                  .key(substitution.in(from.getConfigMapKeyRef().getKey()))
                  .optional(from.getConfigMapKeyRef().getOptional()));
        }
        copy.valueFrom(source);
      }
      resolved.add(copy);
    }
    return resolved;
  }

  private static void refuseReserved(List<Param> params, String field, String of) {
    if (params != null) {
      for (int i = 0; i < params.size(); i++) {
        ReservedVariables.refuseIfReserved(
            params.get(i).getName(), field + "[" + i + "].name" + of);
      }
    }
  }

  private static Map<String, String> params(List<Param> params) {
    Map<String, String> map = new LinkedHashMap<>();
    if (params != null) {
      params.forEach(p -> map.put(p.getName(), p.getValue()));
    }
    return map;
  }

  private static String uniqueName(String name, Set<String> used) {
    String candidate = name;
    for (int i = 2; !used.add(candidate); i++) {
      candidate = dev.keepsake.desired.Names.fit(name + "-" + i, 63);
    }
    return candidate;
  }

  private static Map<String, Quantity> copy(Map<String, Quantity> quantities) {
    return quantities == null ? null : new LinkedHashMap<>(quantities);
  }

  private static String describe(Set<String> names) {
    return (names.size() == 1 ? "the undefined variable " : "the undefined variables ")
        + String.join(", ", names.stream().map(n -> "${" + n + "}").toList());
  }
}
