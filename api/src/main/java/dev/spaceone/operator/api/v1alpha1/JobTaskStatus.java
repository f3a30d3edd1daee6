package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** A task's status: its plugin's result counts and errors, and which pod attempt produced them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobTaskStatus extends ResultCounts {
  @JsonPropertyDescription("PENDING, IN_PROGRESS, SUCCESS, FAILURE, CANCELED or TIMEOUT.")
  private TaskState status;

  @JsonPropertyDescription("Errors the plugin or the operator reported.")
  private List<TaskError> errors;

  @JsonPropertyDescription("Code of the error that ended the task, e.g. ERROR_COLLECTOR_PLUGIN.")
  private String errorCode;

  @JsonPropertyDescription("Message of the error that ended the task.")
  private String errorMessage;

  @JsonPropertyDescription("The pod of the latest attempt.")
  private String podName;

  @JsonPropertyDescription("Pod attempts started so far.")
  private int attempts;

  @JsonPropertyDescription("When the first attempt started, RFC 3339.")
  private String startedAt;

  @JsonPropertyDescription("When this status was last written, RFC 3339.")
  private String updatedAt;

  @JsonPropertyDescription("When the task reached its final status, RFC 3339.")
  private String finishedAt;

  @JsonPropertyDescription("Complete and Failed, as batch/v1 Job has them.")
  private List<Condition> conditions = new ArrayList<>();

  public TaskState getStatus() {
    return status;
  }

  public void setStatus(TaskState status) {
    this.status = status;
  }

  public List<TaskError> getErrors() {
    return errors;
  }

  public void setErrors(List<TaskError> errors) {
    this.errors = errors;
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

  public String getPodName() {
    return podName;
  }

  public void setPodName(String podName) {
    this.podName = podName;
  }

  public int getAttempts() {
    return attempts;
  }

  public void setAttempts(int attempts) {
    this.attempts = attempts;
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
