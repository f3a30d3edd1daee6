package dev.spaceone.operator.task;

import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.PluginSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pod of one task attempt, as the plugin contract describes it. A pure function of the task. */
public final class TaskPodBuilder {
  public static final String CONTAINER = "plugin";
  /** Holds a finished pod until its result is in the task's status, so no result is lost to a deletion. */
  public static final String RESULT_FINALIZER = "spaceone.dev/result-pending";
  public static final String TASK_JSON_ANNOTATION = "spaceone.dev/task-json";
  public static final String TASK_DIR = "/etc/spaceone/task";
  public static final String TASK_FILE = TASK_DIR + "/task.json";
  public static final String SECRET_DIR = "/etc/spaceone/secret";
  public static final String RESULT_FILE = "/dev/termination-log";
  /** nobody: task pods run as non-root even when the image's user is root. */
  static final long RUN_AS = 65534L;

  private TaskPodBuilder() {
  }

  public static Pod build(JobTask task, int attempt) {
    JobTaskSpec spec = task.getSpec();
    PluginSpec plugin = spec.getPlugin();
    String taskName = task.getMetadata().getName();
    boolean hasSecret = spec.getSecretRef() != null;

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    // task.json comes from a pod annotation through the downward API: no extra API object per task.
    volumes.add(new VolumeBuilder().withName("task")
        .withNewDownwardAPI()
        .addNewItem().withPath("task.json").withNewFieldRef()
        .withFieldPath("metadata.annotations['" + TASK_JSON_ANNOTATION + "']").endFieldRef().endItem()
        .endDownwardAPI().build());
    mounts.add(new VolumeMountBuilder().withName("task").withMountPath(TASK_DIR).withReadOnly(true).build());
    if (hasSecret) {
      volumes.add(new VolumeBuilder().withName("secret")
          .withNewSecret().withSecretName(spec.getSecretRef().getName()).withDefaultMode(0440).endSecret().build());
      mounts.add(new VolumeMountBuilder().withName("secret").withMountPath(SECRET_DIR).withReadOnly(true).build());
    }

    return new PodBuilder()
        .withNewMetadata()
        .withName(TaskNames.pod(taskName, attempt))
        .withNamespace(task.getMetadata().getNamespace())
        .withLabels(Labels.forPod(taskName, spec, attempt))
        .withAnnotations(Map.of(TASK_JSON_ANNOTATION, TaskJson.render(task)))
        .withFinalizers(RESULT_FINALIZER)
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(task.getApiVersion())
            .withKind(task.getKind())
            .withName(taskName)
            .withUid(task.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withActiveDeadlineSeconds(spec.getTimeoutSeconds())
        .withServiceAccountName(plugin.getServiceAccountName())
        // A plugin talks to clouds, not to this cluster.
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS)
            .withRunAsGroup(RUN_AS)
            .withFsGroup(RUN_AS)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
            .build())
        .withVolumes(volumes)
        .withContainers(new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(plugin.getImage())
            .withCommand(plugin.getCommand())
            .withArgs(plugin.getArgs())
            .withEnv(environment(task, hasSecret))
            .withResources(plugin.getResources())
            .withVolumeMounts(mounts)
            .withTerminationMessagePath(RESULT_FILE)
            // Only the result file: falling back to logs could carry whatever the plugin printed.
            .withTerminationMessagePolicy("File")
            .withSecurityContext(plugin.getSecurityContext() != null ? plugin.getSecurityContext() : restricted())
            .build())
        .endSpec()
        .build();
  }

  /** The restricted container security context of the Pod Security Standards. */
  public static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static List<EnvVar> environment(JobTask task, boolean hasSecret) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("SPACEONE_TASK_FILE").withValue(TASK_FILE).build());
    if (hasSecret) {
      env.add(new EnvVarBuilder().withName("SPACEONE_SECRET_DIR").withValue(SECRET_DIR).build());
    }
    env.add(new EnvVarBuilder().withName("SPACEONE_RESULT_FILE").withValue(RESULT_FILE).build());
    env.add(new EnvVarBuilder().withName("SPACEONE_JOB_ID").withValue(task.getSpec().getJobName()).build());
    env.add(new EnvVarBuilder().withName("SPACEONE_JOB_TASK_ID").withValue(task.getMetadata().getName()).build());
    if (task.getSpec().getPlugin().getEnv() != null) {
      env.addAll(task.getSpec().getPlugin().getEnv());
    }
    return env;
  }
}
