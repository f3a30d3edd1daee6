package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a grpc task's runner puts the resources the plugin collected. */
public enum SinkType {
  @JsonProperty("none")
  NONE("none"),
  @JsonProperty("log")
  LOG("log"),
  @JsonProperty("postgres")
  POSTGRES("postgres");

  private final String value;

  SinkType(String value) {
    this.value = value;
  }

  /** The name used in manifests and task.json. */
  public String value() {
    return value;
  }
}
