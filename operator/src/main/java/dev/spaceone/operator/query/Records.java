package dev.spaceone.operator.query;

import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.IdentityFields;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.ResultCounts;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure conversions of Jobs and JobTasks into SpaceONE-shaped records: snake_case keys, as SpaceONE's
 * JobInfo / JobTaskInfo name them, plus {@code namespace}. Absent scalar values are left out of the record
 * (so {@code exists} filters mean what they say); list fields are always present, empty when there is nothing,
 * as SpaceONE stores them ({@code errors: []}), so {@code size} and {@code exists} answer as there. Records are deeply unmodifiable, so they can be
 * shared by concurrent queries. Jobs and JobTasks carry no Secret data, only a Secret's name
 * ({@code secret_id}); nothing here ever reads a Secret.
 */
public final class Records {
  /** The record key that identifies a Job record. */
  public static final String JOB_ID = "job_id";
  /** The record key that identifies a JobTask record. */
  public static final String JOB_TASK_ID = "job_task_id";

  /** Keys of a JobTask record that hold few distinct strings: kept as dictionary-encoded columns for scans. */
  static final List<String> TASK_TEXT_KEYS = List.of(JOB_ID, "namespace", "status", "service", "provider",
      "service_account_id", "project_id", "workspace_id", "domain_id", "collector_id", "data_source_id",
      "resource_group", "secret_id", "error_code");
  /** Keys of a JobTask record that hold whole numbers: kept as number columns for scans. */
  static final List<String> TASK_NUMBER_KEYS = numberKeys("attempts");
  /** Keys of a Job record that hold few distinct strings. */
  static final List<String> JOB_TEXT_KEYS = List.of("namespace", "status", "service", "plugin_id", "plugin_image",
      "project_id", "workspace_id", "domain_id", "collector_id", "data_source_id", "resource_group",
      "request_secret_id", "request_workspace_id", "error_code");
  /** Keys of a Job record that hold whole numbers. */
  static final List<String> JOB_NUMBER_KEYS = numberKeys("total_tasks", "remained_tasks", "success_tasks",
      "failure_tasks", "canceled_tasks", "running_tasks");

  private Records() {
  }

  /** The record of a JobTask. */
  public static Map<String, Object> task(JobTask task) {
    Map<String, Object> r = new LinkedHashMap<>();
    ObjectMeta meta = task.getMetadata();
    JobTaskSpec spec = task.getSpec();
    JobTaskStatus status = task.getStatus();
    put(r, JOB_TASK_ID, meta.getName());
    put(r, JOB_ID, spec == null ? null : spec.getJobName());
    put(r, "namespace", meta.getNamespace());
    put(r, "status", status == null || status.getStatus() == null ? "PENDING" : status.getStatus().name());
    if (spec != null) {
      put(r, "service", spec.getService() == null ? null : spec.getService().value());
      put(r, "provider", spec.getProvider());
      put(r, "service_account_id", spec.getServiceAccountId());
      identity(r, spec);
      put(r, "secret_id", spec.getSecretRef() == null ? null : spec.getSecretRef().getName());
      put(r, "options", freeze(spec.getOptions()));
      Changed changed = spec.getChanged();
      r.put("changed", changed == null ? List.of() : List.of(changed(changed)));
    } else {
      r.put("changed", List.of());
    }
    counts(r, status);
    List<Object> errors = new ArrayList<>();
    if (status != null && status.getErrors() != null) {
      for (TaskError e : status.getErrors()) {
        Map<String, Object> error = new LinkedHashMap<>();
        put(error, "error_code", e.getErrorCode());
        put(error, "message", e.getMessage());
        errors.add(Collections.unmodifiableMap(error));
      }
    }
    r.put("errors", Collections.unmodifiableList(errors));
    if (status != null) {
      put(r, "error_code", status.getErrorCode());
      put(r, "error_message", status.getErrorMessage());
      put(r, "pod_name", status.getPodName());
      r.put("attempts", status.getAttempts());
    } else {
      r.put("attempts", 0);
    }
    put(r, "created_at", meta.getCreationTimestamp());
    if (status != null) {
      put(r, "started_at", status.getStartedAt());
      put(r, "updated_at", status.getUpdatedAt());
      put(r, "finished_at", status.getFinishedAt());
    }
    return Collections.unmodifiableMap(r);
  }

