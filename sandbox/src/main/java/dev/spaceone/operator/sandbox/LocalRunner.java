package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.task.PluginRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin runner as the sandbox starts it: the locally built jar ({@code plugin-runner/target/
 * spaceone-plugin-runner.jar} under the working folder or a parent of it, or SPACEONE_RUNNER_JAR) run by this
 * JVM's own {@code java}, unless RUNNER_COMMAND says otherwise.
 */
final class LocalRunner {
  static final String JAR = "plugin-runner/target/spaceone-plugin-runner.jar";
  static final String IMAGE = "spaceone-job-operator:sandbox";

  private LocalRunner() {
  }

  static PluginRunner command(Map<String, String> env) {
    String configured = env.getOrDefault("RUNNER_COMMAND", "").trim();
    if (!configured.isEmpty()) {
      return PluginRunner.fromEnvironment(Map.of("RUNNER_IMAGE", IMAGE, "RUNNER_COMMAND", configured));
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jar = jar(env).orElse(Path.of(JAR).toAbsolutePath());
    return new PluginRunner(IMAGE, List.of(java, "-jar", jar.toString()));
  }

  /** The runner's jar: SPACEONE_RUNNER_JAR, else the built one under the working folder or a parent. */
  static Optional<Path> jar(Map<String, String> env) {
    String configured = env.getOrDefault("SPACEONE_RUNNER_JAR", "").trim();
    if (!configured.isEmpty()) {
      return Optional.of(Path.of(configured).toAbsolutePath());
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(JAR);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
