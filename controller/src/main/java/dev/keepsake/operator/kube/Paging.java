package dev.keepsake.operator.kube;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The informers' lists, a page at a time. The API server honours a page size only for a list read
 * from storage, not from its cache (resourceVersion "0", where an informer starts), so pages are
 * read as of now: a newer version than asked is always a valid start for the watch that follows.
 */
final class Paging {
  static final int PAGE_SIZE = 500;

  private Paging() {}

  /** One request of a list, with the options of its page. */
  interface PageRequest<P> {
    P send(ListOptions options) throws ApiException;
  }

  /** Reads every page in turn and hands each to {@code take}. */
  static <P> void readAll(
      CallGeneratorParams params,
      PageRequest<P> request,
      Function<P, V1ListMeta> metadata,
      Consumer<P> take)
      throws ApiException {
    String next = null;
    do {
      ListOptions options = new ListOptions();
      options.setTimeoutSeconds(params.timeoutSeconds);
      options.setLimit(PAGE_SIZE);
      if (next != null) {
        options.setContinue(next);
      }
      P page = request.send(options);
      take.accept(page);
      V1ListMeta meta = metadata.apply(page);
      next =
          meta == null || meta.getContinue() == null || meta.getContinue().isEmpty()
              ? null
              : meta.getContinue();
    } while (next != null);
  }
}
