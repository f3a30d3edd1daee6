package dev.spaceone.operator.plugin;

import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.ResultCounts;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a plugin reported in its result file: the counts of the contract (absent ones are 0) and its errors. */
public record PluginResult(Map<ResultCount, Long> counts, List<TaskError> errors) {
  public PluginResult {
    counts = counts.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(counts));
    errors = List.copyOf(errors);
  }

  public long count(ResultCount count) {
    return counts.getOrDefault(count, 0L);
  }

  /** Sets every count of a status to this result's. */
  public void copyCountsTo(ResultCounts status) {
    for (ResultCount count : ResultCount.values()) {
      status.set(count, count(count));
    }
  }
}
