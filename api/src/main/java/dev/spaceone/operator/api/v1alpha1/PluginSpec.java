package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Map;

/** The collector plugin a Job runs: one container per task attempt. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PluginSpec {
  @JsonPropertyDescription("Container image of the plugin.")
  @Required
  @Size(min = 1, max = 512)
  private String image;

  @JsonPropertyDescription("SpaceONE plugin id, passed to the plugin for its own bookkeeping.")
  @Size(max = 255)
  private String pluginId;

  @JsonPropertyDescription("Plugin version, informational.")
  @Size(max = 128)
  private String version;

  @JsonPropertyDescription("Entrypoint of the plugin container; the image's when empty.")
  @Size(max = 64)
  private List<String> command;

  @JsonPropertyDescription("Arguments of the plugin container.")
  @Size(max = 256)
  private List<String> args;

  @JsonPropertyDescription("Plugin options, free-form, delivered to the plugin as task.json 'options'.")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> options;

  @JsonPropertyDescription("Extra environment variables of the plugin container.")
  @Size(max = 128)
  private List<EnvVar> env;

  @JsonPropertyDescription("Compute resources of the plugin container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Kubernetes ServiceAccount the task pods run as; the namespace default when empty.")
  @Size(max = 253)
  private String serviceAccountName;

  @JsonPropertyDescription("Overrides the restricted container security context the operator applies by default.")
  private SecurityContext securityContext;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getPluginId() {
    return pluginId;
  }

  public void setPluginId(String pluginId) {
    this.pluginId = pluginId;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public Map<String, Object> getOptions() {
    return options;
  }

  public void setOptions(Map<String, Object> options) {
    this.options = options;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }
}
