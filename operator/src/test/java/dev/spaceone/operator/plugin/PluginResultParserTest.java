package dev.spaceone.operator.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.plugin.PluginResultParser.Invalid;
import dev.spaceone.operator.plugin.PluginResultParser.Valid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginResultParserTest {
  private static Invalid invalid(String raw) {
    return assertInstanceOf(Invalid.class, PluginResultParser.parse(raw));
  }

  private static PluginResult valid(String raw) {
    return assertInstanceOf(Valid.class, PluginResultParser.parse(raw)).result();
  }

  @Test
  void validResultGivesEveryCountAndTheErrors() {
    PluginResult result = valid("""
        {"created_count": 1, "updated_count": 2, "deleted_count": 3, "disconnected_count": 4,
         "failure_count": 5, "success_count": 6, "total_count": 7,
         "errors": [{"error_code": "ERROR_AUTH", "message": "denied", "additional": {"region": "eu"}}]}
        """);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L),
        java.util.Arrays.stream(ResultCount.values()).map(result::count).toList());
    assertEquals(1, result.errors().size());
    assertEquals("ERROR_AUTH", result.errors().get(0).getErrorCode());
    assertEquals("denied", result.errors().get(0).getMessage());
    assertEquals("eu", result.errors().get(0).getAdditional().get("region"));
  }

  @Test
  void absentCountsAreZero() {
    PluginResult result = valid("{\"created_count\": 3}");
    assertEquals(3, result.count(ResultCount.CREATED));
    assertEquals(0, result.count(ResultCount.UPDATED));
    assertEquals(0, result.count(ResultCount.FAILURE));
    assertEquals(List.of(), result.errors());
    assertEquals(0, valid("{}").count(ResultCount.TOTAL));
  }

  @Test
  void missingResult() {
    assertEquals(ErrorCodes.RESULT_MISSING, invalid(null).errorCode());
    assertEquals(ErrorCodes.RESULT_MISSING, invalid("").errorCode());
  }

  @Test
  void blankResult() {
    assertEquals(ErrorCodes.RESULT_MISSING, invalid("  \n\t ").errorCode());
  }

  @Test
  void oversizedValidJsonIsTooLarge() {
    String padding = "x".repeat(PluginResultParser.MAX_RESULT_BYTES);
    String raw = "{\"created_count\": 1, \"note\": \"" + padding + "\"}";
    Invalid invalid = invalid(raw);
    assertEquals(ErrorCodes.RESULT_TOO_LARGE, invalid.errorCode());
    assertTrue(invalid.message().contains(String.valueOf(raw.getBytes(StandardCharsets.UTF_8).length)),
        invalid.message());
    assertTrue(invalid.message().contains("{\"created_count\": 1"), "the raw text is kept: " + invalid.message());
  }

  @Test
  void oversizedCountsBytesNotCharacters() {
    // 2,100 characters of 2 bytes each: below 4096 characters, above 4096 bytes.
    String raw = "{\"note\": \"" + "é".repeat(2100) + "\"}";
    assertTrue(raw.length() < PluginResultParser.MAX_RESULT_BYTES);
    assertEquals(ErrorCodes.RESULT_TOO_LARGE, invalid(raw).errorCode());
  }

  @Test
  void jsonCutExactlyAtTheLimitIsTooLargeNotMalformed() {
    String full = "{\"created_count\": 1, \"note\": \"" + "y".repeat(5000) + "\"}";
    String cut = full.substring(0, PluginResultParser.MAX_RESULT_BYTES);
    assertEquals(PluginResultParser.MAX_RESULT_BYTES, cut.getBytes(StandardCharsets.UTF_8).length);
    Invalid invalid = invalid(cut);
    assertEquals(ErrorCodes.RESULT_TOO_LARGE, invalid.errorCode());
    assertTrue(invalid.message().contains("cut"), invalid.message());
  }

  @Test
  void validJsonExactlyAtTheLimitIsAccepted() {
    String prefix = "{\"created_count\": 2, \"note\": \"";
    String raw = prefix + "z".repeat(PluginResultParser.MAX_RESULT_BYTES - prefix.length() - 2) + "\"}";
    assertEquals(PluginResultParser.MAX_RESULT_BYTES, raw.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(2, valid(raw).count(ResultCount.CREATED));
  }

  @Test
  void malformedJson() {
    Invalid invalid = invalid("created_count=3, oops");
    assertEquals(ErrorCodes.RESULT_MALFORMED, invalid.errorCode());
    assertTrue(invalid.message().contains("created_count=3, oops"), invalid.message());
    assertEquals(ErrorCodes.RESULT_MALFORMED, invalid("{\"created_count\": 1").errorCode());
  }

  @Test
  void jsonThatIsNotAnObject() {
    assertEquals(ErrorCodes.RESULT_MALFORMED, invalid("[1, 2, 3]").errorCode());
    assertEquals(ErrorCodes.RESULT_MALFORMED, invalid("42").errorCode());
    Invalid text = invalid("\"done\"");
    assertEquals(ErrorCodes.RESULT_MALFORMED, text.errorCode());
    assertTrue(text.message().contains("\"done\""), text.message());
  }

  @Test
  void negativeCount() {
    Invalid invalid = invalid("{\"created_count\": 1, \"deleted_count\": -2}");
    assertEquals(ErrorCodes.RESULT_INVALID, invalid.errorCode());
    assertTrue(invalid.message().startsWith("deleted_count"), invalid.message());
  }

  @Test
  void countThatIsAString() {
    Invalid invalid = invalid("{\"created_count\": \"3\"}");
    assertEquals(ErrorCodes.RESULT_INVALID, invalid.errorCode());
    assertTrue(invalid.message().startsWith("created_count"), invalid.message());
    assertEquals(ErrorCodes.RESULT_INVALID, invalid("{\"total_count\": 1.5}").errorCode());
  }

  @Test
  void errorsThatAreNotAList() {
    Invalid invalid = invalid("{\"errors\": {\"error_code\": \"E\"}}");
    assertEquals(ErrorCodes.RESULT_INVALID, invalid.errorCode());
    assertTrue(invalid.message().startsWith("errors must be a list"), invalid.message());
    assertEquals(ErrorCodes.RESULT_INVALID, invalid("{\"errors\": [\"just text\"]}").errorCode());
  }

  @Test
  void rawTextIsTruncatedTo1024Characters() {
    String raw = "not json " + "a".repeat(3000);
    Invalid invalid = invalid(raw);
    assertEquals(ErrorCodes.RESULT_MALFORMED, invalid.errorCode());
    assertTrue(invalid.message().contains(raw.substring(0, PluginResultParser.RAW_TEXT_LIMIT)));
    assertTrue(invalid.message().endsWith("...(truncated)"), invalid.message());
    assertTrue(invalid.message().length() < PluginResultParser.RAW_TEXT_LIMIT + 100, "length " + invalid.message().length());

    assertEquals("short", PluginResultParser.truncate("short"));
    String exactly = "b".repeat(PluginResultParser.RAW_TEXT_LIMIT);
    assertEquals(exactly, PluginResultParser.truncate(exactly));
    assertEquals(exactly + "...(truncated)", PluginResultParser.truncate(exactly + "c"));
  }
}
