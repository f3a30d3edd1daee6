package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The result counts a plugin reports, kept per task and summed per Job. */
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

  /** Adds another holder's counts to these. */
  public void addCounts(ResultCounts other) {
    createdCount += other.createdCount;
    updatedCount += other.updatedCount;
    deletedCount += other.deletedCount;
    disconnectedCount += other.disconnectedCount;
    failureCount += other.failureCount;
    successCount += other.successCount;
    totalCount += other.totalCount;
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
