package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret in the Job's namespace, mounted read-only into the task's pod. */
public class SecretReference {
  @JsonPropertyDescription("Name of the Secret, in the Job's namespace.")
  @Required
  @Size(min = 1, max = 253)
  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
