package dev.spaceone.operator.testing;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.desired.JobDivider;
import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Jobs, JobTasks and pods of the desired-state tests, made as the operator makes them, without an API server:
 * the Job {@code collect/inv} (uid {@code job-uid}) from the YAML of its spec, divided by {@link JobDivider}, each
 * task with the uid an API server would give it ({@code uid-<name>}), its pods built by {@link TaskPodBuilder}.
 */
public final class TestJobs {
  public static final String NAME = "inv";
  public static final String NAMESPACE = "collect";
  public static final String UID = "job-uid";

  private TestJobs() {
  }

  /** The Job {@code collect/inv} with this spec (the YAML under {@code spec:}, not indented). */
  public static Job job(String specYaml) {
    return Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
          namespace: %s
          uid: %s
        spec:
        """.formatted(NAME, NAMESPACE, UID) + specYaml.indent(2), Job.class);
  }

  /** The Job's tasks (no Secrets selected), each with a uid. */
  public static List<JobTask> tasks(Job job) {
    List<JobTask> tasks = JobDivider.divide(job, List.of());
    tasks.forEach(t -> t.getMetadata().setUid("uid-" + t.getMetadata().getName()));
    return tasks;
  }

  /** The tasks of the Job with this spec. */
  public static List<JobTask> tasks(String specYaml) {
    return tasks(job(specYaml));
  }

  /** The first attempt's pod of the Job's first task. */
  public static Pod pod(String specYaml, PluginRunner runner) {
    return TaskPodBuilder.build(tasks(specYaml).get(0), 1, runner);
  }

  /** A container's environment as a map. */
  public static Map<String, String> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
