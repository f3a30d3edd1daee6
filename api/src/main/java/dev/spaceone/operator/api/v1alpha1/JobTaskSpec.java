package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** One task of a Job: a snapshot of everything its plugin pod needs, written once by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a JobTask's spec is immutable")
public class JobTaskSpec extends IdentityFields {
  @JsonPropertyDescription("Name of the Job this task belongs to.")
  @Required
  @Size(min = 1, max = Job.MAX_NAME_LENGTH)
  private String jobName;

  @JsonPropertyDescription("Position of this task in its Job, from 0.")
  @Required
  @Min(0)
  private Integer index;

  @JsonPropertyDescription("SpaceONE service whose rules apply.")
  @Required
  private Service service;

  @JsonPropertyDescription("The plugin, as the Job had it when the task was created.")
  @Required
  private PluginSpec plugin;

  @JsonPropertyDescription("Task options, delivered to the plugin as task.json 'task_options'.")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> options;

  @JsonPropertyDescription("Secret with this task's credentials, mounted read-only at /etc/spaceone/secret/.")
  private SecretReference secretRef;

  @JsonPropertyDescription("Cloud provider of this task.")
  @Size(max = 63)
  private String provider;

  @JsonPropertyDescription("SpaceONE service account id of this task.")
  @Size(max = 63)
  private String serviceAccountId;

  @JsonPropertyDescription("Month range to sync again (cost-analysis).")
  private Changed changed;

  @JsonPropertyDescription("SpaceONE's secret_type for a cost-analysis grpc plugin: USE_SERVICE_ACCOUNT_SECRET "
      + "when its Job's plugin planned with several Secrets; absent: MANUAL.")
  private String secretType;

  @JsonPropertyDescription("Where a grpc plugin's collected resources go, as the Job had it.")
  private SinkSpec sink;

  @JsonPropertyDescription("Seconds one attempt may run; the pod's activeDeadlineSeconds.")
  @Min(1)
  private Long timeoutSeconds;

  @JsonPropertyDescription("Pod retries before the task fails.")
  @Min(0)
  private Integer backoffLimit;

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  public String getSecretType() {
    return secretType;
  }

  public void setSecretType(String secretType) {
    this.secretType = secretType;
  }

  public Integer getIndex() {
    return index;
  }

  public void setIndex(Integer index) {
    this.index = index;
  }

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

  public Changed getChanged() {
    return changed;
  }

  public void setChanged(Changed changed) {
    this.changed = changed;
  }

  public SinkSpec getSink() {
    return sink;
  }

  public void setSink(SinkSpec sink) {
    this.sink = sink;
  }

  public Long getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }
}
