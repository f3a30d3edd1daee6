package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code only: [keys]}: a copy of the record holding just those (dotted) keys, nested as in the
 * record. Through a list the projection applies to each element, as in MongoDB.
 */
final class Projection {
  private final List<KeyPath> keys;

  private Projection(List<KeyPath> keys) {
    this.keys = keys;
  }

  static Projection read(QueryNode only) throws QueryException {
    List<KeyPath> keys = new ArrayList<>();
    only.checkLimit(QueryLimits.Limit.ONLY_KEYS, only.list().size());
    for (QueryNode key : only.list()) {
      keys.add(KeyPath.from(key));
    }
    return new Projection(keys);
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  Map<String, Object> apply(Map<String, Object> record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyPath key : keys) {
      copy(key, 0, record, out);
    }
    return out;
  }

  private static void copy(KeyPath key, int i, Map<?, ?> from, Map<String, Object> to) {
    String segment = key.segment(i);
    if (!from.containsKey(segment)) {
      return;
    }
    Object value = from.get(segment);
    if (i == key.size() - 1) {
      to.put(segment, value);
    } else if (to.get(segment) == value) {
      return; // a shorter key (only: [a, a.x]) already copied the whole value
    } else if (value instanceof Map<?, ?> child) {
      Object existing = to.get(segment);
      Map<String, Object> target = existing instanceof Map<?, ?> ? cast(existing) : new LinkedHashMap<>();
      copy(key, i + 1, child, target);
      to.put(segment, target);
    } else if (value instanceof List<?> list) {
      List<Map<?, ?>> elements = new ArrayList<>(list.size());
      for (Object element : list) {
        if (element instanceof Map<?, ?> m) {
          elements.add(m);
        }
      }
      // A second key through the same list (only: [a.x, a.y]) fills the maps the first created.
      Object existing = to.get(segment);
      List<?> previous = existing instanceof List<?> l && l.size() == elements.size() ? l : null;
      List<Object> targets = new ArrayList<>(elements.size());
      for (int e = 0; e < elements.size(); e++) {
        Map<String, Object> target = previous != null ? cast(previous.get(e)) : new LinkedHashMap<>();
        copy(key, i + 1, elements.get(e), target);
        targets.add(target);
      }
      to.put(segment, targets);
    }
  }

  /** Maps placed into {@code to} are always ones this class created, with String keys. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }
}
