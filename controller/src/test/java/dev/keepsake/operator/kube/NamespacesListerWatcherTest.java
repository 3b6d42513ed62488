package dev.keepsake.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class NamespacesListerWatcherTest {
  /**
   * One namespace's objects and the events its next watch gives, with the versions watches were
   * opened from.
   */
  private static final class Namespace implements ListerWatcher<V1ConfigMap, V1ConfigMapList> {
    final String name;
    final String listVersion;
    final List<List<String>> watches; // each watch: the versions of its events, then it ends
    final List<String> openedFrom = new ArrayList<>();

    Namespace(String name, String listVersion, List<List<String>> watches) {
      this.name = name;
      this.listVersion = listVersion;
      this.watches = new ArrayList<>(watches);
    }

    @Override
    public V1ConfigMapList list(CallGeneratorParams params)
        throws io.kubernetes.client.openapi.ApiException {
      if (listVersion == null) {
        throw new io.kubernetes.client.openapi.ApiException(403, "forbidden");
      }
      return new V1ConfigMapList()
          .metadata(new V1ListMeta().resourceVersion(listVersion))
          .items(new ArrayList<>(List.of(map(name, "listed", listVersion))));
    }

    @Override
    public Watchable<V1ConfigMap> watch(CallGeneratorParams params) {
      openedFrom.add(params.resourceVersion);
      Iterator<String> versions =
          (watches.isEmpty() ? List.<String>of() : watches.remove(0)).iterator();
      return new Watchable<>() {
        @Override
        public boolean hasNext() {
          return versions.hasNext();
        }

        @Override
        public Watch.Response<V1ConfigMap> next() {
          return new Watch.Response<>("MODIFIED", map(name, "changed", versions.next()));
        }

        @Override
        public Iterator<Watch.Response<V1ConfigMap>> iterator() {
          return this;
        }

        @Override
        public void close() {}
      };
    }
  }

  private static V1ConfigMap map(String namespace, String name, String version) {
    return new V1ConfigMap()
        .metadata(new V1ObjectMeta().namespace(namespace).name(name).resourceVersion(version));
  }

  @Test
  void theListsAreJoinedAndEachNamespaceResumesFromItsOwnLastVersion() throws Exception {
    Map<String, Namespace> namespaces =
        new ConcurrentHashMap<>(
            Map.of(
                "shop", new Namespace("shop", "100", List.of(List.of("105", "110"), List.of())),
                "billing", new Namespace("billing", "90", List.of(List.of(), List.of()))));
    NamespacesListerWatcher<V1ConfigMap, V1ConfigMapList> joined =
        new NamespacesListerWatcher<>(List.of("shop", "billing"), namespaces::get);

    V1ConfigMapList listed = joined.list(new CallGeneratorParams(false, null, null));
    assertThat(listed.getItems())
        .extracting(m -> m.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("shop", "billing");
    assertThat(listed.getMetadata().getResourceVersion()).isEqualTo("100");

    List<String> seen = new ArrayList<>();
    try (Watchable<V1ConfigMap> watch = joined.watch(new CallGeneratorParams(true, "100", 300))) {
      while (watch.hasNext()) {
        seen.add(watch.next().object.getMetadata().getResourceVersion());
      }
    }
    joined
        .watch(
            new CallGeneratorParams(true, seen.isEmpty() ? "100" : seen.get(seen.size() - 1), 300))
        .close();

    assertThat(namespaces.get("shop").openedFrom.get(0)).isEqualTo("100");
    assertThat(namespaces.get("billing").openedFrom)
        .as("not the newest version of all namespaces")
        .containsOnly("90");
    // shop resumes after what was handed on, and an event still queued when the joined watch ended
    // comes again.
    assertThat(namespaces.get("shop").openedFrom.get(1))
        .isEqualTo(seen.isEmpty() ? "100" : seen.get(seen.size() - 1));
  }

  @Test
  void aNamespaceThatCannotBeReadIsLeftOutInsteadOfStoppingTheOthers() throws Exception {
    Map<String, Namespace> namespaces =
        new ConcurrentHashMap<>(
            Map.of(
                "shop", new Namespace("shop", "100", List.of(List.of("105"))),
                "gone", new Namespace("gone", null, List.of())));
    NamespacesListerWatcher<V1ConfigMap, V1ConfigMapList> joined =
        new NamespacesListerWatcher<>(List.of("shop", "gone"), namespaces::get);

    assertThat(joined.list(new CallGeneratorParams(false, null, null)).getItems())
        .extracting(m -> m.getMetadata().getNamespace())
        .containsExactly("shop");
    try (Watchable<V1ConfigMap> watch = joined.watch(new CallGeneratorParams(true, "100", 300))) {
      assertThat(watch.hasNext()).isTrue();
      assertThat(watch.next().object.getMetadata().getResourceVersion()).isEqualTo("105");
    }
    assertThat(namespaces.get("gone").openedFrom)
        .as("no watch where the list was refused")
        .isEmpty();
  }
}
