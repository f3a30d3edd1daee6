package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The accumulators of a group: {@code count, sum, average, max, min, first, last, push,
 * add_to_set, merge_objects}, with MongoDB's meaning ($sum, $avg, ...). Null and missing values are
 * skipped by all but first/last; a value sum/average cannot use is an error naming the field's key.
 */
final class GroupOperators {
  /** Running state of one output field in one group. */
  interface Accumulator {
    void add(Map<String, Object> row) throws QueryException;

    Object result();
  }

  /**
   * A compiled output field: its name, operator and key (null for count and push objects; a columnar scan
   * reads them), a way to start a fresh accumulator per group, and the memory one added row may make it hold
   * (push, add_to_set and merge_objects grow; the others do not).
   */
  record GroupField(String name, String operator, KeyPath key, AccumulatorFactory factory, long bytesPerAdd) {}

  @FunctionalInterface
  interface AccumulatorFactory {
    Accumulator create();
  }

  /** A {@code push} sub-field: pushes {@code {name: value-of-key}} objects instead of bare values. */
  record PushField(String name, KeyPath key) {}

  private static final List<String> OPERATORS = List.of("count", "sum", "average", "max", "min",
      "first", "last", "push", "add_to_set", "merge_objects");

  private GroupOperators() {}

  /**
   * @param keyNode where the key came from; {@code key} is null if absent (allowed for count, and
   *     for push with sub-fields)
   */
  static GroupField compile(String name, QueryNode operatorNode, KeyPath key, QueryNode keyNode,
      List<PushField> pushFields) throws QueryException {
    String operator = operatorNode.text();
    if (!OPERATORS.contains(operator)) {
      throw operatorNode.error("unknown group operator '" + QueryException.printable(operator) + "'; supported: "
          + new TreeSet<>(OPERATORS));
    }
    return compile(name, operator, key, keyNode, pushFields);
  }

  /** A field of a known operator; {@code keyNode} is where errors about the key point. */
  static GroupField compile(String name, String operator, KeyPath key, QueryNode keyNode,
      List<PushField> pushFields) throws QueryException {
    if (operator.equals("count")) {
      return new GroupField(name, operator, null, Count::new, 0);
    }
    if (operator.equals("push") && key == null && !pushFields.isEmpty()) {
      return new GroupField(name, operator, null, () -> new PushObjects(pushFields), 72 + 48L * pushFields.size());
    }
    if (key == null) {
      throw keyNode.error("is required for operator '" + operator + "'");
    }
    AccumulatorFactory factory = switch (operator) {
      case "sum" -> () -> new Sum(key, keyNode);
      case "average" -> () -> new Average(key, keyNode);
      case "max" -> () -> new Extreme(key, 1);
      case "min" -> () -> new Extreme(key, -1);
      case "first" -> () -> new First(key);
      case "last" -> () -> new Last(key);
      case "push" -> () -> new Push(key);
      case "add_to_set" -> () -> new AddToSet(key);
      default -> () -> new MergeObjects(key, keyNode);
    };
    long bytesPerAdd = switch (operator) {
      case "push" -> 8;
      case "add_to_set", "merge_objects" -> 56;
      default -> 0;
    };
    return new GroupField(name, operator, key, factory, bytesPerAdd);
  }

  private static final class Count implements Accumulator {
    private long count;

    @Override
    public void add(Map<String, Object> row) {
      count++;
    }

    @Override
    public Object result() {
      return count;
    }
  }

  /** The numeric value at key, null to skip (null/missing), or an error for anything else. */
  private static Number number(KeyPath key, QueryNode keyNode, Map<String, Object> row,
      String operator) throws QueryException {
    Object value = key.resolve(row);
    if (value == null || value == Values.MISSING) {
      return null;
    }
    if (value instanceof Number n) {
      return n;
    }
    throw keyNode.error("cannot " + operator + " the non-number value " + describe(value)
        + " of key '" + key + "'");
  }

  private static String describe(Object value) {
    return ProjectStage.describe(value);
  }

  /** Whole numbers stay exact longs until a fraction or an overflow forces a double. */
  private static final class Sum implements Accumulator {
    private final KeyPath key;
    private final QueryNode keyNode;
    private long exact;
    private double approximate;
    private boolean isDouble;

    Sum(KeyPath key, QueryNode keyNode) {
      this.key = key;
      this.keyNode = keyNode;
    }

