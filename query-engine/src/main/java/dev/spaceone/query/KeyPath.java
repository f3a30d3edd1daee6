package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A dotted key such as {@code errors.error_code}, split once when the query is compiled so that
 * per-record lookups only walk maps. Walking through a list visits every element, as MongoDB does.
 */
final class KeyPath {
  private final String text;
  private final String[] segments;
  /** Segment as a list index ("errors.0.code"), or -1: parsed once rather than per record. */
  private final int[] indexes;

  private KeyPath(String text) {
    this.text = text;
    this.segments = text.split("\\.", -1);
    this.indexes = new int[segments.length];
    for (int i = 0; i < segments.length; i++) {
      indexes[i] = parseIndex(segments[i]);
    }
  }

  /** Reads a key from the query; empty keys and empty segments ("a..b") are rejected. */
  static KeyPath from(QueryNode keyNode) throws QueryException {
    return of(keyNode.name(), keyNode);
  }

  static KeyPath of(String key, QueryNode where) throws QueryException {
    where.checkName(key);
    KeyPath path = new KeyPath(key);
    for (String segment : path.segments) {
      if (segment.isEmpty()) {
        throw where.error("key '" + key + "' has an empty segment");
      }
    }
    return path;
  }

  /** A key built from keys already checked (a checked name with a fixed prefix). */
  static KeyPath unchecked(String key) {
    return new KeyPath(key);
  }

  private static int parseIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 9) {
      return -1;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (!Character.isDigit(segment.charAt(i))) {
        return -1;
      }
    }
    return Integer.parseInt(segment);
  }

  int size() {
    return segments.length;
  }

  String segment(int i) {
    return segments[i];
  }

  /** The last segment: SpaceONE's default output name for a group_by key. */
  String lastSegment() {
    return segments[segments.length - 1];
  }

  /**
   * Filter semantics: true if {@code test} accepts any value the path reaches. A list at the end
   * is offered whole and element by element; a branch where the key is absent offers
   * {@link Values#MISSING}, so "eq null" and "exists false" can match it.
   */
  boolean anyMatch(Object record, Predicate<Object> test) {
    return anyMatch(record, 0, test);
  }

  private boolean anyMatch(Object current, int i, Predicate<Object> test) {
    if (i == segments.length) {
      if (test.test(current)) {
        return true;
      }
      if (current instanceof List<?> list) {
        for (Object element : list) {
          if (test.test(element)) {
            return true;
          }
        }
      }
      return false;
    }
    if (current instanceof Map<?, ?> map) {
      Object child = map.get(segments[i]);
      if (child == null && !map.containsKey(segments[i])) {
        return test.test(Values.MISSING);
      }
      return anyMatch(child, i + 1, test);
    }
    if (current instanceof List<?> list) {
      int index = indexes[i];
      if (index >= 0 && index < list.size() && anyMatch(list.get(index), i + 1, test)) {
        return true;
      }
      boolean descended = false;
      for (Object element : list) {
        if (element instanceof Map) {
          descended = true;
          if (anyMatch(element, i, test)) {
            return true;
          }
        }
      }
      return !descended && test.test(Values.MISSING);
    }
    return test.test(Values.MISSING);
  }

  /**
   * Aggregation semantics ({@code "$a.b"}): the value at the path or {@link Values#MISSING};
   * through a list, the list of the elements' values.
   */
  Object resolve(Object record) {
    return resolve(record, 0);
  }

  private Object resolve(Object current, int i) {
    if (i == segments.length) {
      return current;
    }
    if (current instanceof Map<?, ?> map) {
      Object child = map.get(segments[i]);
      if (child == null && !map.containsKey(segments[i])) {
        return Values.MISSING;
      }
      return resolve(child, i + 1);
    }
    if (current instanceof List<?> list) {
      List<Object> values = new ArrayList<>(list.size());
      for (Object element : list) {
        Object value = element instanceof Map || element instanceof List ? resolve(element, i) : Values.MISSING;
        if (value != Values.MISSING) {
          values.add(value);
        }
      }
      return values;
    }
    return Values.MISSING;
  }

  /** A copy of {@code row} with the path set to {@code value}; maps on the way are copied, not mutated. */
  Map<String, Object> with(Map<?, ?> row, Object value) {
    return with(row, 0, value);
  }

  private Map<String, Object> with(Map<?, ?> map, int i, Object value) {
    Map<String, Object> copy = copyOf(map);
    if (i == segments.length - 1) {
      copy.put(segments[i], value);
    } else {
      Object child = map.get(segments[i]);
      copy.put(segments[i], with(child instanceof Map<?, ?> m ? m : Map.of(), i + 1, value));
    }
    return copy;
  }

  /** {@code row} without the path; the same instance when the path is absent. */
  Map<String, Object> without(Map<String, Object> row) {
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) without(row, 0);
    return result;
  }

  private Map<?, ?> without(Map<?, ?> map, int i) {
    if (!map.containsKey(segments[i])) {
      return map;
    }
    if (i == segments.length - 1) {
      Map<String, Object> copy = copyOf(map);
      copy.remove(segments[i]);
      return copy;
    }
    if (!(map.get(segments[i]) instanceof Map<?, ?> child)) {
      return map;
    }
    Map<?, ?> trimmed = without(child, i + 1);
    if (trimmed == child) {
      return map;
    }
    Map<String, Object> copy = copyOf(map);
    copy.put(segments[i], trimmed);
    return copy;
  }

  static Map<String, Object> copyOf(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(16, map.size() * 2));
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  @Override
  public String toString() {
    return text;
  }
}
