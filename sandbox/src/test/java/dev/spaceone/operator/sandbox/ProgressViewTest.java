package dev.spaceone.operator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
  static Job job(JobState state, int total, int success, int failure, long created, long updated) {
    Job job = new Job();
    JobStatus status = new JobStatus();
    status.setStatus(state);
    status.setTotalTasks(total);
    status.setSuccessTasks(success);
    status.setFailureTasks(failure);
    status.setCreatedCount(created);
    status.setUpdatedCount(updated);
    job.setStatus(status);
    return job;
  }

  static JobTask task(String name, String state) {
    return Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: JobTask
        metadata: {name: %s}
        spec: {jobName: j, index: 0}
        status: {status: %s, attempts: 1, createdCount: 4}
        """.formatted(name, state), JobTask.class);
  }

  @Test
  void theBarAndTheFinishedCount() {
    assertEquals("[....................]", ProgressView.bar(0, 0));
    assertEquals("[#######.............]", ProgressView.bar(1, 3));
    assertEquals("[####################]", ProgressView.bar(3, 3));
    assertEquals(2, ProgressView.done(job(JobState.IN_PROGRESS, 3, 1, 1, 0, 0).getStatus()));
  }

  @Test
  void theTableKeepsItsColumnsForLongTaskNamesAndCapsTheRows() {
    List<JobTask> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 15; i++) {
      tasks.add(task("a-rather-long-job-name-for-columns-" + i, "SUCCESS"));
    }
    List<String> table = ProgressView.table(List.of(new ProgressView.JobView("j",
        job(JobState.IN_PROGRESS, 15, 15, 0, 60, 0), tasks)), Duration.ofSeconds(2));
    assertEquals(1 + 1 + ProgressView.MAX_TASK_ROWS + 1, table.size(), String.join("\n", table));
    int statusColumn = table.get(0).indexOf("STATUS");
    assertEquals(statusColumn, table.get(1).indexOf("IN_PROGRESS"), String.join("\n", table));
    assertEquals(statusColumn, table.get(2).indexOf("SUCCESS"), String.join("\n", table));
    assertEquals("  ... and 3 more tasks", table.get(table.size() - 1));
  }

  @Test
  void withoutATerminalLinesArePlainAndPrintedWhenTheyChange() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressView view = new ProgressView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    var running = List.of(new ProgressView.JobView("j", job(JobState.IN_PROGRESS, 3, 1, 0, 4, 2),
        List.of(task("j-0", "SUCCESS"), task("j-1", "IN_PROGRESS"), task("j-2", "PENDING"))));
    view.show(running);
    view.show(running);
    view.finish(List.of(new ProgressView.JobView("j", job(JobState.SUCCESS, 3, 3, 0, 12, 6), List.of())));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(!out.contains("\033"), out);
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    assertTrue(lines.get(0).endsWith("[#######.............] j IN_PROGRESS tasks 1/3 created=4 updated=2 failures=0 "
        + "{IN_PROGRESS=1, PENDING=1, SUCCESS=1}"), out);
    assertTrue(lines.get(1).endsWith("[####################] j SUCCESS tasks 3/3 created=12 updated=6 failures=0"), out);
  }
}
