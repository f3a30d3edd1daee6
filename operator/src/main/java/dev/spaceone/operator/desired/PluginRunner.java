package dev.spaceone.operator.desired;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Our plugin runner, the main container of a grpc task pod: the image it ships in and the command that
 * starts it (operator settings RUNNER_IMAGE and RUNNER_COMMAND; the chart sets both), and the grace period of
 * its pods (GRPC_POD_GRACE_SECONDS).
 *
 * @param podGraceSeconds terminationGracePeriodSeconds of grpc task and planning pods: how long the kubelet waits
 *     after SIGTERM before it kills a container, when the runner has exited (the plugin sidecar is stopped) or the
 *     pod is deleted. SpaceONE's images run Python as PID 1 without a TERM handler, so SIGTERM does nothing and
 *     each pod would stay for Kubernetes' default 30 s; the runner holds nothing to save once it exited, and the
 *     plugin is a stateless server.
 */
public record PluginRunner(String image, List<String> command, long podGraceSeconds) {
  public static final String DEFAULT_IMAGE = "spaceone-job-operator:latest";
  /** C1 only and the serial GC: a short-lived client gains nothing from C2 (runner CPU -32%, see README). */
  public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  public static final String DEFAULT_COMMAND =
      "java " + String.join(" ", JVM_OPTIONS) + " -jar /opt/spaceone/plugin-runner.jar";
  public static final long DEFAULT_POD_GRACE_SECONDS = 5;
  public static final PluginRunner DEFAULT = new PluginRunner(DEFAULT_IMAGE, split(DEFAULT_COMMAND));

  public PluginRunner {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("RUNNER_COMMAND is empty");
    }
    if (podGraceSeconds < 0) {
      throw new IllegalArgumentException("GRPC_POD_GRACE_SECONDS must not be negative, not " + podGraceSeconds);
    }
  }

  public PluginRunner(String image, List<String> command) {
    this(image, command, DEFAULT_POD_GRACE_SECONDS);
  }

  public PluginRunner withPodGraceSeconds(long seconds) {
    return new PluginRunner(image, command, seconds);
  }

  /** From RUNNER_IMAGE and RUNNER_COMMAND (split on spaces), each defaulted when unset or blank. */
  public static PluginRunner fromEnvironment(Map<String, String> env) {
    String image = env.getOrDefault("RUNNER_IMAGE", "").trim();
    String command = env.getOrDefault("RUNNER_COMMAND", "").trim();
    return new PluginRunner(image.isEmpty() ? DEFAULT_IMAGE : image,
        split(command.isEmpty() ? DEFAULT_COMMAND : command));
  }

  static List<String> split(String command) {
    return Arrays.stream(command.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
