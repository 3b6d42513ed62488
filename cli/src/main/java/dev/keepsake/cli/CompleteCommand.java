package dev.keepsake.cli;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.Resource;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.KubeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * `__complete WORDS...`, which the completion scripts and kubectl call with the words typed so far.
 * It is read before the command line is parsed, since the words are options of other commands.
 */
final class CompleteCommand {
  static final String NAME = "__complete";
  private final KubectlKeepsake.Terminal terminal;

  CompleteCommand(KubectlKeepsake.Terminal terminal) {
    this.terminal = terminal;
  }

  int run(List<String> words) {
    List<String> typed = words.isEmpty() ? List.of("") : words;
    Completion.Answer answer =
        Completion.complete(KubectlKeepsake.commandLine(terminal), typed, this::names);
    terminal.out().print(answer.text());
    terminal.out().flush();
    return 0;
  }

  /**
   * Names from the cluster; whatever fails gives none, since a completion must never print an
   * error.
   */
  private List<String> names(Completion.Kind kind, Completion.Scope scope) {
    try {
      if (kind == Completion.Kind.CONTEXT) {
        return contexts(scope);
      }
      KubeOptions options = new KubeOptions();
      options.kubeconfig = scope.kubeconfig();
      options.context = scope.context();
      options.namespace = scope.namespace();
      options.requestTimeout = java.time.Duration.ofSeconds(5);
      Kube kube = Kube.connect(options, terminal.env());
      return switch (kind) {
        case CONFIGURATION -> names(kube, ApiKind.BACKUP_CONFIGURATION);
        case REPOSITORY -> names(kube, ApiKind.REPOSITORY);
        case APP_BINDING -> names(kube, ApiKind.APP_BINDING);
        case SESSION ->
            Stream.concat(
                    names(kube, ApiKind.BACKUP_SESSION).stream(),
                    names(kube, ApiKind.RESTORE_SESSION).stream())
                .toList();
        case NAMESPACE ->
            new CoreV1Api(kube.client())
                .listNamespace().execute().getItems().stream()
                    .map(n -> n.getMetadata().getName())
                    .toList();
        case CONTEXT -> List.of();
      };
    } catch (RuntimeException | io.kubernetes.client.openapi.ApiException e) {
      return List.of();
    }
  }

  private static <T extends Resource<?, ?, T>> List<String> names(Kube kube, ApiKind<T, ?> kind) {
    return kube.list(kind, kube.namespace()).stream()
        .map(o -> o.getMetadata().getName())
        .sorted()
        .toList();
  }

  @SuppressWarnings("unchecked")
  private List<String> contexts(Completion.Scope scope) {
    KubeConfig config =
        KubeconfigFiles.load(KubeconfigFiles.of(scope.kubeconfig(), terminal.env()));
    List<String> names = new ArrayList<>();
    for (Object context : config.getContexts()) {
      Object name = ((Map<String, Object>) context).get("name");
      if (name != null) {
        names.add(name.toString());
      }
    }
    return names;
  }
}
