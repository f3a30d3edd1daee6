package dev.spaceone.query;

import java.util.List;

/**
 * {@code page: {start, limit}}. {@code start} is 1-based and below 1 counts as 1; {@code limit} is capped at
 * {@link #MAX_LIMIT}, as SpaceONE's services do; {@code limit: 0} means no paging at all (every row, start
 * ignored), as python-core pages only on a positive limit.
 */
record Paging(long start, Long limit) {
  static final long MAX_LIMIT = 1000;

  /**
   * @param defaultLimit the limit when none is given: 1000 for list queries, null for stat and
   *     analyze, which SpaceONE only pages on request
   */
  static Paging read(QueryNode page, Long defaultLimit) throws QueryException {
    if (!page.isAbsent() && !page.isObject()) {
      throw page.error("must be an object {start, limit}");
    }
    long start = Math.max(1, page.get("start").integer(1));
    QueryNode limitNode = page.get("limit");
    if (limitNode.isAbsent()) {
      return new Paging(start, defaultLimit);
    }
    long limit = limitNode.nonNegative(0);
    return limit == 0 ? new Paging(1, null) : new Paging(start, Math.min(limit, MAX_LIMIT));
  }

  boolean hasLimit() {
    return limit != null;
  }

  /** The page's slice of {@code items}; without a limit, everything from {@code start}. */
  <T> List<T> apply(List<T> items) {
    int from = (int) Math.min(start - 1, items.size());
    int to = hasLimit() ? (int) Math.min(from + limit, items.size()) : items.size();
    return items.subList(from, to);
  }

  /**
   * Whether rows remain after this page (analyze's {@code more}): SpaceONE fetches limit + 1 rows after
   * skipping start - 1 and reports whether it got more than limit. Written without {@code start + limit},
   * which overflows for a start near 2^63.
   */
  boolean cutsOff(int size) {
    long remaining = start - 1 >= size ? 0 : size - (start - 1);
    return hasLimit() && remaining > limit;
  }
}
