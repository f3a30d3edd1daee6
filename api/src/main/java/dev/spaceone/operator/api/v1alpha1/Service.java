package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The SpaceONE service whose rules a Job follows. */
public enum Service {
  @JsonProperty("inventory")
  INVENTORY("inventory"),
  @JsonProperty("cost-analysis")
  COST_ANALYSIS("cost-analysis"),
  @JsonProperty("power-scheduler")
  POWER_SCHEDULER("power-scheduler");

  private final String value;

  Service(String value) {
    this.value = value;
  }

  /** The name used in manifests, labels and task.json. */
  public String value() {
    return value;
  }
}
