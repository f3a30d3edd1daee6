package dev.spaceone.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part of the incoming query together with its JSON path. Every typed read goes through here, so
 * a malformed query always becomes a {@link QueryException} naming the exact field, never a
 * NullPointerException or ClassCastException.
 */
final class QueryNode {
  private final JsonNode node;
  private final String path;
  private final QueryBudget budget;

  private QueryNode(JsonNode node, String path, QueryBudget budget) {
    this.node = node;
    this.path = path;
    this.budget = budget;
  }

  /** The top-level query; absent or JSON null counts as an empty query. */
  static QueryNode root(JsonNode query, QueryBudget budget) throws QueryException {
    QueryNode root = new QueryNode(query, "query", budget);
    if (!root.isAbsent() && !query.isObject()) {
      throw root.error("must be an object");
    }
    return root;
  }

  /** The running query's budget, shared by every node of one query. */
  QueryBudget budget() {
    return budget;
  }

  QueryLimits limits() {
    return budget.limits();
  }

  /** Fails with a LIMIT error naming this node when {@code count} exceeds the limit. */
  void checkLimit(QueryLimits.Limit limit, long count) throws QueryException {
    budget.limits().check(limit, count, this);
  }

  String path() {
    return path;
  }

  QueryException error(String message) {
    return new QueryException(path, message);
  }

  boolean isAbsent() {
    return node == null || node.isMissingNode() || node.isNull();
  }

  boolean isObject() {
    return node != null && node.isObject();
  }

  boolean isArray() {
    return node != null && node.isArray();
  }

  boolean isText() {
    return node != null && node.isTextual();
  }

  QueryNode get(String name) {
    JsonNode child = node != null && node.isObject() ? node.get(name) : null;
    return new QueryNode(child, path + "." + name, budget);
  }

  /** SpaceONE accepts both long and short spellings ({@code key}/{@code k}); prefer the present one. */
  QueryNode get(String name, String alias) {
    QueryNode first = get(name);
    if (!first.isAbsent()) {
      return first;
    }
    QueryNode second = get(alias);
    return second.isAbsent() ? first : second;
  }

  boolean has(String name) {
    return !get(name).isAbsent();
  }

  /** Elements of a JSON array; absent means empty. */
  List<QueryNode> list() throws QueryException {
    if (isAbsent()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw error("must be a list");
    }
    List<QueryNode> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      items.add(new QueryNode(node.get(i), path + "[" + i + "]", budget));
    }
    return items;
  }

  /** Members of a JSON object in their order; absent means empty. */
  Map<String, QueryNode> members() throws QueryException {
    if (isAbsent()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw error("must be an object");
    }
    Map<String, QueryNode> members = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      members.put(e.getKey(), new QueryNode(e.getValue(), path + "." + e.getKey(), budget));
    }
    return members;
  }

  String text() throws QueryException {
    if (isAbsent()) {
      throw error("is required");
    }
    if (!node.isTextual()) {
      throw error("must be a string");
    }
    return node.textValue();
  }

  /** A non-empty string without control characters, as required for keys and names. */
  String name() throws QueryException {
    String text = text();
    if (text.isEmpty()) {
      throw error("must not be empty");
    }
    checkName(text);
    return text;
  }

  /** Keys and output names with a newline or another control character are refused, not passed on. */
  void checkName(String text) throws QueryException {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw error("'" + text + "' must not contain control characters such as a newline");
      }
    }
  }

  boolean bool(boolean absentValue) throws QueryException {
    if (isAbsent()) {
      return absentValue;
    }
    if (!node.isBoolean()) {
      throw error("must be a boolean");
    }
    return node.booleanValue();
  }

  /** A whole number that fits in a long; absent yields {@code absentValue}. */
  long integer(long absentValue) throws QueryException {
    if (isAbsent()) {
      return absentValue;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw error("must be an integer");
    }
    return node.longValue();
  }

  /** A whole number {@code >= 0}. */
  long nonNegative(long absentValue) throws QueryException {
    long value = integer(absentValue);
    if (value < 0) {
      throw error("must not be negative");
    }
    return value;
  }

  /** The JSON value as plain Java data (String, Number, Boolean, null, List, Map). */
  Object value() {
    return isAbsent() ? null : toJava(node);
  }

  private static Object toJava(JsonNode n) {
    if (n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      return n.numberValue();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>(n.size());
      n.forEach(e -> list.add(toJava(e)));
      return list;
    }
    if (n.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
      return map;
    }
    return n.asText();
  }
}
