package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** One explicitly listed task of a Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskTemplate {
  @JsonPropertyDescription("Task options, free-form, delivered to the plugin as task.json 'task_options'.")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> options;

  @JsonPropertyDescription("Secret with the credentials of this task, mounted read-only at /etc/spaceone/secret/.")
  private SecretReference secretRef;

  @JsonPropertyDescription("Cloud provider of this task, e.g. aws, google_cloud, azure.")
  @Size(max = 63)
  private String provider;

  @JsonPropertyDescription("SpaceONE service account id of this task.")
  @Size(max = 63)
  private String serviceAccountId;

  @JsonPropertyDescription("SpaceONE project id of this task; the Job's when empty.")
  @Size(max = 63)
  private String projectId;

  @JsonPropertyDescription("Month range to sync again (cost-analysis).")
  private Changed changed;

  public Map<String, Object> getOptions() {
    return options;
  }

  public void setOptions(Map<String, Object> options) {
    this.options = options;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }

  public String getProvider() {
    return provider;
  }

  public void setProvider(String provider) {
    this.provider = provider;
  }

  public String getServiceAccountId() {
    return serviceAccountId;
  }

  public void setServiceAccountId(String serviceAccountId) {
    this.serviceAccountId = serviceAccountId;
  }

  public String getProjectId() {
    return projectId;
  }

  public void setProjectId(String projectId) {
    this.projectId = projectId;
  }

  public Changed getChanged() {
    return changed;
  }

  public void setChanged(Changed changed) {
    this.changed = changed;
  }
}
