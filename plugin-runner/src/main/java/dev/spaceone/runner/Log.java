package dev.spaceone.runner;

import java.time.Instant;

/**
 * The runner's own log lines, on stderr: stdout carries only the plan (plan mode) or the sink's records (log
 * sink). Never given secret data: callers log counts, names and the plugin's status messages.
 */
public final class Log {
  private Log() {
  }

  public static void info(String message) {
    System.err.println(Instant.now() + " spaceone-plugin-runner: " + message);
  }
}
