package dev.spaceone.contract;

/**
 * The seven result counts of the plugin contract, defined once: the key in a plugin's result file and in the
 * query records ({@code created_count}), the status field ({@code createdCount}) and the metric tag
 * ({@code created}). The runner's result, the operator's result parser, the task and Job statuses (api's
 * {@code ResultCounts}), the metrics, the query records and the sandbox's report all iterate this enum.
 */
public enum ResultCount {
  CREATED("created"),
  UPDATED("updated"),
  DELETED("deleted"),
  DISCONNECTED("disconnected"),
  FAILURE("failure"),
  SUCCESS("success"),
  TOTAL("total");

  private final String word;

  ResultCount(String word) {
    this.word = word;
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
}
