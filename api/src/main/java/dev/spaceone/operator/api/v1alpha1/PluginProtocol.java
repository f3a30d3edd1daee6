package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the operator talks to a plugin. */
public enum PluginProtocol {
  /** Our file contract: task.json in, one result JSON out, the plugin is the task pod's only container. */
  @JsonProperty("file")
  FILE("file"),
  /** An unchanged SpaceONE plugin image serving gRPC: a sidecar, called by our runner over loopback. */
  @JsonProperty("grpc")
  GRPC("grpc");

  private final String value;

  PluginProtocol(String value) {
    this.value = value;
  }

  /** The name used in manifests and task.json. */
  public String value() {
    return value;
  }
}
