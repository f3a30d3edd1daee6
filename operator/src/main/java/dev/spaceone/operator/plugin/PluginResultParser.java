package dev.spaceone.operator.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads a plugin's result file (its termination message) by the plugin contract. A pure function. */
public final class PluginResultParser {
  /** Kubernetes keeps at most this many bytes of a termination message. */
  public static final int MAX_RESULT_BYTES = 4096;
  /** How much of a broken result is kept in the status, for the plugin's author to see. */
  public static final int RAW_TEXT_LIMIT = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PluginResultParser() {
  }

  /** Either the plugin's result or why it could not be read. */
  public sealed interface Parsed {
  }

  public record Valid(PluginResult result) implements Parsed {
  }

  public record Invalid(String errorCode, String message) implements Parsed {
  }

  public static Parsed parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return new Invalid(ErrorCodes.RESULT_MISSING, "the plugin wrote no result to SPACEONE_RESULT_FILE");
    }
    int bytes = raw.getBytes(StandardCharsets.UTF_8).length;
    JsonNode root;
    try {
      root = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      // A result at the size limit was most likely cut by the kubelet: say so rather than "malformed".
      return bytes >= MAX_RESULT_BYTES
          ? new Invalid(ErrorCodes.RESULT_TOO_LARGE,
              "the result is larger than " + MAX_RESULT_BYTES + " bytes and was cut: " + truncate(raw))
          : new Invalid(ErrorCodes.RESULT_MALFORMED, "the result is not JSON: " + truncate(raw));
    }
    if (bytes > MAX_RESULT_BYTES) {
      return new Invalid(ErrorCodes.RESULT_TOO_LARGE,
          "the result has " + bytes + " bytes, more than " + MAX_RESULT_BYTES + ": " + truncate(raw));
    }
    if (root == null || !root.isObject()) {
      return new Invalid(ErrorCodes.RESULT_MALFORMED, "the result is not a JSON object: " + truncate(raw));
    }
    Map<ResultCount, Long> counts = new EnumMap<>(ResultCount.class);
    for (ResultCount count : ResultCount.values()) {
      JsonNode value = root.get(count.resultKey());
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
        return new Invalid(ErrorCodes.RESULT_INVALID,
            count.resultKey() + " must be a non-negative integer: " + truncate(raw));
      }
      counts.put(count, value.asLong());
    }
    JsonNode errorsNode = root.get("errors");
    List<TaskError> errors = new ArrayList<>();
    if (errorsNode != null && !errorsNode.isNull()) {
      if (!errorsNode.isArray()) {
        return new Invalid(ErrorCodes.RESULT_INVALID, "errors must be a list: " + truncate(raw));
      }
      for (Iterator<JsonNode> it = errorsNode.elements(); it.hasNext(); ) {
        JsonNode item = it.next();
        if (!item.isObject()) {
          return new Invalid(ErrorCodes.RESULT_INVALID, "each of errors must be an object: " + truncate(raw));
        }
        TaskError error = new TaskError();
        error.setErrorCode(text(item.get("error_code")));
        error.setMessage(text(item.get("message")));
        JsonNode additional = item.get("additional");
        if (additional != null && additional.isObject()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> map = JSON.convertValue(additional, Map.class);
          error.setAdditional(map);
        }
        errors.add(error);
      }
    }
    return new Valid(new PluginResult(counts, errors));
  }

  public static String truncate(String raw) {
    return raw.length() <= RAW_TEXT_LIMIT ? raw : raw.substring(0, RAW_TEXT_LIMIT) + "...(truncated)";
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
