package dev.spaceone.operator.desired;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.PluginSpec;
import dev.spaceone.operator.api.v1alpha1.SinkType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
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
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pod of one task attempt, as the plugin contract describes it. A pure function of the task.
 *
 * <p>file protocol: the plugin is the only container. grpc protocol: the plugin image runs unchanged as a
 * native sidecar (an init container with restartPolicy Always, started once its port accepts connections), and
 * our runner is the main container: it calls the plugin on 127.0.0.1 and writes the result, so the pod ends
 * when the runner does. A Job its plugin divides gets a planning pod of the same shape, runner mode {@code plan}.
 */
public final class TaskPodBuilder {
  /** The plugin's container: the main one (file) or the sidecar (grpc). */
  public static final String CONTAINER = "plugin";
  /** The runner's container in a grpc pod. */
  public static final String RUNNER_CONTAINER = "runner";
  /** Holds a finished pod until its result is in the task's status, so no result is lost to a deletion. */
  public static final String RESULT_FINALIZER = "spaceone.dev/result-pending";
  /** Holds a planning pod until its plan is read and every task it names exists. */
  public static final String PLAN_FINALIZER = "spaceone.dev/plan-pending";
  /** Keeps a stopped, failed planning attempt's pod as the record of that attempt (see job.PlanningAttempts). */
  public static final String RETIRED_PLAN_FINALIZER = "spaceone.dev/plan-attempt-retired";
  public static final String TASK_JSON_ANNOTATION = "spaceone.dev/task-json";
  public static final String TASK_DIR = "/etc/spaceone/task";
  public static final String TASK_FILE = TASK_DIR + "/task.json";
  public static final String SECRET_DIR = "/etc/spaceone/secret";
  public static final String SINK_DIR = "/etc/spaceone/sink";
  public static final String RESULT_FILE = "/dev/termination-log";
  public static final String COLLECT = "collect";
  public static final String PLAN = "plan";
  /** The plugin has this long to accept connections (the probe starts once the image is pulled). */
  static final int STARTUP_PROBE_PERIOD_SECONDS = 1;
  static final int STARTUP_PROBE_FAILURES = 300;
  /** nobody: task pods run as non-root even when the image's user is root. */
  static final long RUN_AS = 65534L;

  private TaskPodBuilder() {
  }

  /** The pod of a task's attempt (counted from 1). */
  public static Pod build(JobTask task, int attempt, PluginRunner runner) {
    String taskName = task.getMetadata().getName();
    return pod(task, TaskNames.pod(taskName, attempt), Labels.forPod(taskName, task.getSpec(), attempt),
        TaskJson.render(task), RESULT_FINALIZER, owner(task), runner, COLLECT);
  }

  /**
   * The planning pod of a Job its plugin divides: the shape of a task pod, runner mode {@code plan}, owned by
   * the Job. {@code planning} stands for the Job's tasks (see {@link JobDivider#planning}); it is never created.
   */
  public static Pod buildPlanning(Job job, JobTask planning, PluginRunner runner) {
    return buildPlanning(job, planning, runner, 1);
  }

  /** {@link #buildPlanning(Job, JobTask, PluginRunner)} for planning attempt {@code attempt} (from 1). */
  public static Pod buildPlanning(Job job, JobTask planning, PluginRunner runner, int attempt) {
    return buildPlanning(job, planning, runner, TaskNames.planningPod(job.getMetadata().getName(), attempt));
  }

  /** {@link #buildPlanning(Job, JobTask, PluginRunner)} named {@code podName} (see {@link TaskNames#planningPod}). */
  public static Pod buildPlanning(Job job, JobTask planning, PluginRunner runner, String podName) {
    String taskJson = TaskJson.render(planning.getMetadata().getName(),
        TaskJson.planContent(planning, job.getSpec().getPlan()));
    return pod(planning, podName, Labels.forPlanningPod(planning.getSpec()), taskJson, PLAN_FINALIZER, owner(job), runner, PLAN);
  }

  /** The container whose termination message is the result: the runner's (grpc) or the plugin's (file). */
  public static String resultContainer(Pod pod) {
    boolean grpc = pod.getSpec() != null && pod.getSpec().getContainers() != null
        && pod.getSpec().getContainers().stream().anyMatch(c -> RUNNER_CONTAINER.equals(c.getName()));
    return grpc ? RUNNER_CONTAINER : CONTAINER;
  }

