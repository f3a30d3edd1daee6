package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** A Job's status: counts over its tasks, never per-task arrays, so it stays small at 10,000 tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobStatus extends ResultCounts {
  @JsonPropertyDescription("CREATED, IN_PROGRESS, SUCCESS, FAILURE, TIMEOUT, CANCELED or ERROR.")
  private JobState status;

  @JsonPropertyDescription("Finished tasks over all tasks, e.g. 3/10.")
  private String progress;

  @JsonPropertyDescription("Tasks the Job was divided into.")
  private int totalTasks;

  @JsonPropertyDescription("Tasks not finished yet.")
  private int remainedTasks;

  @JsonPropertyDescription("Tasks that ended SUCCESS.")
  private int successTasks;

  @JsonPropertyDescription("Tasks that ended FAILURE or TIMEOUT.")
  private int failureTasks;

  @JsonPropertyDescription("Tasks that ended CANCELED.")
  private int canceledTasks;

  @JsonPropertyDescription("Tasks IN_PROGRESS.")
  private int runningTasks;

  @JsonPropertyDescription("Why the Job ended ERROR or FAILURE, machine-readable.")
  private String errorCode;

  @JsonPropertyDescription("Why the Job ended ERROR or FAILURE, for people.")
  private String errorMessage;

  @JsonPropertyDescription("Month ranges the Job's tasks synced again (cost-analysis).")
  @Size(max = 100)
  private List<Changed> changed;

  @JsonPropertyDescription("Service accounts whose tasks succeeded (cost-analysis).")
  @Size(max = 100)
  private List<SyncedAccount> syncedAccounts;

  @JsonPropertyDescription("The plan the plugin divided this Job by (cost-analysis, grpc, no tasks).")
  private PlanStatus plan;

  @JsonPropertyDescription("The Secrets the plugin plans with when the secretSelector matched more than one: one "
      + "Job.get_tasks each, in this order (sorted names), fixed before the first planning pod.")
  @Size(max = 1000)
  private List<String> planSecrets;

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("When the first task started, RFC 3339.")
  private String startedAt;

  @JsonPropertyDescription("When this status was last written, RFC 3339.")
  private String updatedAt;

  @JsonPropertyDescription("When the Job reached its final status, RFC 3339.")
  private String finishedAt;

  @JsonPropertyDescription("Complete, Failed and Suspended, as batch/v1 Job has them.")
  private List<Condition> conditions = new ArrayList<>();

  public JobState getStatus() {
    return status;
  }

  public void setStatus(JobState status) {
    this.status = status;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public int getTotalTasks() {
    return totalTasks;
  }

  public void setTotalTasks(int totalTasks) {
    this.totalTasks = totalTasks;
  }

  public int getRemainedTasks() {
    return remainedTasks;
  }

  public void setRemainedTasks(int remainedTasks) {
    this.remainedTasks = remainedTasks;
  }

  public int getSuccessTasks() {
    return successTasks;
  }

  public void setSuccessTasks(int successTasks) {
    this.successTasks = successTasks;
  }

  public int getFailureTasks() {
    return failureTasks;
  }

  public void setFailureTasks(int failureTasks) {
    this.failureTasks = failureTasks;
  }

  public int getCanceledTasks() {
    return canceledTasks;
  }

  public void setCanceledTasks(int canceledTasks) {
    this.canceledTasks = canceledTasks;
  }

  public int getRunningTasks() {
    return runningTasks;
  }

  public void setRunningTasks(int runningTasks) {
    this.runningTasks = runningTasks;
  }

  public String getErrorCode() {
    return errorCode;
  }

  public void setErrorCode(String errorCode) {
    this.errorCode = errorCode;
  }

  public String getErrorMessage() {
    return errorMessage;
  }

  public void setErrorMessage(String errorMessage) {
    this.errorMessage = errorMessage;
  }

  public List<Changed> getChanged() {
    return changed;
  }

  public void setChanged(List<Changed> changed) {
    this.changed = changed;
  }

  public List<SyncedAccount> getSyncedAccounts() {
    return syncedAccounts;
  }

  public void setSyncedAccounts(List<SyncedAccount> syncedAccounts) {
    this.syncedAccounts = syncedAccounts;
  }

  public List<String> getPlanSecrets() {
    return planSecrets;
  }

  public void setPlanSecrets(List<String> planSecrets) {
    this.planSecrets = planSecrets;
  }

  public PlanStatus getPlan() {
    return plan;
  }

  public void setPlan(PlanStatus plan) {
    this.plan = plan;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getUpdatedAt() {
    return updatedAt;
  }

  public void setUpdatedAt(String updatedAt) {
    this.updatedAt = updatedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
