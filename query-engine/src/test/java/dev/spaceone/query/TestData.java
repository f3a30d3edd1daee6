package dev.spaceone.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON helpers for tests; single quotes are allowed so queries read well inside Java strings. */
final class TestData {
  static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_SINGLE_QUOTES);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-01-10T12:00:00Z"), ZoneOffset.UTC);

  private TestData() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static List<Map<String, Object>> records(String text) {
    try {
      return JSON.readValue(text.replace('\'', '"'), new TypeReference<List<Map<String, Object>>>() {});
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static List<Object> ids(List<Map<String, Object>> rows, String idKey) {
    List<Object> ids = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      ids.add(row.get(idKey));
    }
    return ids;
  }

  /** Canonical JSON text of a value, for comparing nested results in one assertion. */
  static String text(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
