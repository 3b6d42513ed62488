package dev.keepsake.operator.kube;

import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.generic.options.ListOptions;

/**
 * The informers' lists, a page at a time. The API server honours a page size only for a list read
 * from storage, not from its cache (resourceVersion "0", where an informer starts), so pages are
 * read as of now: a newer version than asked is always a valid start for the watch that follows.
 */
final class Paging {
  static final int PAGE_SIZE = 500;

  private Paging() {}

  /** The options for one page: the first when {@code next} is null. */
  static ListOptions page(CallGeneratorParams params, String next) {
    ListOptions options = new ListOptions();
    options.setTimeoutSeconds(params.timeoutSeconds);
    options.setLimit(PAGE_SIZE);
    if (next != null) {
      options.setContinue(next);
    }
    return options;
  }

  /** The token of the page after this one, or null when this was the last. */
  static String next(V1ListMeta metadata) {
    return metadata == null || metadata.getContinue() == null || metadata.getContinue().isEmpty()
        ? null
        : metadata.getContinue();
  }
}
