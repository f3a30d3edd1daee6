package dev.spaceone.operator.api.v1alpha1;

import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

/**
 * The seven result counts of the plugin contract, defined once: the key in a plugin's result file and in the
 * query records ({@code created_count}), the status field ({@code createdCount}) and the metric tag
 * ({@code created}). The result parser, the task and Job statuses, the metrics, the query records and the sandbox's
 * report all iterate this enum; adding a count here (and its field in {@link ResultCounts}) adds it everywhere.
 */
public enum ResultCount {
  CREATED("created", ResultCounts::getCreatedCount, ResultCounts::setCreatedCount),
  UPDATED("updated", ResultCounts::getUpdatedCount, ResultCounts::setUpdatedCount),
  DELETED("deleted", ResultCounts::getDeletedCount, ResultCounts::setDeletedCount),
  DISCONNECTED("disconnected", ResultCounts::getDisconnectedCount, ResultCounts::setDisconnectedCount),
  FAILURE("failure", ResultCounts::getFailureCount, ResultCounts::setFailureCount),
  SUCCESS("success", ResultCounts::getSuccessCount, ResultCounts::setSuccessCount),
  TOTAL("total", ResultCounts::getTotalCount, ResultCounts::setTotalCount);

  private final String word;
  private final ToLongFunction<ResultCounts> getter;
  private final ObjLongConsumer<ResultCounts> setter;

  ResultCount(String word, ToLongFunction<ResultCounts> getter, ObjLongConsumer<ResultCounts> setter) {
    this.word = word;
    this.getter = getter;
    this.setter = setter;
  }

  /** The plain word: {@code created}; the metric tag and the sandbox's report use it. */
  public String word() {
    return word;
  }

  /** The key in a plugin's result file and in the query records: {@code created_count}. */
  public String resultKey() {
    return word + "_count";
  }

  /** The status field: {@code createdCount}. */
  public String statusField() {
    return word + "Count";
  }

  /** This count of a status (0 when the status is null). */
  public long get(ResultCounts counts) {
    return counts == null ? 0L : getter.applyAsLong(counts);
  }

  public void set(ResultCounts counts, long value) {
    setter.accept(counts, value);
  }
}
