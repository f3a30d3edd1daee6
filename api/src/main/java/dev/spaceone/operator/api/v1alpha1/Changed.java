package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** A month range of cost data that changed and must be synced again (cost-analysis). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.start) || !has(self.end) || self.start <= self.end",
    message = "changed.start must not be after changed.end")
public class Changed {
  @JsonPropertyDescription("First month of the range, YYYY-MM.")
  @Pattern("^[0-9]{4}-(0[1-9]|1[0-2])$")
  @Size(max = 7)
  private String start;

  @JsonPropertyDescription("Last month of the range, YYYY-MM.")
  @Pattern("^[0-9]{4}-(0[1-9]|1[0-2])$")
  @Size(max = 7)
  private String end;

  @JsonPropertyDescription("Free-form filter that narrows the data to sync again, passed to the plugin.")
  @SchemaFrom(type = FreeFormObject.class)
  private Map<String, Object> filter;

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getEnd() {
    return end;
  }

  public void setEnd(String end) {
    this.end = end;
  }

  public Map<String, Object> getFilter() {
    return filter;
  }

  public void setFilter(Map<String, Object> filter) {
    this.filter = filter;
  }
}
