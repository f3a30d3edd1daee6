package dev.spaceone.query;

import com.google.re2j.Pattern;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The aggregate {@code match: {filter: [...]}} stage, compiled as SpaceONE's {@code _make_match_rule} builds it,
 * which differs from the query's {@code filter}: only {@code eq, not, in, not_in, contain, not_contain,
 * contain_in, not_contain_in}; the contain family is a case-sensitive regular expression {@code .*value.*} with
 * the value not escaped (so {@code a.c} matches "abc"); {@code not_contain_in} drops a row that contains any of
 * the values; and a condition needs a key, an operator and a value that is not empty, zero or false.
 */
final class MatchStage {
  static final Set<String> OPERATORS =
      Set.of("eq", "not", "in", "not_in", "contain", "not_contain", "contain_in", "not_contain_in");

  private MatchStage() {}

  static Stage compile(QueryNode body, Clock clock) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {filter}");
    }
    if (body.has("filter_or")) {
      throw body.get("filter_or").error("is not supported in a match stage (SpaceONE reads only filter there)");
    }
    List<QueryNode> conditions = body.get("filter").list();
    body.budget().countConditions(conditions.size(), body.get("filter"));
    List<Predicate<Map<String, Object>>> all = new ArrayList<>();
    for (QueryNode condition : conditions) {
      all.add(condition(condition, clock));
    }
    Predicate<Map<String, Object>> filter = FilterCompiler.allOf(all);
    QueryBudget budget = body.budget();
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        budget.tick();
        if (filter.test(row)) {
          out.add(row);
        }
      }
      budget.charge(8L * out.size());
      return out;
    };
  }

  private static Predicate<Map<String, Object>> condition(QueryNode condition, Clock clock) throws QueryException {
    if (!condition.isObject()) {
      throw condition.error("must be an object {k, v, o}");
    }
    QueryNode valueNode = condition.get("v", "value");
    QueryNode operatorNode = condition.get("o", "operator");
    if (!isTruthy(valueNode.value())) {
      throw valueNode.error("is required: a match condition needs a key, an operator and a value that is not "
          + "empty, zero or false");
    }
    KeyPath key = KeyPath.from(condition.get("k", "key"));
    String operator = operatorNode.text();
    if (!OPERATORS.contains(operator)) {
      throw operatorNode.error("operator '" + QueryException.printable(operator) + "' is not supported in a match "
          + "stage; supported: [contain, contain_in, eq, in, not, not_contain, not_contain_in, not_in]");
    }
    Object value = valueNode.value();
    boolean list = operator.equals("in") || operator.endsWith("_in");
    if (list && !(value instanceof List<?>)) {
      throw valueNode.error("operator '" + operator + "' takes a list of values");
    }
    if (list) {
      valueNode.checkLimit(QueryLimits.Limit.VALUES_PER_CONDITION, ((List<?>) value).size());
    }
    Predicate<Object> test;
    boolean negated = operator.startsWith("not");
    if (operator.contains("contain")) {
      List<Object> values = list ? new ArrayList<>((List<?>) value) : List.of(value);
      List<QueryNode> nodes = list ? valueNode.list() : List.of(valueNode);
      Pattern[] patterns = new Pattern[values.size()];
      for (int i = 0; i < patterns.length; i++) {
        String text = Operators.scalarText(values.get(i), nodes.get(i));
        patterns[i] = Operators.pattern(".*" + text + ".*", nodes.get(i), 0);
      }
      test = c -> {
        if (c instanceof String s) {
          for (Pattern pattern : patterns) {
            if (pattern.matcher(s).find()) {
              return true;
            }
          }
        }
        return false;
      };
    } else {
      Operators.Operator op = Operators.named(operator);
      if (op.arity() == Operators.Arity.SINGLE && value instanceof List) {
        throw valueNode.error("operator '" + operator + "' takes a single value, not a list");
      }
      test = op.factory().create(value, valueNode, clock);
    }
    return negated ? record -> !key.anyMatch(record, test) : record -> key.anyMatch(record, test);
  }

  /** Python's truth value of a JSON value, which SpaceONE's check uses. */
  private static boolean isTruthy(Object value) {
    if (value == null || Boolean.FALSE.equals(value) || "".equals(value)) {
      return false;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }
}
