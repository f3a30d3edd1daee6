package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.spaceone.contract.ResultCount;

/**
 * The result counts a plugin reports, kept per task and summed per Job. Each field is one {@link ResultCount}
 * (ResultCountsTest checks both ways); {@link #get} and {@link #set} are the one mapping between them.
 */
public abstract class ResultCounts {
  @JsonPropertyDescription("Resources created.")
  private long createdCount;

  @JsonPropertyDescription("Resources updated.")
  private long updatedCount;

  @JsonPropertyDescription("Resources deleted.")
  private long deletedCount;

  @JsonPropertyDescription("Resources disconnected.")
  private long disconnectedCount;

  @JsonPropertyDescription("Items that failed.")
  private long failureCount;

  @JsonPropertyDescription("Items that succeeded (power-scheduler).")
  private long successCount;

  @JsonPropertyDescription("Items processed in all (power-scheduler).")
  private long totalCount;

  /** This holder's count (0 when there is no holder yet, as for a status not written). */
  public static long get(ResultCounts counts, ResultCount count) {
    return counts == null ? 0L : counts.get(count);
  }

  public long get(ResultCount count) {
    return switch (count) {
      case CREATED -> createdCount;
      case UPDATED -> updatedCount;
      case DELETED -> deletedCount;
      case DISCONNECTED -> disconnectedCount;
      case FAILURE -> failureCount;
      case SUCCESS -> successCount;
      case TOTAL -> totalCount;
    };
  }

  public void set(ResultCount count, long value) {
    switch (count) {
      case CREATED -> createdCount = value;
      case UPDATED -> updatedCount = value;
      case DELETED -> deletedCount = value;
      case DISCONNECTED -> disconnectedCount = value;
      case FAILURE -> failureCount = value;
      case SUCCESS -> successCount = value;
      case TOTAL -> totalCount = value;
      default -> throw new IllegalArgumentException(count.name());
    }
  }

  /** Adds another holder's counts to these. */
  public void addCounts(ResultCounts other) {
    for (ResultCount count : ResultCount.values()) {
      set(count, get(count) + get(other, count));
    }
  }

  public long getCreatedCount() {
    return createdCount;
  }

  public void setCreatedCount(long createdCount) {
    this.createdCount = createdCount;
  }

  public long getUpdatedCount() {
    return updatedCount;
  }

  public void setUpdatedCount(long updatedCount) {
    this.updatedCount = updatedCount;
  }

  public long getDeletedCount() {
    return deletedCount;
  }

  public void setDeletedCount(long deletedCount) {
    this.deletedCount = deletedCount;
  }

  public long getDisconnectedCount() {
    return disconnectedCount;
  }

  public void setDisconnectedCount(long disconnectedCount) {
    this.disconnectedCount = disconnectedCount;
  }

  public long getFailureCount() {
    return failureCount;
  }

  public void setFailureCount(long failureCount) {
    this.failureCount = failureCount;
  }

  public long getSuccessCount() {
    return successCount;
  }

  public void setSuccessCount(long successCount) {
    this.successCount = successCount;
  }

  public long getTotalCount() {
    return totalCount;
  }

  public void setTotalCount(long totalCount) {
    this.totalCount = totalCount;
  }
}
