package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Map;

/** The collector plugin a Job runs: one container per task attempt (file) or a sidecar of our runner (grpc). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.port) || (has(self.protocol) && self.protocol == 'grpc')",
    message = "port is only used with protocol grpc", fieldPath = ".port")
public class PluginSpec {
  public static final int DEFAULT_PORT = 50051;

  @JsonPropertyDescription("file: the plugin reads task.json and writes one result file (this operator's "
      + "contract). grpc: the image is an unchanged SpaceONE plugin serving gRPC on port; it runs as a native "
      + "sidecar and the operator's runner calls it over 127.0.0.1 with options, secret_data and task_options.")
  @Default("file")
  private PluginProtocol protocol;

  @JsonPropertyDescription("Port the grpc plugin serves on, inside the pod (default 50051). Only with protocol grpc.")
  @Min(1)
  @Max(65535)
  private Integer port;

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

  @JsonPropertyDescription("Entrypoint of the plugin container; the image's when empty. The sandbox runs it "
      + "as a local process instead of the image.")
  @Size(max = 64)
  private List<String> command;

  @JsonPropertyDescription("Arguments of the plugin container.")
  @Size(max = 256)
  private List<String> args;

  @JsonPropertyDescription("Plugin options, free-form, delivered to the plugin as task.json 'options' (file) or "
      + "as SpaceONE's 'options' of every call (grpc).")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> options;

  @JsonPropertyDescription("Extra environment variables of the plugin container (with grpc, its only ones).")
  @Size(max = 128)
  private List<EnvVar> env;

  @JsonPropertyDescription("Compute resources of the plugin container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Kubernetes ServiceAccount the task pods run as; the namespace default when empty.")
  @Size(max = 253)
  private String serviceAccountName;

  @JsonPropertyDescription("Overrides the restricted container security context the operator applies by default.")
  private SecurityContext securityContext;

  public PluginProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(PluginProtocol protocol) {
    this.protocol = protocol;
  }

  /** Whether the plugin is a SpaceONE gRPC plugin (the protocol defaults to file). */
  @JsonIgnore
  public boolean isGrpc() {
    return protocol == PluginProtocol.GRPC;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  /** The grpc port, defaulted. */
  public int portOrDefault() {
    return port == null ? DEFAULT_PORT : port;
  }

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
