package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One Secret's part of a plan made with several (SpaceONE's USE_SERVICE_ACCOUNT_SECRET): the tasks its
 * Job.get_tasks returned, or, when its planning failed after its retries, why it was skipped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanSource {
  @JsonPropertyDescription("The Secret the plugin planned with.")
  private String secretName;

  @JsonPropertyDescription("The planning pod this Secret's plan was read from (its last attempt).")
  private String podName;

  @JsonPropertyDescription("Tasks this Secret's Job.get_tasks returned (0 when skipped).")
  private int tasks;

  @JsonPropertyDescription("SHA-256 of this Secret's plan's task lines, as the runner reported it.")
  private String sha256;

  @JsonPropertyDescription("Set when this Secret was skipped: the code its last planning attempt ended with.")
  private String errorCode;

  @JsonPropertyDescription("Set when this Secret was skipped: why, for people.")
  private String errorMessage;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getPodName() {
    return podName;
  }

  public void setPodName(String podName) {
    this.podName = podName;
  }

  public int getTasks() {
    return tasks;
  }

  public void setTasks(int tasks) {
    this.tasks = tasks;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
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

  /** Whether the plugin could not plan with this Secret. */
  public boolean skipped() {
    return errorCode != null;
  }
}
