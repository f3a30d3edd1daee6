package dev.spaceone.operator.plugin;

import dev.spaceone.operator.api.v1alpha1.TaskError;
import java.util.List;

/** What a plugin reported in its result file: the counts of the contract and its errors. */
public record PluginResult(
    long createdCount,
    long updatedCount,
    long deletedCount,
    long disconnectedCount,
    long failureCount,
    long successCount,
    long totalCount,
    List<TaskError> errors) {
}
