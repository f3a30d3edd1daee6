package dev.spaceone.e2e;

import dev.spaceone.operator.task.TaskPodBuilder;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The kubelet stand-in's container runtime: runs a task pod's plugin container as a local process instead of
 * in busybox. The container must be {@code command: [sh, -c]} with the script in {@code args[0]} (as the
 * examples are); the script runs with {@code sh -c} and the container's literal env, where the three SpaceONE
 * paths point at local files: task.json holds the pod's {@code spaceone.dev/task-json} annotation (what the
 * downward-API volume would show), the Secret of the pod's secret volume is written to a folder (what the
 * kubelet would mount), and the result file becomes the termination message.
 */
final class ScriptPlugin implements Function<Pod, PluginRun> {
  /** One plugin run: what the script printed and the result file. */
  record Run(String pod, int exitCode, String output, String result) {
  }

  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
  private final KubernetesClient client;
  private final Path workDir;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  ScriptPlugin(KubernetesClient client, Path workDir) {
    this.client = client;
    this.workDir = workDir;
  }

  /** The run of pod {@code namespace/name}, or null. */
  Run run(String namespace, String name) {
    return runs.get(namespace + "/" + name);
  }

  @Override
  public PluginRun apply(Pod pod) {
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    Run run;
    try {
      run = execute(pod);
    } catch (IOException | RuntimeException e) {
      run = new Run(key, 1, e.toString(), "the e2e kubelet stand-in could not run the plugin: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run = new Run(key, 137, "interrupted", "");
    }
    runs.put(key, run);
    // A short running phase, so that the operator sees Running before the end as it would with a kubelet.
    return new PluginRun(Duration.ofMillis(300), run.exitCode(), run.result());
  }

  private Run execute(Pod pod) throws IOException, InterruptedException {
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    Container container = pod.getSpec().getContainers().stream()
        .filter(c -> TaskPodBuilder.CONTAINER.equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("no container " + TaskPodBuilder.CONTAINER + " in " + key));
    List<String> command = container.getCommand() == null ? List.of() : container.getCommand();
    List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
    if (!command.equals(List.of("sh", "-c")) || args.isEmpty()) {
      throw new IllegalStateException("only `command: [sh, -c]` with the script in args[0] runs here, not "
          + command + " " + args);
    }
    Path dir = Files.createTempDirectory(workDir, pod.getMetadata().getName() + "-");
    Path taskFile = dir.resolve("task.json");
    Path resultFile = dir.resolve("termination-log");
    String taskJson = pod.getMetadata().getAnnotations().get(TaskPodBuilder.TASK_JSON_ANNOTATION);
    Files.writeString(taskFile, taskJson == null ? "" : taskJson, StandardCharsets.UTF_8);
    Path secretDir = null;
    for (Volume volume : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      if (volume.getSecret() != null) {
        secretDir = Files.createDirectories(dir.resolve("secret"));
        Secret secret = client.secrets().inNamespace(pod.getMetadata().getNamespace())
            .withName(volume.getSecret().getSecretName()).get();
        if (secret == null) {
          throw new IllegalStateException("Secret " + volume.getSecret().getSecretName() + " of " + key + " is missing");
        }
        for (var entry : (secret.getData() == null ? Map.<String, String>of() : secret.getData()).entrySet()) {
          Files.write(secretDir.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
        }
      }
    }
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", args.get(0)).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("output").toFile());
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path == null ? "/usr/bin:/bin" : path);
    for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    checkPath(env, "SPACEONE_TASK_FILE", TaskPodBuilder.TASK_FILE);
    checkPath(env, "SPACEONE_RESULT_FILE", TaskPodBuilder.RESULT_FILE);
    env.put("SPACEONE_TASK_FILE", taskFile.toString());
    env.put("SPACEONE_RESULT_FILE", resultFile.toString());
    if (env.containsKey("SPACEONE_SECRET_DIR")) {
      checkPath(env, "SPACEONE_SECRET_DIR", TaskPodBuilder.SECRET_DIR);
      if (secretDir == null) {
        throw new IllegalStateException(key + " names SPACEONE_SECRET_DIR but mounts no Secret");
      }
      env.put("SPACEONE_SECRET_DIR", secretDir.toString());
    }
    Process process = builder.start();
    if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the plugin script of " + key + " ran longer than " + SCRIPT_TIMEOUT);
    }
    String output = Files.readString(dir.resolve("output"), StandardCharsets.UTF_8);
    String result = Files.exists(resultFile) ? Files.readString(resultFile, StandardCharsets.UTF_8) : "";
    return new Run(key, process.exitValue(), output, result);
  }

  private static void checkPath(Map<String, String> env, String name, String expected) {
    if (!expected.equals(env.get(name))) {
      throw new IllegalStateException("the pod's " + name + " is " + env.get(name) + ", not " + expected);
    }
  }
}
