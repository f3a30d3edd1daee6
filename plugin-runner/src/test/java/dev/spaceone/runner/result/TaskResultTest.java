package dev.spaceone.runner.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskResultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void countsAndErrorsInTodaysShape() throws Exception {
    TaskResult result = new TaskResult();
    result.addStored(1, 1);
    result.addFailure(new ErrorInfo("ERROR_PLUGIN", "boom"));
    result.addTaskFailure(new ErrorInfo("ERROR_COLLECTOR_PLUGIN", "stream broke"));
    result.addCleanup(2, 3);

    JsonNode json = JSON.readTree(result.toJson());
    assertEquals(1, json.get("created_count").asInt());
    assertEquals(1, json.get("updated_count").asInt());
    assertEquals(2, json.get("deleted_count").asInt());
    assertEquals(3, json.get("disconnected_count").asInt());
    assertEquals(2, json.get("failure_count").asInt());
    assertEquals(3, json.get("total_count").asInt(), "a task-level failure is no record");
    assertEquals(0, json.get("success_count").asInt());
    assertEquals(2, json.get("errors").size());
    assertFalse(json.has("errors_truncated"));
  }

  @Test
  void aHugeErrorLosesItsAdditionalAndItsMessageIsCut() throws Exception {
    TaskResult result = new TaskResult();
    ObjectNode additional = JSON.createObjectNode().put("blob", "z".repeat(5000));
    result.addFailure(new ErrorInfo("ERROR_PLUGIN", "m".repeat(3000), additional));

    String text = result.toJson();
    assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= TaskResult.MAX_BYTES);
    JsonNode error = JSON.readTree(text).get("errors").get(0);
    assertFalse(error.has("additional"));
    assertEquals(TaskResult.MAX_MESSAGE_CHARS + 3, error.get("message").asText().length());
  }

  @Test
  void errorsThatDoNotFitAreCountedAsTruncated() throws Exception {
    TaskResult result = new TaskResult();
    for (int i = 0; i < 2000; i++) {
      result.addFailure(new ErrorInfo("ERROR_PLUGIN", "failure number " + i + " é"));
    }
    String text = result.toJson();
    assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= TaskResult.MAX_BYTES);
    JsonNode json = JSON.readTree(text);
    assertEquals(2000, json.get("failure_count").asInt());
    assertEquals(2000, json.get("errors").size() + json.get("errors_truncated").asInt());
    assertEquals("failure number 0 é", json.get("errors").get(0).get("message").asText());
  }
}
