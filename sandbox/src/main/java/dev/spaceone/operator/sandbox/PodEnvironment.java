package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The command line and environment of a task pod's container, run as a local process: what the container would get,
 * with the contract's paths (SPACEONE_TASK_FILE, SPACEONE_SECRET_DIR, SPACEONE_RESULT_FILE) pointing into the pod's
 * {@link TaskWorkspace} instead of its volumes. Nothing of the sandbox's own environment leaks in but {@code PATH}
 * (to find the command); {@code HOME} and {@code TMPDIR} are the workspace's tmp folder. A pure function of its inputs.
 */
public final class PodEnvironment {
  /** Command line and environment; {@code warnings} names env vars the sandbox could not fill. */
  public record Process(List<String> command, Map<String, String> environment, List<String> warnings) {
  }

  private PodEnvironment() {
  }

  /**
   * @param hostPath the sandbox's PATH
   * @param secretKey reads a key of a Secret (name, key) for {@code valueFrom.secretKeyRef}, or null when missing
   */
  public static Process of(Pod pod, Container container, TaskWorkspace workspace, String hostPath,
      BiFunction<String, String, String> secretKey) {
    Map<String, String> paths = Map.of(
        TaskPodBuilder.TASK_FILE, workspace.taskFile().toString(),
        TaskPodBuilder.SECRET_DIR, workspace.secretDir().toString(),
        TaskPodBuilder.SINK_DIR, workspace.sinkDir().toString(),
        TaskPodBuilder.RESULT_FILE, workspace.resultFile().toString());
    Map<String, String> env = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    env.put("PATH", hostPath == null ? "/usr/local/bin:/usr/bin:/bin" : hostPath);
    env.put("HOME", workspace.tmpDir().toString());
    env.put("TMPDIR", workspace.tmpDir().toString());
    env.put("HOSTNAME", pod.getMetadata().getName());
    // $(VAR) references see the container's declared variables only, as in Kubernetes.
    Map<String, String> declared = new LinkedHashMap<>();
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value = value(pod, var, secretKey, warnings);
        if (value != null) {
          // A container path of the contract becomes its local counterpart.
          declared.put(var.getName(), paths.getOrDefault(value, expand(value, declared)));
        }
      }
    }
    env.putAll(declared);
    List<String> command = new ArrayList<>();
    if (container.getCommand() != null) {
      container.getCommand().forEach(c -> command.add(expand(c, declared)));
    }
    if (container.getArgs() != null) {
      container.getArgs().forEach(a -> command.add(expand(a, declared)));
    }
    return new Process(List.copyOf(command), env, List.copyOf(warnings));
  }

  private static String value(Pod pod, EnvVar var, BiFunction<String, String, String> secretKey,
      List<String> warnings) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    EnvVarSource from = var.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      String value = secretKey.apply(from.getSecretKeyRef().getName(), from.getSecretKeyRef().getKey());
      if (value == null) {
        warnings.add(var.getName() + ": Secret " + from.getSecretKeyRef().getName() + " has no key "
            + from.getSecretKeyRef().getKey());
      }
      return value;
    }
    if (from.getFieldRef() != null) {
      String field = from.getFieldRef().getFieldPath();
      return switch (field) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> pod.getMetadata().getNamespace();
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
        default -> {
          warnings.add(var.getName() + ": fieldRef " + field + " is not supported by the sandbox");
          yield null;
        }
      };
    }
    warnings.add(var.getName() + ": this valueFrom is not supported by the sandbox");
    return null;
  }

  /** Kubernetes' $(VAR) expansion: a defined VAR is replaced, an undefined one kept, $$ is a literal $. */
  static String expand(String text, Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = text.indexOf(')', i + 2);
          if (close > 0) {
            String name = text.substring(i + 2, close);
            if (env.containsKey(name)) {
              out.append(env.get(name));
              i = close + 1;
              continue;
            }
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