  /** The grpc plugin sidecar's port (its startup probe's), if the pod has one. */
  public static Optional<Integer> pluginPort(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getInitContainers() == null) {
      return Optional.empty();
    }
    return pod.getSpec().getInitContainers().stream().filter(c -> CONTAINER.equals(c.getName()))
        .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
        .map(p -> p.getContainerPort()).filter(Objects::nonNull).findFirst();
  }

  private static Pod pod(JobTask task, String podName, Map<String, String> labels, String taskJson,
      String finalizer, OwnerReference owner, PluginRunner runner, String mode) {
    JobTaskSpec spec = task.getSpec();
    PluginSpec plugin = spec.getPlugin();
    boolean hasSecret = spec.getSecretRef() != null;
    boolean hasSink = plugin.isGrpc() && spec.getSink() != null && spec.getSink().getType() == SinkType.POSTGRES
        && spec.getSink().getSecretRef() != null;

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
      volumes.add(secretVolume("secret", spec.getSecretRef().getName()));
      mounts.add(new VolumeMountBuilder().withName("secret").withMountPath(SECRET_DIR).withReadOnly(true).build());
    }
    if (hasSink) {
      volumes.add(secretVolume("sink", spec.getSink().getSecretRef().getName()));
      mounts.add(new VolumeMountBuilder().withName("sink").withMountPath(SINK_DIR).withReadOnly(true).build());
    }
    SecurityContext pluginSecurity = plugin.getSecurityContext() != null ? plugin.getSecurityContext() : restricted();

    List<EnvVar> env = new ArrayList<>();
    env.add(env("SPACEONE_TASK_FILE", TASK_FILE));
    if (hasSecret) {
      env.add(env("SPACEONE_SECRET_DIR", SECRET_DIR));
    }
    env.add(env("SPACEONE_RESULT_FILE", RESULT_FILE));
    env.add(env("SPACEONE_JOB_ID", spec.getJobName()));
    env.add(env("SPACEONE_JOB_TASK_ID", PLAN.equals(mode) ? "" : task.getMetadata().getName()));

    List<Container> initContainers = new ArrayList<>();
    Container main;
    if (plugin.isGrpc()) {
      int port = plugin.portOrDefault();
      env.add(env("SPACEONE_PLUGIN_ENDPOINT", "127.0.0.1:" + port));
      if (spec.getTimeoutSeconds() != null) {
        env.add(env("SPACEONE_TASK_TIMEOUT_SECONDS", String.valueOf(spec.getTimeoutSeconds())));
      }
      if (hasSink) {
        env.add(env("SPACEONE_SINK_DIR", SINK_DIR));
      }
      // The plugin gets nothing but its own env: options, secret_data and task_options travel in RPCs.
      initContainers.add(new ContainerBuilder()
          .withName(CONTAINER)
          .withImage(plugin.getImage())
          .withCommand(plugin.getCommand())
          .withArgs(plugin.getArgs())
          .withEnv(plugin.getEnv())
          .withResources(plugin.getResources())
          .withRestartPolicy("Always")
          .addNewPort().withName("grpc").withContainerPort(port).withProtocol("TCP").endPort()
          .withNewStartupProbe()
          .withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
          .withPeriodSeconds(STARTUP_PROBE_PERIOD_SECONDS)
          .withFailureThreshold(STARTUP_PROBE_FAILURES)
          .endStartupProbe()
          .withSecurityContext(pluginSecurity)
          .build());
      main = new ContainerBuilder()
          .withName(RUNNER_CONTAINER)
          .withImage(runner.image())
          .withCommand(runner.command())
          .withArgs(mode)
          .withEnv(env)
          .withVolumeMounts(mounts)
          .withTerminationMessagePath(RESULT_FILE)
          .withTerminationMessagePolicy("File")
          .withSecurityContext(restricted())
          .build();
    } else {
      if (plugin.getEnv() != null) {
        env.addAll(plugin.getEnv());
      }
      main = new ContainerBuilder()
          .withName(CONTAINER)
          .withImage(plugin.getImage())
          .withCommand(plugin.getCommand())
          .withArgs(plugin.getArgs())
          .withEnv(env)
          .withResources(plugin.getResources())
          .withVolumeMounts(mounts)
          .withTerminationMessagePath(RESULT_FILE)
          // Only the result file: falling back to logs could carry whatever the plugin printed.
          .withTerminationMessagePolicy("File")
          .withSecurityContext(pluginSecurity)
          .build();
    }

    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(task.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(Map.of(TASK_JSON_ANNOTATION, taskJson))
        .withFinalizers(finalizer)
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withActiveDeadlineSeconds(spec.getTimeoutSeconds())
        // A plugin image that ignores SIGTERM would hold the pod this long after the runner ended.
        .withTerminationGracePeriodSeconds(plugin.isGrpc() ? runner.podGraceSeconds() : null)
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
        .withInitContainers(initContainers)
        .withContainers(main)
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

  private static Volume secretVolume(String name, String secretName) {
    return new VolumeBuilder().withName(name)
        .withNewSecret().withSecretName(secretName).withDefaultMode(0440).endSecret().build();
  }

  /**
   * Whether a pod is this task's: its controlling owner is the task, by uid, as Kubernetes' controllers match
   * (a pod of an earlier task of the same name, deleted and created again, has the same name and owner name).
   */
  public static boolean isPodOf(Pod pod, HasMetadata task) {
    return pod.getMetadata().getOwnerReferences().stream().anyMatch(ref -> Boolean.TRUE.equals(ref.getController())
        && task.getMetadata().getUid() != null && task.getMetadata().getUid().equals(ref.getUid()));
  }

  private static OwnerReference owner(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
