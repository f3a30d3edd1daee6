package dev.spaceone.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SpaceONE's match_rules, as its inventory service applies them (spaceone-inventory
 * {@code lib/rule_matcher.py} and {@code CollectingManager._query_with_match_rules}): {@code {"1": [keys], "2": [keys]}},
 * priorities tried in order (as numbers when every priority is a number, else as text); each priority's query is
 * the domain plus {@code key == value} for every dotted key whose value in the resource is truthy (Python's truth:
 * not null, false, 0, "", [] or {}); falsy keys are left out of the query.
 *
 * <p>Here each priority becomes a probe: a sha-256 of (domain, resource type, its sorted key/value pairs). A stored
 * resource carries the probes of its own rules, so "the query finds it" becomes "it carries the same probe".
 * Difference from SpaceONE, which queries any stored field: a priority matches only resources whose own rules
 * produced the same key set (plugins send the same rules every run, so this holds in practice). A priority whose
 * keys all lack a value is skipped (SpaceONE would run a query on the domain alone, matching anything).
 */
public final class MatchRules {
  private MatchRules() {
  }

  /** One usable priority. {@code order} is its place among the usable priorities (0 first). */
  public record Probe(int order, String priority, Map<String, JsonNode> keys, byte[] hash) {
  }

  /** A resource's identity: its usable priorities, first one first; the first one names the row. */
  public record Identity(List<Probe> probes) {
    public Probe primary() {
      return probes.get(0);
    }

    /** {"priority": "1", "keys": {...}}: what people see in the {@code identity} column. */
    public ObjectNode describe() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("priority", primary().priority());
      ObjectNode keys = node.putObject("keys");
      primary().keys().forEach(keys::set);
      return node;
    }
  }

  /** The rules cannot identify the resource; {@link #message()} says why. */
  public static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }

  public static Identity identify(String domainId, String resourceType, JsonNode matchRules, JsonNode resource)
      throws Unusable {
    if (matchRules == null || !matchRules.isObject() || matchRules.isEmpty()) {
      throw new Unusable("Match rule is not defined.");
    }
    List<Probe> probes = new ArrayList<>();
    for (Map.Entry<String, JsonNode> rule : sortedPriorities(matchRules)) {
      if (!rule.getValue().isArray()) {
        throw new Unusable("match_rules priority " + rule.getKey() + " is not a list of keys");
      }
      Map<String, JsonNode> keys = new TreeMap<>();
      for (JsonNode key : rule.getValue()) {
        if (!key.isTextual()) {
          throw new Unusable("match_rules priority " + rule.getKey() + " has a key that is not text: " + key);
        }
        JsonNode value = findData(resource, key.asText());
        if (truthy(value)) {
          keys.put(key.asText(), value);
        }
      }
      byte[] hash = keys.isEmpty() ? null : hash(domainId, resourceType, keys);
      // a priority asking what an earlier one asked finds what it found: it is no probe of its own
      if (hash != null && probes.stream().noneMatch(p -> Arrays.equals(p.hash(), hash))) {
        probes.add(new Probe(probes.size(), rule.getKey(), keys, hash));
      }
    }
    if (probes.isEmpty()) {
      throw new Unusable("No match_rules key has a value in the resource (match_rules " + matchRules + ")");
    }
    return new Identity(List.copyOf(probes));
  }

  private static List<Map.Entry<String, JsonNode>> sortedPriorities(JsonNode matchRules) {
    List<Map.Entry<String, JsonNode>> rules = new ArrayList<>();
    matchRules.fields().forEachRemaining(rules::add);
    boolean numeric = rules.stream().allMatch(e -> isInteger(e.getKey()));
    rules.sort(numeric
        ? (a, b) -> new BigDecimal(a.getKey().trim()).compareTo(new BigDecimal(b.getKey().trim()))
        : Map.Entry.comparingByKey());
    return rules;
  }

  private static boolean isInteger(String text) {
    return text.trim().matches("[+-]?\\d+");
  }

  /** rule_matcher.find_data: a dotted path through objects only. */
  static JsonNode findData(JsonNode data, String dottedKey) {
    JsonNode node = data;
    for (String part : dottedKey.split("\\.", -1)) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }

  static boolean truthy(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.decimalValue().signum() != 0;
    }
    if (value.isTextual()) {
      return !value.textValue().isEmpty();
    }
    return !value.isEmpty();
  }

  private static byte[] hash(String domainId, String resourceType, Map<String, JsonNode> keys) {
    StringBuilder text = new StringBuilder();
    canonical(JsonNodeFactory.instance.textNode(domainId), text);
    text.append(',');
    canonical(JsonNodeFactory.instance.textNode(resourceType), text);
    keys.forEach((key, value) -> {
      text.append(',');
      canonical(JsonNodeFactory.instance.textNode(key), text);
      text.append('=');
      canonical(value, text);
    });
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON with sorted object keys and numbers by value (a Struct sends 1 as 1.0). */
  private static void canonical(JsonNode node, StringBuilder out) {
    if (node.isNumber()) {
      BigDecimal n = node.decimalValue().stripTrailingZeros();
      out.append(n.signum() == 0 ? "0" : n.toPlainString());
    } else if (node.isObject()) {
      out.append('{');
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(JsonNodeFactory.instance.textNode(e.getKey())).append(':');
        canonical(e.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        canonical(it.next(), out);
        if (it.hasNext()) {
          out.append(',');
        }
      }
      out.append(']');
    } else {
      out.append(node);
    }
  }
}
