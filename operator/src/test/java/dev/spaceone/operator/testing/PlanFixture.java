package dev.spaceone.operator.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.plan.PlanReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runner of a planning pod prints and writes, by the runner contract: the plan lines on stdout (here
 * mixed with a log line of the runner's own, as the pod log merges stderr) and {@code plan_tasks}/{@code
 * plan_sha256} as its result.
 */
public record PlanFixture(String log, String result) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One planned task: its task_options and task_changed (null: none). */
  public record Task(Map<String, Object> taskOptions, Map<String, Object> taskChanged) {
  }

  public static PlanFixture of(List<Task> tasks, List<Map<String, Object>> changed, List<String> syncedAccounts) {
    try {
      StringBuilder log = new StringBuilder("runner: planning with the plugin at 127.0.0.1:50051\n");
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("kind", "job");
      job.put("changed", changed);
      job.put("synced_accounts", syncedAccounts.stream().map(id -> Map.of("account_id", id)).toList());
      log.append(PlanReader.PREFIX).append(JSON.writeValueAsString(job)).append('\n');
      List<String> lines = new ArrayList<>();
      for (Task task : tasks) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "task");
        line.put("task_options", task.taskOptions());
        line.put("task_changed", task.taskChanged());
        String text = JSON.writeValueAsString(line);
        lines.add(text);
        log.append(PlanReader.PREFIX).append(text).append('\n');
      }
      log.append(PlanReader.PREFIX).append("{\"kind\":\"end\",\"tasks\":").append(tasks.size()).append("}\n");
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
      return new PlanFixture(log.toString(), "{\"plan_tasks\":" + tasks.size() + ",\"plan_sha256\":\"" + sha + "\"}");
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code n} tasks whose options ask the scripted plugin for {@code created} rows each. */
  public static PlanFixture ofCounts(int n, long created, long runMs) {
    List<Task> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(new Task(Map.of("created", created, "runMs", runMs, "month", "2024-" + (1 + i % 9)), null));
    }
    return of(tasks, List.of(), List.of());
  }
}
