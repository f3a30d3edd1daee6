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

  Clock clock() {
    return clock;
  }

  /** {@code filter} AND ({@code filter_or} ...) of the given query object. */
  Filter compile(QueryNode owner) throws QueryException {
    return compile(owner, List.of());
  }

  /**
   * {@code filter} AND ({@code filter_or} OR keyword ...). As SpaceONE's {@code append_keyword_filter}: the
   * keyword is stripped and split on spaces, and each keyword key adds one {@code contain_in} of those words
   * to {@code filter_or}, so any word in any key matches, and the keyword is ORed with the caller's own
   * {@code filter_or}.
   */
  Filter compile(QueryNode owner, List<KeyPath> keywordKeys) throws QueryException {
    List<Filter.Condition> all = conditions(owner.get("filter"));
    List<Filter.Condition> any = conditions(owner.get("filter_or"));
    any.addAll(keyword(owner.get("keyword"), keywordKeys));
    List<Predicate<Map<String, Object>>> predicates = new ArrayList<>(tests(all));
    if (!any.isEmpty()) {
      predicates.add(anyOf(tests(any)));
    }
    return new Filter(allOf(predicates), all, any);
  }

  private static List<Predicate<Map<String, Object>>> tests(List<Filter.Condition> conditions) {
    return conditions.stream().map(Filter.Condition::test).toList();
  }

  private List<Filter.Condition> keyword(QueryNode keywordNode, List<KeyPath> keys)
      throws QueryException {
    if (keywordNode.isAbsent() || keys.isEmpty()) {
      return List.of();
    }
    List<String> words = new ArrayList<>();
    for (String word : keywordNode.text().strip().split(" ")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    keywordNode.checkLimit(QueryLimits.Limit.VALUES_PER_CONDITION, words.size());
    if (words.isEmpty()) {
      return List.of();
    }
    String[] needles = words.toArray(new String[0]);
    Predicate<Object> containsAny = c -> c instanceof String s && Operators.containsAnyIgnoreCase(s, needles);
    List<Filter.Condition> any = new ArrayList<>(keys.size());
    for (KeyPath key : keys) {
      any.add(new Filter.Condition(key, record -> key.anyMatch(record, containsAny)));
    }
    return any;
  }

  private List<Filter.Condition> conditions(QueryNode list) throws QueryException {
    List<QueryNode> items = list.list();
    list.budget().countConditions(items.size(), list);
    List<Filter.Condition> compiled = new ArrayList<>();
    for (QueryNode condition : items) {
      compiled.add(condition(condition));
    }
    return compiled;
  }

  private Filter.Condition condition(QueryNode condition) throws QueryException {
    if (!condition.isObject()) {
      throw condition.error("must be an object {k, v, o}");
    }
    KeyPath key = KeyPath.from(condition.get("k", "key"));
    QueryNode operatorNode = condition.get("o", "operator");
    String operatorName = operatorNode.text();
    Operators.Operator operator = Operators.named(operatorName);
    if (operator == null) {
      throw operatorNode.error("unknown operator '" + QueryException.printable(operatorName) + "'; supported: "
          + new TreeSet<>(Operators.names()));
    }
    QueryNode valueNode = condition.get("v", "value");
    Object value = valueNode.value();
    if (operator.arity() == Operators.Arity.LIST) {
      if (!(value instanceof List<?> values)) {
        throw valueNode.error("operator '" + operatorName + "' takes a list of values");
      }
      valueNode.checkLimit(QueryLimits.Limit.VALUES_PER_CONDITION, values.size());
    }
    if (operator.arity() == Operators.Arity.SINGLE && value instanceof List) {
      throw valueNode.error("operator '" + operatorName + "' takes a single value, not a list");
    }
    if (operator.eachValue()) {
      // One negated condition per value, ORed: the record must lack at least one of the values.
      List<QueryNode> nodes = valueNode.list();
      List<Predicate<Map<String, Object>>> any = new ArrayList<>(nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        Predicate<Object> test = operator.factory().create(((List<?>) value).get(i), nodes.get(i), clock);
        any.add(record -> !key.anyMatch(record, test));
      }
      return new Filter.Condition(key, any.isEmpty() ? r -> false : anyOf(any));
    }
    Predicate<Object> test = operator.factory().create(value, valueNode, clock);
    if (operator.negated()) {
      return new Filter.Condition(key, record -> !key.anyMatch(record, test));
    }
    return new Filter.Condition(key, record -> key.anyMatch(record, test));
  }

  static Predicate<Map<String, Object>> allOf(List<Predicate<Map<String, Object>>> list) {
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

  static Predicate<Map<String, Object>> anyOf(List<Predicate<Map<String, Object>>> list) {
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
