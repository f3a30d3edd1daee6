package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The plan a plugin divided its Job by, as read from the planning pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {
  @JsonPropertyDescription("Tasks the plugin's Job.get_tasks returned.")
  private int tasks;

  @JsonPropertyDescription("SHA-256 of the plan's task lines, as the runner reported it.")
  private String sha256;

  @JsonPropertyDescription("Per Secret, in status.planSecrets' order, when the plugin planned with more than one: "
      + "its tasks (concatenated in this order), or why it was skipped.")
  @Size(max = 1000)
  private List<PlanSource> sources;

  @JsonPropertyDescription("The planning pod the plan was read from.")
  private String podName;

  @JsonPropertyDescription("The Secret the plugin planned with; every planned task uses it.")
  private String secretName;

  public List<PlanSource> getSources() {
    return sources;
  }

  public void setSources(List<PlanSource> sources) {
    this.sources = sources;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
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

  public String getPodName() {
    return podName;
  }

  public void setPodName(String podName) {
    this.podName = podName;
  }
}
