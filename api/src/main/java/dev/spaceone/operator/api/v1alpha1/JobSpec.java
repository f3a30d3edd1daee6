package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** What a Job runs and how it is divided into tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.tasks) && size(self.tasks) > 0) || has(self.secretSelector)",
    message = "spec must set tasks or secretSelector", fieldPath = ".tasks")
@ValidationRule(value = "!has(self.resourceGroup) || self.resourceGroup != 'WORKSPACE' || has(self.workspaceId)",
    message = "workspaceId is required when resourceGroup is WORKSPACE", fieldPath = ".workspaceId")
// Transition rules on the spec, not on the fields: a field-level rule does not run when the field is removed.
@ValidationRule(value = "!has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)",
    message = "cancel cannot be undone", fieldPath = ".cancel")
@ValidationRule(value = "has(self.tasks) == has(oldSelf.tasks) && (!has(self.tasks) || self.tasks == oldSelf.tasks)",
    message = "tasks are immutable", fieldPath = ".tasks")
@ValidationRule(value = "has(self.secretSelector) == has(oldSelf.secretSelector)"
    + " && (!has(self.secretSelector) || self.secretSelector == oldSelf.secretSelector)",
    message = "secretSelector is immutable", fieldPath = ".secretSelector")
public class JobSpec extends IdentityFields {
  public static final int DEFAULT_PARALLELISM = 10;
  public static final int MAX_TASKS = 10_000;

  @JsonPropertyDescription("SpaceONE service whose rules apply: inventory, cost-analysis or power-scheduler.")
  @Default("inventory")
  @ValidationRule(value = "self == oldSelf", message = "service is immutable")
  private Service service;

  @JsonPropertyDescription("The collector plugin each task runs.")
  @Required
  @ValidationRule(value = "self == oldSelf", message = "plugin is immutable")
  private PluginSpec plugin;

  @JsonPropertyDescription("Explicit tasks, one JobTask each. Set this, secretSelector, or both.")
  @Size(max = MAX_TASKS)
  private List<TaskTemplate> tasks;

  @JsonPropertyDescription("One task per Secret in the Job's namespace that matches this selector. "
      + "Secret labels spaceone.dev/provider, spaceone.dev/service-account-id and spaceone.dev/project-id "
      + "fill the task's provider, serviceAccountId and projectId.")
  private LabelSelector secretSelector;

  @JsonPropertyDescription("Most tasks running at once.")
  @Default("10")
  @Min(1)
  @Max(1000)
  private Integer parallelism;

  @JsonPropertyDescription("Pod retries of a failed task before the task fails.")
  @Default("0")
  @Min(0)
  @Max(10)
  private Integer backoffLimitPerTask;

  @JsonPropertyDescription("Seconds one task attempt may run; becomes the pod's activeDeadlineSeconds.")
  @Min(1)
  private Long taskTimeoutSeconds;

  @JsonPropertyDescription("Seconds the whole Job may run, counted from its creation; on expiry the Job ends TIMEOUT.")
  @Min(1)
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription("True: start no new task pods until set back to false. Running pods finish.")
  private Boolean suspend;

  @JsonPropertyDescription("True: start no new pods, stop running ones, mark unfinished tasks CANCELED. Cannot be undone.")
  private Boolean cancel;

  @JsonPropertyDescription("Seconds after the Job finished when it is deleted, with its tasks and pods.")
  @Min(0)
  private Long ttlSecondsAfterFinished;

  public Service getService() {
    return service;
  }

  public void setService(Service service) {
    this.service = service;
  }

  public PluginSpec getPlugin() {
    return plugin;
  }

  public void setPlugin(PluginSpec plugin) {
    this.plugin = plugin;
  }

  public List<TaskTemplate> getTasks() {
    return tasks;
  }

  public void setTasks(List<TaskTemplate> tasks) {
    this.tasks = tasks;
  }

  public LabelSelector getSecretSelector() {
    return secretSelector;
  }

  public void setSecretSelector(LabelSelector secretSelector) {
    this.secretSelector = secretSelector;
  }

  public Integer getParallelism() {
    return parallelism;
  }

  public void setParallelism(Integer parallelism) {
    this.parallelism = parallelism;
  }

  public Integer getBackoffLimitPerTask() {
    return backoffLimitPerTask;
  }

  public void setBackoffLimitPerTask(Integer backoffLimitPerTask) {
    this.backoffLimitPerTask = backoffLimitPerTask;
  }

  public Long getTaskTimeoutSeconds() {
    return taskTimeoutSeconds;
  }

  public void setTaskTimeoutSeconds(Long taskTimeoutSeconds) {
    this.taskTimeoutSeconds = taskTimeoutSeconds;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public Boolean getCancel() {
    return cancel;
  }

  public void setCancel(Boolean cancel) {
    this.cancel = cancel;
  }

  public Long getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
