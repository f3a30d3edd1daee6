package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.desired.PluginRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin runner as the sandbox starts it: the locally built jar ({@code plugin-runner/target/
 * spaceone-plugin-runner.jar} under the working folder or a parent of it, or SPACEONE_RUNNER_JAR) run by this
 * JVM's own {@code java} with the runner's JVM options, unless RUNNER_COMMAND says otherwise.
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
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(PluginRunner.JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString()));
    return new PluginRunner(IMAGE, command);
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
