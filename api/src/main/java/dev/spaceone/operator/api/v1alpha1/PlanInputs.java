package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** What a cost-analysis plugin's Job.get_tasks is asked with when the plugin divides the Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanInputs {
  @JsonPropertyDescription("First month (YYYY-MM) or day (YYYY-MM-DD) to sync, get_tasks' 'start'.")
  @Pattern("^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")
  @Size(max = 10)
  private String start;

  @JsonPropertyDescription("When the data source last synchronized, RFC 3339, get_tasks' 'last_synchronized_at'.")
  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
  @Size(max = 40)
  private String lastSynchronizedAt;

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getLastSynchronizedAt() {
    return lastSynchronizedAt;
  }

  public void setLastSynchronizedAt(String lastSynchronizedAt) {
    this.lastSynchronizedAt = lastSynchronizedAt;
  }
}