  /** The record of a Job. */
  public static Map<String, Object> job(Job job) {
    Map<String, Object> r = new LinkedHashMap<>();
    ObjectMeta meta = job.getMetadata();
    JobSpec spec = job.getSpec();
    JobStatus status = job.getStatus();
    put(r, JOB_ID, meta.getName());
    put(r, "namespace", meta.getNamespace());
    put(r, "status", status == null || status.getStatus() == null ? "CREATED" : status.getStatus().name());
    if (spec != null) {
      put(r, "service", spec.getService() == null ? "inventory" : spec.getService().value());
      if (spec.getPlugin() != null) {
        put(r, "plugin_id", spec.getPlugin().getPluginId());
        put(r, "plugin_image", spec.getPlugin().getImage());
      }
      identity(r, spec);
      put(r, "request_secret_id", spec.getRequestSecretId());
      put(r, "request_workspace_id", spec.getRequestWorkspaceId());
    }
    r.put("total_tasks", status == null ? 0 : status.getTotalTasks());
    r.put("remained_tasks", status == null ? 0 : status.getRemainedTasks());
    r.put("success_tasks", status == null ? 0 : status.getSuccessTasks());
    r.put("failure_tasks", status == null ? 0 : status.getFailureTasks());
    r.put("canceled_tasks", status == null ? 0 : status.getCanceledTasks());
    r.put("running_tasks", status == null ? 0 : status.getRunningTasks());
    counts(r, status);
    put(r, "created_at", meta.getCreationTimestamp());
    if (status == null) {
      r.put("changed", List.of());
    } else {
      put(r, "error_code", status.getErrorCode());
      put(r, "error_message", status.getErrorMessage());
      r.put("changed", status.getChanged() == null ? List.of()
          : status.getChanged().stream().map(Records::changed).toList());
      put(r, "started_at", status.getStartedAt());
      put(r, "updated_at", status.getUpdatedAt());
      put(r, "finished_at", status.getFinishedAt());
    }
    return Collections.unmodifiableMap(r);
  }

  private static List<String> numberKeys(String... keys) {
    List<String> out = new ArrayList<>(List.of(keys));
    for (ResultCount count : ResultCount.values()) {
      out.add(count.resultKey());
    }
    return List.copyOf(out);
  }

  private static void identity(Map<String, Object> r, IdentityFields f) {
    put(r, "project_id", f.getProjectId());
    put(r, "workspace_id", f.getWorkspaceId());
    put(r, "domain_id", f.getDomainId());
    put(r, "collector_id", f.getCollectorId());
    put(r, "data_source_id", f.getDataSourceId());
    put(r, "resource_group", f.getResourceGroup() == null ? null : f.getResourceGroup().name());
  }

  private static void counts(Map<String, Object> r, ResultCounts c) {
    for (ResultCount count : ResultCount.values()) {
      r.put(count.resultKey(), ResultCounts.get(c, count));
    }
  }

  private static Map<String, Object> changed(Changed c) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "start", c.getStart());
    put(m, "end", c.getEnd());
    put(m, "filter", freeze(c.getFilter()));
    return Collections.unmodifiableMap(m);
  }

  private static void put(Map<String, Object> r, String key, Object value) {
    if (value != null) {
      r.put(key, value);
    }
  }

  /** A deep, unmodifiable copy of a free-form JSON value. */
  static Object freeze(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(freeze(v)));
      return Collections.unmodifiableList(out);
    }
    return value;
  }
}
