package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/**
 * The answer's size limits: at most {@code QUERY_MAX_RESULT_ROWS} rows and an estimated
 * {@code QUERY_MAX_RESULT_BYTES} of JSON. The estimate walks the results (which may share large values, such as
 * one task's options pushed a thousand times) and stops as soon as it passes the limit, so it costs at most
 * that many bytes of walking, and the answer is refused before anything is serialized.
 */
final class ResultSize {
  private final long maxBytes;
  private final QueryBudget budget;
  private long bytes;

  private ResultSize(QueryBudget budget) {
    this.budget = budget;
    this.maxBytes = budget.limits().get(QueryLimits.Limit.RESULT_BYTES);
  }

  static void check(List<?> results, QueryNode query) throws QueryException {
    QueryLimits limits = query.limits();
    if (results.size() > limits.get(QueryLimits.Limit.RESULT_ROWS)) {
      throw limits.exceeded(QueryLimits.Limit.RESULT_ROWS, query.path(),
          "answers " + results.size() + " rows (use page.limit or a narrower filter)");
    }
    ResultSize size = new ResultSize(query.budget());
    for (Object row : results) {
      size.add(row, query);
    }
  }

  private void add(Object value, QueryNode query) throws QueryException {
    budget.tick();
    if (value instanceof Map<?, ?> map) {
      count(2 + map.size(), query);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        count(String.valueOf(e.getKey()).length() + 3, query);
        add(e.getValue(), query);
      }
    } else if (value instanceof List<?> list) {
      count(2 + list.size(), query);
      for (Object element : list) {
        add(element, query);
      }
    } else if (value instanceof String s) {
      count(s.length() + 2, query);
    } else {
      count(8, query);
    }
  }

  private void count(long n, QueryNode query) throws QueryException {
    bytes += n;
    if (bytes > maxBytes) {
      throw budget.limits().exceeded(QueryLimits.Limit.RESULT_BYTES, query.path(),
          "answers more than " + maxBytes + " bytes (use page.limit, only or fewer fields)");
    }
  }
}
