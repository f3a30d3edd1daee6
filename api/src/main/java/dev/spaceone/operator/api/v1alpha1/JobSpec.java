package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
@ValidationRule(value = "(has(self.tasks) && size(self.tasks) > 0) || has(self.secretSelector)"
    + " || (" + JobSpec.PLUGIN_DIVIDED + ")",
    message = "spec must set tasks or secretSelector (only a cost-analysis Job with a grpc plugin may leave both out:"
        + " its plugin divides it)", fieldPath = ".tasks")
@ValidationRule(value = "!has(self.sink) || self.sink.type == 'none' || (has(self.plugin.protocol) && "
    + "self.plugin.protocol == 'grpc')",
    message = "sink needs plugin.protocol grpc: a file plugin keeps its own results", fieldPath = ".sink")
@ValidationRule(value = "!has(self.sink) || self.sink.type != 'postgres' || !has(self.service)"
    + " || self.service == 'inventory'",
    message = "sink postgres stores inventory resources: a cost-analysis or power-scheduler Job takes sink none or log",
    fieldPath = ".sink")
@ValidationRule(value = "!has(self.plan) || ((" + JobSpec.PLUGIN_DIVIDED + ") && !(has(self.tasks) && size(self.tasks) > 0))",
    message = "plan is only for a cost-analysis Job with a grpc plugin and no tasks (the plugin divides it)",
    fieldPath = ".plan")
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
  /** The most tasks of one Job running at once: 3,000 of a 10,000-task Job (issue 14's scale run). */
  public static final int MAX_PARALLELISM = 3_000;
  /** CEL: a Job its plugin may divide (the rules above add "and no explicit tasks"). */
  static final String PLUGIN_DIVIDED = "has(self.service) && self.service == 'cost-analysis'"
      + " && has(self.plugin.protocol) && self.plugin.protocol == 'grpc'";

  @JsonPropertyDescription("SpaceONE service whose rules apply: inventory, cost-analysis or power-scheduler.")
  @Default("inventory")
  @ValidationRule(value = "self == oldSelf", message = "service is immutable")
  private Service service;

  @JsonPropertyDescription("The collector plugin each task runs.")
  @Required
  @ValidationRule(value = "self == oldSelf", message = "plugin is immutable")
  private PluginSpec plugin;

  @JsonPropertyDescription("Explicit tasks, one JobTask each. Set this, secretSelector, or both. A cost-analysis "
      + "Job with a grpc plugin and no tasks is divided by the plugin (Job.get_tasks in a planning pod).")
  @Size(max = MAX_TASKS)
  private List<TaskTemplate> tasks;

  @JsonPropertyDescription("One task per Secret in the Job's namespace that matches this selector. "
      + "Secret labels spaceone.dev/provider, spaceone.dev/service-account-id and spaceone.dev/project-id "
      + "fill the task's provider, serviceAccountId and projectId.")
  private LabelSelector secretSelector;

  @JsonPropertyDescription("Where a grpc plugin's collected resources go; copied to every task. Default none. "
      + "postgres only for service inventory.")
  @ValidationRule(value = "self == oldSelf", message = "sink is immutable")
  private SinkSpec sink;

  @JsonPropertyDescription("Inputs of the plugin's Job.get_tasks when the plugin divides the Job "
      + "(cost-analysis, grpc, no tasks).")
  @ValidationRule(value = "self == oldSelf", message = "plan is immutable")
  private PlanInputs plan;

  @JsonPropertyDescription("Most tasks running at once.")
  @Default("10")
  @Min(1)
  @Max(MAX_PARALLELISM)
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

  public SinkSpec getSink() {
    return sink;
  }

  public void setSink(SinkSpec sink) {
    this.sink = sink;
  }

  public PlanInputs getPlan() {
    return plan;
  }

  public void setPlan(PlanInputs plan) {
    this.plan = plan;
  }

  /** Whether the plugin divides this Job: cost-analysis, grpc, no explicit tasks. */
  @JsonIgnore
  public boolean isPluginDivided() {
    return service == Service.COST_ANALYSIS && plugin != null && plugin.isGrpc()
        && (tasks == null || tasks.isEmpty());
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
