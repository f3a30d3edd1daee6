package dev.spaceone.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.PlanInputs;
import dev.spaceone.operator.api.v1alpha1.PluginProtocol;
import dev.spaceone.operator.api.v1alpha1.SinkType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin's input file, task.json, in SpaceONE's snake_case. It names the task's Secret but never holds
 * its data: the plugin reads that from the mounted files.
 */
public final class TaskJson {
  private TaskJson() {
  }

  public static Map<String, Object> content(JobTask task) {
    JobTaskSpec spec = task.getSpec();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("job_id", spec.getJobName());
    // A re-created Job of the same name is another run: the resource store tells runs apart by this.
    json.put("job_uid", jobUid(task));
    json.put("job_task_id", task.getMetadata().getName());
    json.put("namespace", task.getMetadata().getNamespace());
    json.put("service", spec.getService().value());
    json.put("plugin_id", spec.getPlugin().getPluginId());
    json.put("options", spec.getPlugin().getOptions() == null ? Map.of() : spec.getPlugin().getOptions());
    json.put("task_options", spec.getOptions() == null ? Map.of() : spec.getOptions());
    json.put("changed", changed(spec.getChanged()));
    json.put("provider", spec.getProvider());
    json.put("service_account_id", spec.getServiceAccountId());
    json.put("secret_id", spec.getSecretRef() == null ? null : spec.getSecretRef().getName());
    json.put("collector_id", spec.getCollectorId());
    json.put("data_source_id", spec.getDataSourceId());
    json.put("resource_group", spec.getResourceGroup() == null ? null : spec.getResourceGroup().name());
    json.put("domain_id", spec.getDomainId());
    json.put("workspace_id", spec.getWorkspaceId());
    json.put("project_id", spec.getProjectId());
    json.put("request_secret_id", spec.getRequestSecretId());
    json.put("request_workspace_id", spec.getRequestWorkspaceId());
    if (spec.getPlugin().isGrpc()) {
      json.put("protocol", PluginProtocol.GRPC.value());
      json.put("sink", (spec.getSink() == null ? SinkType.NONE : spec.getSink().getType()).value());
      if (spec.getSecretType() != null) {
        json.put("secret_type", spec.getSecretType());
      }
    }
    return json;
  }

  /**
   * task.json of a planning pod: the Job's fields as a task has them, no task id, plus get_tasks' inputs
   * {@code start} and {@code last_synchronized_at}.
   */
  public static Map<String, Object> planContent(JobTask planning, PlanInputs inputs) {
    Map<String, Object> json = content(planning);
    json.put("job_task_id", "");
    json.put("start", inputs == null ? null : inputs.getStart());
    json.put("last_synchronized_at", inputs == null ? null : inputs.getLastSynchronizedAt());
    return json;
  }

  private static String jobUid(JobTask task) {
    return task.getMetadata().getOwnerReferences() == null ? null : task.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()) && "Job".equals(ref.getKind()))
        .map(ref -> ref.getUid()).findFirst().orElse(null);
  }

  public static String render(JobTask task) {
    return render(task.getMetadata().getName(), content(task));
  }

  static String render(String name, Map<String, Object> content) {
    try {
      return Serialization.jsonMapper().writeValueAsString(content);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task.json of " + name + " cannot be written", e);
    }
  }

  private static Object changed(Changed changed) {
    if (changed == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("start", changed.getStart());
    json.put("end", changed.getEnd());
    json.put("filter", changed.getFilter() == null ? Map.of() : changed.getFilter());
    return json;
  }
}
