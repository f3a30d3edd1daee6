package dev.spaceone.query;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Compiles {@code filter} (all must hold), {@code filter_or} (one must hold) and {@code keyword}
 * into one record predicate, once per query: keys are split, values checked, regexes compiled
 * here, so that testing a record allocates nothing for most operators.
 */
final class FilterCompiler {
  private static final Predicate<Map<String, Object>> ALL = r -> true;

  private final Clock clock;

  FilterCompiler(Clock clock) {
    this.clock = clock;
  }

  /** {@code filter} AND ({@code filter_or} ...) of the given query object (the query or a match stage). */
  Predicate<Map<String, Object>> compile(QueryNode owner) throws QueryException {
    List<Predicate<Map<String, Object>>> all = conditions(owner.get("filter"));
    List<Predicate<Map<String, Object>>> any = conditions(owner.get("filter_or"));
    if (!any.isEmpty()) {
      all.add(anyOf(any));
    }
    return allOf(all);
  }

  /** The keyword as a case-insensitive substring of any of the keyword keys; blank means no filter. */
  Predicate<Map<String, Object>> keyword(QueryNode keywordNode, List<KeyPath> keys)
      throws QueryException {
    if (keywordNode.isAbsent()) {
      return ALL;
    }
    String keyword = keywordNode.text().strip();
    if (keyword.isEmpty()) {
      return ALL;
    }
    Predicate<Object> contains = c -> c instanceof String s && Operators.containsIgnoreCase(s, keyword);
    List<Predicate<Map<String, Object>>> any = new ArrayList<>(keys.size());
    for (KeyPath key : keys) {
      any.add(record -> key.anyMatch(record, contains));
    }
    return anyOf(any);
  }

  private List<Predicate<Map<String, Object>>> conditions(QueryNode list) throws QueryException {
    List<Predicate<Map<String, Object>>> compiled = new ArrayList<>();
    for (QueryNode condition : list.list()) {
      compiled.add(condition(condition));
    }
    return compiled;
  }

  private Predicate<Map<String, Object>> condition(QueryNode condition) throws QueryException {
    if (!condition.isObject()) {
      throw condition.error("must be an object {k, v, o}");
    }
    KeyPath key = KeyPath.from(condition.get("k", "key"));
    QueryNode operatorNode = condition.get("o", "operator");
    String operatorName = operatorNode.text();
    Operators.Operator operator = Operators.named(operatorName);
    if (operator == null) {
      throw operatorNode.error("unknown operator '" + operatorName + "'; supported: "
          + new TreeSet<>(Operators.names()));
    }
    QueryNode valueNode = condition.get("v", "value");
    Object value = valueNode.value();
    if (operator.arity() == Operators.Arity.LIST && !(value instanceof List)) {
      throw valueNode.error("operator '" + operatorName + "' takes a list of values");
    }
    if (operator.arity() == Operators.Arity.SINGLE && value instanceof List) {
      throw valueNode.error("operator '" + operatorName + "' takes a single value, not a list");
    }
    Predicate<Object> test = operator.factory().create(value, valueNode, clock);
    if (operator.negated()) {
      return record -> !key.anyMatch(record, test);
    }
    return record -> key.anyMatch(record, test);
  }

  private static Predicate<Map<String, Object>> allOf(List<Predicate<Map<String, Object>>> list) {
    if (list.isEmpty()) {
      return ALL;
    }
    if (list.size() == 1) {
      return list.get(0);
    }
    @SuppressWarnings("unchecked")
    Predicate<Map<String, Object>>[] parts = list.toArray(new Predicate[0]);
    return record -> {
      for (Predicate<Map<String, Object>> part : parts) {
        if (!part.test(record)) {
          return false;
        }
      }
      return true;
    };
  }

  private static Predicate<Map<String, Object>> anyOf(List<Predicate<Map<String, Object>>> list) {
    if (list.size() == 1) {
      return list.get(0);
    }
    @SuppressWarnings("unchecked")
    Predicate<Map<String, Object>>[] parts = list.toArray(new Predicate[0]);
    return record -> {
      for (Predicate<Map<String, Object>> part : parts) {
        if (part.test(record)) {
          return true;
        }
      }
      return false;
    };
  }
}
