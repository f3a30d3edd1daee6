package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import java.util.Map;

/** One error a task reported, in SpaceONE's shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskError {
  @JsonPropertyDescription("Machine-readable error code, e.g. ERROR_COLLECTOR_PLUGIN.")
  private String errorCode;

  @JsonPropertyDescription("Human-readable message.")
  private String message;

  @JsonPropertyDescription("Extra details of the error, as the plugin gave them.")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> additional;

  public String getErrorCode() {
    return errorCode;
  }

  public void setErrorCode(String errorCode) {
    this.errorCode = errorCode;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Map<String, Object> getAdditional() {
    return additional;
  }

  public void setAdditional(Map<String, Object> additional) {
    this.additional = additional;
  }
}
