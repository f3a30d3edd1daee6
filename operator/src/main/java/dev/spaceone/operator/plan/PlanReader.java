package dev.spaceone.operator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.SyncedAccount;
import dev.spaceone.operator.plugin.PluginResultParser;
import dev.spaceone.operator.desired.JobDivider.PlannedTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a plan from the planning pod's log, by the runner's contract: lines {@code SPACEONE_PLAN <json>} of kinds
 * {@code job}, {@code task} (one per task, in order) and {@code end}; any other line (the runner's own log on
 * stderr, merged into the same log) is skipped. The termination message, {@code {"plan_tasks": N,
 * "plan_sha256": hex}}, proves the log was read whole: the task count and the digest of the task lines must match.
 * A pure function.
 */
public final class PlanReader {
  public static final String PREFIX = "SPACEONE_PLAN ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MONTH = Pattern.compile("^[0-9]{4}-(0[1-9]|1[0-2])$");

  private PlanReader() {
  }

  /** Either the plan or why it cannot be used. */
  public sealed interface Read {
  }

  public record Valid(Plan plan) implements Read {
  }

  public record Invalid(String errorCode, String message) implements Read {
  }

  public static Read read(String log, String terminationMessage) {
    JsonNode result;
    try {
      result = terminationMessage == null || terminationMessage.isBlank() ? null : JSON.readTree(terminationMessage);
    } catch (JsonProcessingException e) {
      result = null;
    }
    if (result == null || !result.path("plan_tasks").canConvertToInt() || !result.path("plan_sha256").isTextual()) {
      return invalid("the runner's result has no plan_tasks and plan_sha256: "
          + PluginResultParser.truncate(terminationMessage == null ? "" : terminationMessage));
    }
    int expectedTasks = result.path("plan_tasks").asInt();
    String expectedSha = result.path("plan_sha256").asText();
    if (expectedTasks > JobSpec.MAX_TASKS) {
      return invalid("the plugin planned " + expectedTasks + " tasks, more than " + JobSpec.MAX_TASKS);
    }
    MessageDigest digest = sha256();
    List<Changed> changed = List.of();
    List<SyncedAccount> synced = List.of();
    List<PlannedTask> tasks = new ArrayList<>(Math.max(expectedTasks, 0));
    Integer endTasks = null;
    int lineNumber = 0;
    for (String line : (log == null ? "" : log).split("\n", -1)) {
      lineNumber++;
      if (!line.startsWith(PREFIX)) {
        continue;
      }
      String text = line.substring(PREFIX.length()).stripTrailing();
      JsonNode record;
      try {
        record = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return invalid("log line " + lineNumber + " is not JSON: " + PluginResultParser.truncate(text));
      }
      String kind = record == null ? "" : record.path("kind").asText();
      switch (kind) {
        case "job" -> {
          try {
            changed = changedList(record.path("changed"), "changed");
            synced = syncedAccounts(record.path("synced_accounts"));
          } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
          }
        }
        case "task" -> {
          if (tasks.size() == JobSpec.MAX_TASKS) {
            return invalid("the plugin planned more than " + JobSpec.MAX_TASKS + " tasks");
          }
          if (!tasks.isEmpty()) {
            digest.update((byte) '\n');
          }
          digest.update(text.getBytes(StandardCharsets.UTF_8));
          try {
            tasks.add(task(record, tasks.size()));
          } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
          }
        }
        case "end" -> endTasks = record.path("tasks").asInt(-1);
        default -> {
          return invalid("log line " + lineNumber + " has an unknown kind '" + kind + "'");
        }
      }
    }
    if (endTasks == null) {
      return invalid("the plan in the log has no end line (read " + tasks.size() + " of " + expectedTasks
          + " tasks): the log was cut or rotated");
    }
    String sha = HexFormat.of().formatHex(digest.digest());
    if (tasks.size() != expectedTasks || endTasks != expectedTasks || !sha.equalsIgnoreCase(expectedSha)) {
      return invalid("the plan in the log (" + tasks.size() + " tasks, sha256 " + sha + ") is not the one the "
          + "runner reported (" + expectedTasks + " tasks, sha256 " + expectedSha + ")");
    }
    return new Valid(new Plan(changed, synced, List.copyOf(tasks), sha));
  }

  private static PlannedTask task(JsonNode record, int index) {
    JsonNode options = record.path("task_options");
    if (!options.isMissingNode() && !options.isNull() && !options.isObject()) {
      throw new IllegalArgumentException("task " + index + ": task_options is not an object");
    }
    Map<String, Object> taskOptions = options.isObject()
        ? JSON.convertValue(options, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class,
            Object.class))
        : null;
    JsonNode changed = record.path("task_changed");
    return new PlannedTask(taskOptions, changed.isObject() ? changed(changed, "task " + index + ": task_changed")
        : null);
  }

  private static List<Changed> changedList(JsonNode node, String path) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(path + " is not a list");
    }
    List<Changed> list = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      list.add(changed(node.get(i), path + "[" + i + "]"));
    }
    return list;
  }

  private static Changed changed(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(path + " is not an object");
    }
    Changed changed = new Changed();
    changed.setStart(month(node.path("start"), path + ".start"));
    changed.setEnd(month(node.path("end"), path + ".end"));
    if (changed.getStart() != null && changed.getEnd() != null && changed.getStart().compareTo(changed.getEnd()) > 0) {
      throw new IllegalArgumentException(path + ": start " + changed.getStart() + " is after end " + changed.getEnd());
    }
    JsonNode filter = node.path("filter");
    if (filter.isObject()) {
      changed.setFilter(JSON.convertValue(filter,
          JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }
    return changed;
  }

  private static String month(JsonNode node, String path) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || !MONTH.matcher(node.asText()).matches()) {
      throw new IllegalArgumentException(path + " must be a month YYYY-MM, got " + node);
    }
    return node.asText();
  }

  private static List<SyncedAccount> syncedAccounts(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("synced_accounts is not a list");
    }
    List<SyncedAccount> list = new ArrayList<>();
    for (JsonNode account : node) {
      String id = account.isTextual() ? account.asText() : account.path("account_id").asText(null);
      if (id != null && !id.isEmpty()) {
        SyncedAccount synced = new SyncedAccount();
        synced.setAccountId(id);
        list.add(synced);
      }
    }
    return list;
  }

  private static Invalid invalid(String message) {
    return new Invalid(ErrorCodes.GET_JOB_TASKS, message);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
