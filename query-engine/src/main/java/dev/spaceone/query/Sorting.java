package dev.spaceone.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code sort: [{key, desc}]} (a single {@code {key, desc}} object is accepted too, as older
 * SpaceONE clients send it). Ascending order puts null and missing first. Ties always break by the
 * record id ascending, so pages are stable.
 */
final class Sorting {
  record SortKey(KeyPath key, boolean desc) {}

  private final List<SortKey> keys;

  private Sorting(List<SortKey> keys) {
    this.keys = keys;
  }

  /** Reads a list of sort keys, a single {@code {key, desc}}, or {@code {keys: [...]}}. */
  static Sorting read(QueryNode sort) throws QueryException {
    List<SortKey> keys = new ArrayList<>();
    if (sort.isArray()) {
      sort.checkLimit(QueryLimits.Limit.ONLY_KEYS, sort.list().size());
      for (QueryNode item : sort.list()) {
        keys.add(key(item));
      }
    } else if (sort.isObject() && sort.has("keys")) {
      sort.get("keys").checkLimit(QueryLimits.Limit.ONLY_KEYS, sort.get("keys").list().size());
      for (QueryNode item : sort.get("keys").list()) {
        keys.add(key(item));
      }
    } else if (sort.isObject()) {
      keys.add(key(sort));
    } else if (!sort.isAbsent()) {
      throw sort.error("must be a list of {key, desc}");
    }
    return new Sorting(keys);
  }

  private static SortKey key(QueryNode item) throws QueryException {
    if (!item.isObject()) {
      throw item.error("must be an object {key, desc}");
    }
    return new SortKey(KeyPath.from(item.get("key")), item.get("desc").bool(false));
  }

  /** The same sort with keys named in {@code names} renamed to {@code prefix + name} (analyze's field group). */
  Sorting renamed(List<String> names, String prefix) {
    List<SortKey> renamed = new ArrayList<>(keys.size());
    for (SortKey key : keys) {
      String text = key.key().toString();
      renamed.add(names.contains(text) ? new SortKey(KeyPath.unchecked(prefix + text), key.desc()) : key);
    }
    return new Sorting(renamed);
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Sorts rows in place, stably. Sort values are extracted once per row rather than once per
   * comparison, which matters at 100k records.
   */
  void sort(List<Map<String, Object>> rows, KeyPath idKey, QueryBudget budget) throws QueryException {
    int n = keys.size();
    budget.charge((32L + 8L * (n + 2)) * rows.size());
    List<Object[]> decorated = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      budget.tick();
      Object[] values = new Object[n + 2];
      for (int i = 0; i < n; i++) {
        values[i] = keys.get(i).key().resolve(row);
      }
      values[n] = idKey.resolve(row);
      values[n + 1] = row;
      decorated.add(values);
    }
    Comparator<Object[]> order = (a, b) -> {
      for (int i = 0; i < n; i++) {
        int c = Values.compare(a[i], b[i]);
        if (c != 0) {
          return keys.get(i).desc() ? -c : c;
        }
      }
      return Values.compare(a[n], b[n]);
    };
    decorated.sort(order);
    for (int i = 0; i < rows.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) decorated.get(i)[n + 1];
      rows.set(i, row);
    }
  }
}
