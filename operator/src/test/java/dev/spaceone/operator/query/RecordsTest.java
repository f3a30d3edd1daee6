package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.query.QueryEngine;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {
  private final TestData data = TestData.generate(List.of("ns1"), 1, 6);

  /** Issue 10 item 7: list fields exist, empty, as SpaceONE stores them, so size and exists answer as there. */
  @Test
  void listFieldsAreEmptyListsNotMissing() throws Exception {
    JobTask pending = new JobTask();
    pending.setMetadata(new ObjectMetaBuilder().withName("j-0").withNamespace("ns1").build());
    pending.setSpec(new JobTaskSpec());
    Map<String, Object> task = Records.task(pending);
    assertEquals(List.of(), task.get("errors"));
    assertEquals(List.of(), task.get("changed"));
    Job job = new Job();
    job.setMetadata(new ObjectMetaBuilder().withName("j").withNamespace("ns1").build());
    assertEquals(List.of(), Records.job(job).get("changed"));

    QueryEngine engine = new QueryEngine(Records.JOB_TASK_ID, List.of(), Clock.systemUTC());
    ObjectMapper json = new ObjectMapper();
    assertEquals(1, engine.search(List.of(task), json.readTree(
        "{\"filter\":[{\"k\":\"errors\",\"v\":true,\"o\":\"exists\"}]}")).totalCount());
    assertEquals(List.of(Map.of("n", 0L)), engine.stat(List.of(task), json.readTree(
        "{\"aggregate\":[{\"project\":{\"fields\":[{\"name\":\"n\",\"key\":\"errors\",\"operator\":\"size\"}]}}]}"))
        .results());
  }

  @Test
  void taskRecordHasSpaceoneKeys() {
    JobTask task = data.tasks.stream().filter(t -> t.getStatus().getStatus() == TaskState.FAILURE).findFirst()
        .orElseThrow();
    task.getSpec().setDataSourceId("ds-1");
    Changed changed = new Changed();
    changed.setStart("2024-01");
    changed.setEnd("2024-03");
    task.getSpec().setChanged(changed);
    task.getStatus().setFinishedAt("2024-05-01T01:00:00Z");
    Map<String, Object> r = Records.task(task);
    assertEquals(task.getMetadata().getName(), r.get("job_task_id"));
    assertEquals("job-0", r.get("job_id"));
    assertEquals("ns1", r.get("namespace"));
    assertEquals("FAILURE", r.get("status"));
    assertEquals("inventory", r.get("service"));
    assertEquals(task.getSpec().getProvider(), r.get("provider"));
    assertEquals(task.getSpec().getServiceAccountId(), r.get("service_account_id"));
    assertEquals(task.getSpec().getProjectId(), r.get("project_id"));
    assertEquals("workspace-0", r.get("workspace_id"));
    assertEquals("domain-1", r.get("domain_id"));
    assertEquals("collector-0", r.get("collector_id"));
    assertEquals("ds-1", r.get("data_source_id"));
    assertEquals("DOMAIN", r.get("resource_group"));
    assertEquals(task.getSpec().getSecretRef().getName(), r.get("secret_id"));
    assertEquals(task.getSpec().getOptions(), r.get("options"));
    assertEquals(task.getStatus().getCreatedCount(), r.get("created_count"));
    assertEquals(task.getStatus().getUpdatedCount(), r.get("updated_count"));
    assertEquals(task.getStatus().getFailureCount(), r.get("failure_count"));
    for (String k : List.of("deleted_count", "disconnected_count", "success_count", "total_count")) {
      assertEquals(0L, r.get(k), k);
    }
    assertEquals(List.of(Map.of("error_code", "ERROR_COLLECTOR_PLUGIN", "message", task.getStatus().getErrorMessage())),
        r.get("errors"));
    assertEquals("ERROR_COLLECTOR_PLUGIN", r.get("error_code"));
    assertEquals(task.getStatus().getErrorMessage(), r.get("error_message"));
    assertEquals(task.getStatus().getPodName(), r.get("pod_name"));
    assertEquals(task.getStatus().getAttempts(), r.get("attempts"));
    assertEquals(task.getMetadata().getCreationTimestamp(), r.get("created_at"));
    assertEquals(task.getStatus().getStartedAt(), r.get("started_at"));
    assertEquals("2024-05-01T01:00:00Z", r.get("finished_at"));
    assertEquals(List.of(Map.of("start", "2024-01", "end", "2024-03")), r.get("changed"));
    assertFalse(r.containsKey("updated_at"), "absent values are left out");
  }

  @Test
  void recordsAreDeeplyUnmodifiableCopies() {
    JobTask task = data.tasks.get(0);
    Map<String, Object> options = new HashMap<>(Map.of("nested", new HashMap<>(Map.of("a", 1))));
    task.getSpec().setOptions(options);
    Map<String, Object> r = Records.task(task);
    options.put("later", true);
    assertFalse(((Map<?, ?>) r.get("options")).containsKey("later"));
    assertThrows(UnsupportedOperationException.class, () -> r.put("x", 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) ((Map<?, ?>) r.get("options")).get("nested");
    assertThrows(UnsupportedOperationException.class, () -> nested.put("b", 2));
  }

  @Test
  void newTaskWithoutStatusIsPending() {
    JobTask task = new JobTask();
    task.setMetadata(new ObjectMetaBuilder().withName("j-0").withNamespace("ns").build());
    JobTaskSpec spec = new JobTaskSpec();
    spec.setJobName("j");
    task.setSpec(spec);
    Map<String, Object> r = Records.task(task);
    assertEquals("PENDING", r.get("status"));
    assertEquals(0L, r.get("created_count"));
    assertEquals(0, r.get("attempts"));
    assertFalse(r.containsKey("secret_id"));
  }

  @Test
  void jobRecordHasSpaceoneKeys() {
    Job job = data.jobs.get(0);
    job.getStatus().setErrorCode("ERROR_JOB_TASK");
    job.getStatus().setRemainedTasks(2);
    job.getStatus().setRunningTasks(1);
    job.getStatus().setCanceledTasks(1);
    job.getSpec().setRequestWorkspaceId("ws-r");
    Map<String, Object> r = Records.job(job);
    assertEquals("job-0", r.get("job_id"));
    assertEquals("ns1", r.get("namespace"));
    assertEquals(JobState.SUCCESS.name(), r.get("status"));
    assertEquals("inventory", r.get("service"));
    assertEquals("plugin-0", r.get("plugin_id"));
    assertEquals("example/plugin:0", r.get("plugin_image"));
    assertEquals("collector-0", r.get("collector_id"));
    assertEquals("ws-r", r.get("request_workspace_id"));
    assertEquals(6, r.get("total_tasks"));
    assertEquals(2, r.get("remained_tasks"));
    assertEquals(3, r.get("success_tasks"));
    assertEquals(3, r.get("failure_tasks"));
    assertEquals(1, r.get("canceled_tasks"));
    assertEquals(1, r.get("running_tasks"));
    long created = data.tasks.stream().mapToLong(t -> t.getStatus().getCreatedCount()).sum();
    assertTrue(created > 0);
    assertEquals(created, r.get("created_count"));
    assertEquals("ERROR_JOB_TASK", r.get("error_code"));
    assertEquals(job.getMetadata().getCreationTimestamp(), r.get("created_at"));
    assertEquals(job.getStatus().getStartedAt(), r.get("started_at"));
  }

  @Test
  void noRecordMentionsSecretData() {
    // Records only know a Secret's name; nothing else of a Secret exists in these objects.
    for (JobTask t : data.tasks) {
      Map<String, Object> r = Records.task(t);
      assertTrue(r.keySet().stream().noneMatch(k -> k.contains("data") && !k.equals("data_source_id")), r.toString());
    }
  }
}