    @Override
    public void add(Map<String, Object> row) throws QueryException {
      Number n = number(key, keyNode, row, "sum");
      if (n == null) {
        return;
      }
      if (!isDouble && Values.isIntegral(n)) {
        long sum = exact + n.longValue();
        // Overflow iff both operands have the sign opposite to the result (Math.addExact's test).
        if (((exact ^ sum) & (n.longValue() ^ sum)) >= 0) {
          exact = sum;
          return;
        }
      }
      if (!isDouble) {
        isDouble = true;
        approximate = exact;
      }
      approximate += n.doubleValue();
    }

    @Override
    public Object result() {
      return isDouble ? (Object) approximate : (Object) exact;
    }
  }

  private static final class Average implements Accumulator {
    private final KeyPath key;
    private final QueryNode keyNode;
    private double sum;
    private long count;

    Average(KeyPath key, QueryNode keyNode) {
      this.key = key;
      this.keyNode = keyNode;
    }

    @Override
    public void add(Map<String, Object> row) throws QueryException {
      Number n = number(key, keyNode, row, "average");
      if (n != null) {
        sum += n.doubleValue();
        count++;
      }
    }

    @Override
    public Object result() {
      return count == 0 ? null : sum / count;
    }
  }

  /** max (sign 1) or min (sign -1) in the order of {@link Values#compare}. */
  private static final class Extreme implements Accumulator {
    private final KeyPath key;
    private final int sign;
    private Object best;

    Extreme(KeyPath key, int sign) {
      this.key = key;
      this.sign = sign;
    }

    @Override
    public void add(Map<String, Object> row) {
      Object value = key.resolve(row);
      if (value != null && value != Values.MISSING
          && (best == null || Values.compare(value, best) * sign > 0)) {
        best = value;
      }
    }

    @Override
    public Object result() {
      return best;
    }
  }

  private static final class First implements Accumulator {
    private final KeyPath key;
    private boolean seen;
    private Object value;

    First(KeyPath key) {
      this.key = key;
    }

    @Override
    public void add(Map<String, Object> row) {
      if (!seen) {
        seen = true;
        value = key.resolve(row);
      }
    }

    @Override
    public Object result() {
      return value == Values.MISSING ? null : value;
    }
  }

  private static final class Last implements Accumulator {
    private final KeyPath key;
    private Object value;

    Last(KeyPath key) {
      this.key = key;
    }

    @Override
    public void add(Map<String, Object> row) {
      value = key.resolve(row);
    }

    @Override
    public Object result() {
      return value == Values.MISSING ? null : value;
    }
  }

  private static final class Push implements Accumulator {
    private final KeyPath key;
    private final List<Object> values = new ArrayList<>();

    Push(KeyPath key) {
      this.key = key;
    }

    @Override
    public void add(Map<String, Object> row) {
      Object value = key.resolve(row);
      if (value != Values.MISSING) {
        values.add(value);
      }
    }

    @Override
    public Object result() {
      return values;
    }
  }

  private static final class PushObjects implements Accumulator {
    private final List<PushField> fields;
    private final List<Object> values = new ArrayList<>();

    PushObjects(List<PushField> fields) {
      this.fields = fields;
    }

    @Override
    public void add(Map<String, Object> row) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (PushField field : fields) {
        Object value = field.key().resolve(row);
        if (value != Values.MISSING) {
          object.put(field.name(), value);
        }
      }
      values.add(object);
    }

    @Override
    public Object result() {
      return values;
    }
  }

  /** Distinct values in order of first appearance, so results are deterministic. */
  private static final class AddToSet implements Accumulator {
    private final KeyPath key;
    private final Map<Object, Object> values = new LinkedHashMap<>();

    AddToSet(KeyPath key) {
      this.key = key;
    }

    @Override
    public void add(Map<String, Object> row) {
      Object value = key.resolve(row);
      if (value != Values.MISSING) {
        values.putIfAbsent(Values.normalize(value), value);
      }
    }

    @Override
    public Object result() {
      return new ArrayList<>(values.values());
    }
  }

  private static final class MergeObjects implements Accumulator {
    private final KeyPath key;
    private final QueryNode keyNode;
    private final Map<String, Object> merged = new LinkedHashMap<>();

    MergeObjects(KeyPath key, QueryNode keyNode) {
      this.key = key;
      this.keyNode = keyNode;
    }

    @Override
    public void add(Map<String, Object> row) throws QueryException {
      Object value = key.resolve(row);
      if (value instanceof Map<?, ?> map) {
        map.forEach((k, v) -> merged.put(String.valueOf(k), v));
      } else if (value != null && value != Values.MISSING) {
        throw keyNode.error("cannot merge the non-object value " + describe(value)
            + " of key '" + key + "'");
      }
    }

    @Override
    public Object result() {
      return merged;
    }
  }
}
