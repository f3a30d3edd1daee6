package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.plugin.PluginResult;
import java.time.Instant;

/**
 * How one finished pod attempt ended.
 *
 * @param state what the task becomes if this is its last attempt (SUCCESS, FAILURE or TIMEOUT)
 * @param retryable whether another attempt may change the answer (true for crashes, timeouts and broken
 *     results; false for a valid result, even one with failure_count > 0)
 * @param result the plugin's result when it wrote a valid one, else null
 * @param errorCode null on SUCCESS
 * @param finishedAt when the container ended, or null when unknown
 */
public record AttemptOutcome(TaskState state, boolean retryable, PluginResult result, String errorCode,
    String errorMessage, Instant finishedAt) {
}
