package dev.spaceone.query;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A compiled {@code filter} AND ({@code filter_or} OR keyword): the record predicate, and the same conditions
 * one by one, each on one key, so that a scan over columns can test a condition once per distinct value of its
 * key instead of once per record ({@link ColumnarScan}).
 */
final class Filter implements Predicate<Map<String, Object>> {
  /** One condition: it reads only {@code key} of a record. */
  record Condition(KeyPath key, Predicate<Map<String, Object>> test) {}

  private final Predicate<Map<String, Object>> predicate;
  private final List<Condition> all;
  private final List<Condition> any;

  Filter(Predicate<Map<String, Object>> predicate, List<Condition> all, List<Condition> any) {
    this.predicate = predicate;
    this.all = List.copyOf(all);
    this.any = List.copyOf(any);
  }

  /** Conditions that must all hold. */
  List<Condition> all() {
    return all;
  }

  /** Conditions of which one must hold (none: no such requirement). */
  List<Condition> any() {
    return any;
  }

  @Override
  public boolean test(Map<String, Object> record) {
    return predicate.test(record);
  }
}
