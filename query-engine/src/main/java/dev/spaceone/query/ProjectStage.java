package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aggregate {@code project} stage (and analyze's {@code select}, which SpaceONE turns into one), as
 * python-core's {@code _make_project_rule} builds it for MongoDB: {@code fields: [{name, key}]} puts the value of
 * each key under its name, after the group keys the stage keeps ({@code exclude_keys: true} drops them);
 * {@code only_keys: true} includes each named field as it is; and a field may compute its value with an
 * {@code operator}: {@code size}, {@code sum}, {@code array_to_object}, {@code object_to_array} over a key, or
 * {@code add}, {@code subtract}, {@code multiply}, {@code divide} over {@code fields}: keys, numbers or nested
 * {@code {operator, fields}}. As in MongoDB a null or missing operand makes a calculation null, and a
 * non-number operand or a division by zero is an error naming the field.
 */
final class ProjectStage {
  static final List<String> OPERATORS = List.of("size", "sum", "array_to_object", "object_to_array", "add",
      "subtract", "multiply", "divide");
  private static final Set<String> CALCULATIONS = Set.of("add", "subtract", "multiply", "divide");
  /** analyze's select allows fewer operators than a project stage. */
  static final List<String> SELECT_OPERATORS = List.of("add", "subtract", "multiply", "divide", "size", "sum");

  /** One output value computed from a row. */
  @FunctionalInterface
  private interface Expression {
    Object eval(Map<String, Object> row) throws QueryException;
  }

  private ProjectStage() {}

  /** A {@code project} stage; {@code keptKeys} are the latest group's keys, kept unless exclude_keys. */
  static Stage read(QueryNode body, List<String> keptKeys) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {fields} or {exclude}");
    }
    List<KeyPath> excluded = new ArrayList<>();
    for (QueryNode key : body.get("exclude").list()) {
      excluded.add(KeyPath.from(key));
    }
    boolean onlyKeys = body.get("only_keys").bool(false);
    List<QueryNode> fields = body.get("fields").list();
    body.get("fields").checkLimit(QueryLimits.Limit.FIELDS, fields.size());
    if (fields.isEmpty() == excluded.isEmpty()) {
      throw body.error("needs either fields or exclude");
    }
    if (!excluded.isEmpty()) {
      return exclude(excluded, body.budget());
    }
    List<String> names = new ArrayList<>();
    List<Expression> values = new ArrayList<>();
    for (QueryNode field : fields) {
      if (!field.isObject()) {
        throw field.error("must be an object {name, key} or {name, operator, key | fields}");
      }
      QueryNode nameNode = field.get("name", "n");
      String name = nameNode.name();
      QueryNode operatorNode = field.get("operator", "o");
      names.add(name);
      if (!operatorNode.isAbsent()) {
        values.add(operator(field, operatorNode, OPERATORS));
      } else if (onlyKeys) {
        KeyPath included = KeyPath.of(name, nameNode);
        values.add(row -> included.resolve(row));
      } else {
        QueryNode keyNode = field.get("key", "k");
        KeyPath key = keyNode.isAbsent() ? KeyPath.of(name, nameNode) : KeyPath.from(keyNode);
        values.add(row -> key.resolve(row));
      }
    }
    return project(keptKeys, names, values, body.budget());
  }

  /** analyze's {@code select: {name: key | {operator, key | fields}}}: a project that drops the group keys. */
  static Stage select(QueryNode select) throws QueryException {
    Map<String, QueryNode> members = select.members();
    select.checkLimit(QueryLimits.Limit.FIELDS, members.size());
    List<String> names = new ArrayList<>();
    List<Expression> values = new ArrayList<>();
    for (Map.Entry<String, QueryNode> entry : members.entrySet()) {
      QueryNode field = entry.getValue();
      field.checkName(entry.getKey());
      names.add(entry.getKey());
      if (field.isText()) {
        KeyPath key = KeyPath.from(field);
        values.add(row -> key.resolve(row));
      } else if (field.isObject()) {
        QueryNode operatorNode = field.get("operator");
        if (field.get("key").isAbsent() && field.get("fields").isAbsent()) {
          throw field.get("fields").error("is required: a select expression needs a key or fields");
        }
        values.add(operator(field, operatorNode, SELECT_OPERATORS));
      } else {
        throw field.error("must be a key or an object {operator, key | fields}");
      }
    }
    return project(List.of(), names, values, select.budget());
  }

  private static Stage project(List<String> keptKeys, List<String> names, List<Expression> values,
      QueryBudget budget) {
    long rowBytes = 64 + 48L * (keptKeys.size() + names.size());
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        budget.charge(rowBytes);
        Map<String, Object> projected = new LinkedHashMap<>();
        for (String kept : keptKeys) {
          if (row.containsKey(kept)) {
            projected.put(kept, row.get(kept));
          }
        }
        for (int i = 0; i < names.size(); i++) {
          Object value = values.get(i).eval(row);
          if (value != Values.MISSING) {
            projected.put(names.get(i), value);
          }
        }
        out.add(projected);
      }
      return out;
    };
  }

  private static Stage exclude(List<KeyPath> excluded, QueryBudget budget) {
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        budget.charge(64 + 48L * row.size());
        Map<String, Object> kept = row;
        for (KeyPath key : excluded) {
          kept = key.without(kept);
        }
        out.add(kept);
      }
      return out;
    };
  }

  private static Expression operator(QueryNode field, QueryNode operatorNode, List<String> allowed)
      throws QueryException {
    String operator = operatorNode.text();
    if (!allowed.contains(operator)) {
      throw operatorNode.error("unknown operator '" + QueryException.printable(operator) + "'; supported: "
          + allowed);
    }
    if (CALCULATIONS.contains(operator)) {
      return calculation(field, operator, operatorNode);
    }
    QueryNode keyNode = field.get("key", "k");
    if (keyNode.isAbsent()) {
      throw keyNode.error("is required for operator '" + operator + "'");
    }
    KeyPath key = KeyPath.from(keyNode);
    return switch (operator) {
      case "size" -> row -> {
        Object value = key.resolve(row);
        if (value instanceof List<?> list) {
          return (long) list.size();
        }
        throw keyNode.error("the argument to size must be a list, but key '" + key + "' is "
            + describe(value));
      };
      case "sum" -> row -> sumOf(key.resolve(row));
      case "array_to_object" -> row -> arrayToObject(key.resolve(row), key, keyNode);
      default -> row -> objectToArray(key.resolve(row), key, keyNode);
    };
  }

  /** {@code {operator, fields}}: each field a key, a number, or a nested calculation. */
  private static Expression calculation(QueryNode node, String operator, QueryNode operatorNode)
      throws QueryException {
    QueryNode fieldsNode = node.get("fields", "f");
    if (fieldsNode.isAbsent()) {
      throw fieldsNode.error("is required for operator '" + operator + "'");
    }
    List<QueryNode> operandNodes = fieldsNode.list();
    fieldsNode.checkLimit(QueryLimits.Limit.FIELDS, operandNodes.size());
    if ((operator.equals("subtract") || operator.equals("divide")) && operandNodes.size() != 2) {
      throw fieldsNode.error("operator '" + operator + "' takes exactly two fields, not " + operandNodes.size());
    }
    if (operandNodes.isEmpty()) {
      throw fieldsNode.error("needs at least one field");
    }
    List<Expression> operands = new ArrayList<>();
    for (QueryNode operand : operandNodes) {
      if (operand.isText()) {
        KeyPath key = KeyPath.from(operand);
        operands.add(row -> {
          Object value = key.resolve(row);
          if (value == null || value == Values.MISSING) {
            return null;
          }
          if (value instanceof Number) {
            return value;
          }
          throw operand.error("cannot " + operator + " the non-number value " + describe(value) + " of key '"
              + key + "'");
        });
      } else if (operand.value() instanceof Number n && !(operand.value() instanceof Boolean)) {
        operands.add(row -> n);
      } else if (operand.isObject()) {
        QueryNode nested = operand.get("operator", "o");
        String nestedOperator = nested.text();
        if (!CALCULATIONS.contains(nestedOperator)) {
          throw nested.error("unknown operator '" + QueryException.printable(nestedOperator) + "'; supported: "
              + "[add, subtract, multiply, divide]");
        }
        operands.add(calculation(operand, nestedOperator, nested));
      } else {
        throw operand.error("must be a key, a number or an object {operator, fields}");
      }
    }
    return row -> {
      Number result = null;
      for (int i = 0; i < operands.size(); i++) {
        Object value = operands.get(i).eval(row);
        if (value == null) {
          return null;
        }
        Number n = (Number) value;
        if (i == 0) {
          result = n;
        } else if (operator.equals("divide") && n.doubleValue() == 0) {
          throw fieldsNode.error("cannot divide by zero");
        } else {
          result = apply(operator, result, n);
        }
      }
      return operator.equals("divide") || !Values.isIntegral(result) ? (Object) result.doubleValue() : result;
    };
  }

  /** Whole numbers stay exact longs until a fraction or an overflow forces a double, as MongoDB does. */
  private static Number apply(String operator, Number a, Number b) {
    if (Values.isIntegral(a) && Values.isIntegral(b) && !operator.equals("divide")) {
      long x = a.longValue();
      long y = b.longValue();
      try {
        return switch (operator) {
          case "add" -> Math.addExact(x, y);
          case "subtract" -> Math.subtractExact(x, y);
          default -> Math.multiplyExact(x, y);
        };
      } catch (ArithmeticException overflow) {
        // falls through to doubles
      }
    }
    double x = a.doubleValue();
    double y = b.doubleValue();
    return switch (operator) {
      case "add" -> x + y;
      case "subtract" -> x - y;
      case "multiply" -> x * y;
      default -> x / y;
    };
  }

  /** MongoDB's $sum of one operand: a list's numbers summed, a number itself, anything else 0. */
  private static Object sumOf(Object value) {
    if (value instanceof Number n) {
      return n;
    }
    long exact = 0;
    double approximate = 0;
    boolean isDouble = false;
    if (value instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof Number n) {
          if (!isDouble && Values.isIntegral(n)) {
            try {
              exact = Math.addExact(exact, n.longValue());
              continue;
            } catch (ArithmeticException overflow) {
              approximate = exact;
              isDouble = true;
              approximate += n.doubleValue();
              continue;
            }
          }
          if (!isDouble) {
            approximate = exact;
            isDouble = true;
          }
          approximate += n.doubleValue();
        }
      }
    }
    return isDouble ? (Object) approximate : (Object) exact;
  }

  private static Object arrayToObject(Object value, KeyPath key, QueryNode keyNode) throws QueryException {
    if (value == null || value == Values.MISSING) {
      return null;
    }
    if (!(value instanceof List<?> list)) {
      throw keyNode.error("array_to_object needs a list, but key '" + key + "' is " + describe(value));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object element : list) {
      if (element instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String k) {
        out.put(k, pair.get(1));
      } else if (element instanceof Map<?, ?> kv && kv.size() == 2 && kv.get("k") instanceof String k
          && kv.containsKey("v")) {
        out.put(k, kv.get("v"));
      } else {
        throw keyNode.error("array_to_object needs [key, value] pairs or {k, v} objects, but key '" + key
            + "' holds " + describe(element));
      }
    }
    return out;
  }

  private static Object objectToArray(Object value, KeyPath key, QueryNode keyNode) throws QueryException {
    if (value == null || value == Values.MISSING) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw keyNode.error("object_to_array needs an object, but key '" + key + "' is " + describe(value));
    }
    List<Object> out = new ArrayList<>(map.size());
    map.forEach((k, v) -> {
      Map<String, Object> kv = new LinkedHashMap<>();
      kv.put("k", String.valueOf(k));
      kv.put("v", v);
      out.add(kv);
    });
    return out;
  }

  static String describe(Object value) {
    if (value == Values.MISSING) {
      return "missing";
    }
    String text = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
    return QueryException.printable(text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }
}
