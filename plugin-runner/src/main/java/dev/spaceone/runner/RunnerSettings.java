package dev.spaceone.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The runner's environment (PLUGIN-RUNNER-CONTRACT.md), read once.
 *
 * @param timeout the task's timeout (SPACEONE_TASK_TIMEOUT_SECONDS), else {@link #DEFAULT_TIMEOUT}
 * @param connectTimeout how long the plugin may take to accept connections
 * @param unaryTimeout the bound of each unary call (SpaceONE's own: 180 s)
 * @param watchdog when the run is stopped if it has not ended by itself (after {@link #deadline()}, before the
 *     pod's activeDeadlineSeconds)
 */
public record RunnerSettings(String mode, Path taskFile, Path secretDir, Path resultFile, Path sinkDir,
    String endpoint, Duration timeout, Duration connectTimeout, Duration unaryTimeout, Duration watchdog) {
  /** SpaceONE's inventory job limit (JOB_TIMEOUT = 2 h), for a task without a timeout of its own. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration UNARY_TIMEOUT = Duration.ofSeconds(180);

  public static RunnerSettings fromEnvironment(String mode, Map<String, String> env) {
    String timeout = env.get("SPACEONE_TASK_TIMEOUT_SECONDS");
    Duration taskTimeout;
    try {
      taskTimeout = timeout == null || timeout.isBlank() ? DEFAULT_TIMEOUT
          : Duration.ofSeconds(Long.parseLong(timeout.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SPACEONE_TASK_TIMEOUT_SECONDS must be a whole number of seconds, not '"
          + timeout + "'");
    }
    if (taskTimeout.isNegative() || taskTimeout.isZero()) {
      throw new IllegalArgumentException("SPACEONE_TASK_TIMEOUT_SECONDS must be positive");
    }
    return new RunnerSettings(mode, path(env, "SPACEONE_TASK_FILE", true), path(env, "SPACEONE_SECRET_DIR", false),
        path(env, "SPACEONE_RESULT_FILE", true), path(env, "SPACEONE_SINK_DIR", false),
        env.getOrDefault("SPACEONE_PLUGIN_ENDPOINT", "127.0.0.1:50051"), taskTimeout, CONNECT_TIMEOUT,
        UNARY_TIMEOUT, taskTimeout.minus(margin(taskTimeout).dividedBy(2)));
  }

  /**
   * The deadline of the runner's calls: the task's timeout less a margin (10%, at most 10 s), so that it writes its
   * result before the pod's activeDeadlineSeconds (the same timeout) kills it.
   */
  public Duration deadline() {
    return timeout.minus(margin(timeout));
  }

  private static Duration margin(Duration timeout) {
    Duration margin = timeout.dividedBy(10);
    return margin.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : margin;
  }

  private static Path path(Map<String, String> env, String name, boolean required) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      if (required) {
        throw new IllegalArgumentException(name + " is not set");
      }
      return null;
    }
    return Path.of(value);
  }
}
