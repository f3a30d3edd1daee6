package dev.spaceone.operator.testing;

import dev.spaceone.operator.task.Labels;
import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Stands in for the kubelet, which the mock lacks: moves task pods Pending -> Running -> Succeeded/Failed,
 * writes the plugin's termination message, fails a pod at its activeDeadlineSeconds (reason
 * DeadlineExceeded) and kills a running pod that is being deleted. It also observes how many pods of each
 * Job are alive (not yet ended) at once.
 */
public final class SimulatedKubelet implements AutoCloseable {
  /**
   * What the plugin in a pod does: runs this long, then exits with this code and result file, having printed
   * {@code log} (null: nothing).
   */
  public record PluginRun(Duration runTime, int exitCode, String result, String log) {
    public PluginRun(Duration runTime, int exitCode, String result) {
      this(runTime, exitCode, result, null);
    }

    public static PluginRun succeeds(Duration runTime, String result) {
      return new PluginRun(runTime, 0, result);
    }
  }

  private final KubernetesClient client;
  private final Function<Pod, PluginRun> plugin;
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(16);
  private final Map<String, String> aliveJobByPod = new ConcurrentHashMap<>();
  private final Map<String, Integer> maxAliveByJob = new ConcurrentHashMap<>();
  private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Pod> informer;
  private final PodLogs logs;

  public SimulatedKubelet(KubernetesClient client, Function<Pod, PluginRun> plugin) {
    this(client, plugin, new PodLogs());
  }

  /** @param logs where the plugins' output goes (what the API server serves as pods/log) */
  public SimulatedKubelet(KubernetesClient client, Function<Pod, PluginRun> plugin, PodLogs logs) {
    this.client = client;
    this.plugin = plugin;
    this.logs = logs;
    this.informer = client.pods().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            admit(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            admit(pod);
            if (pod.getMetadata().getDeletionTimestamp() != null) {
              end(pod, 137, "", "Error", null);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            aliveJobByPod.remove(key(pod));
          }
        });
  }

  /** The most pods of a Job that were alive at once. */
  public int maxAlive(String jobName) {
    return maxAliveByJob.getOrDefault(jobName, 0);
  }

  public int aliveNow() {
    return aliveJobByPod.size();
  }

  private void admit(Pod pod) {
    if (seen.putIfAbsent(pod.getMetadata().getUid(), true) != null || isEnded(pod)) {
      return;
    }
    String job = pod.getMetadata().getLabels().get(Labels.JOB);
    aliveJobByPod.put(key(pod), job);
    int alive = (int) aliveJobByPod.values().stream().filter(job::equals).count();
    maxAliveByJob.merge(job, alive, Math::max);
    PluginRun run = plugin.apply(pod);
    if (run.log() != null) {
      logs.put(pod, run.log());
    }
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    if (deadline != null && run.runTime().compareTo(Duration.ofSeconds(deadline)) > 0) {
      executor.execute(() -> running(pod));
      executor.schedule(() -> end(pod, 137, "", "Error", "DeadlineExceeded"), deadline, TimeUnit.SECONDS);
    } else if (run.runTime().isZero()) {
      executor.execute(() -> end(pod, run.exitCode(), run.result(), run.exitCode() == 0 ? "Completed" : "Error", null));
    } else {
      executor.execute(() -> running(pod));
      executor.schedule(() -> end(pod, run.exitCode(), run.result(), run.exitCode() == 0 ? "Completed" : "Error",
          null), run.runTime().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void running(Pod pod) {
    if (!aliveJobByPod.containsKey(key(pod))) {
      return;
    }
    editStatus(pod, status -> {
      if ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase())) {
        return; // the plugin already ended: a late "running" must not undo that
      }
      status.setPhase("Running");
      status.setStartTime(now());
      status.setContainerStatuses(java.util.List.of(new ContainerStatusBuilder()
          .withName(TaskPodBuilder.resultContainer(pod))
          .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build()));
    });
  }

  private void end(Pod pod, int exitCode, String message, String reason, String podReason) {
    if (aliveJobByPod.remove(key(pod)) == null) {
      return;
    }
    ContainerStatus container = new ContainerStatusBuilder().withName(TaskPodBuilder.resultContainer(pod))
        .withNewState().withNewTerminated().withExitCode(exitCode).withMessage(message).withReason(reason)
        .withFinishedAt(now()).endTerminated().endState().build();
    editStatus(pod, status -> {
      status.setPhase(exitCode == 0 && podReason == null ? "Succeeded" : "Failed");
      status.setReason(podReason);
      status.setContainerStatuses(java.util.List.of(container));
    });
  }

  /** Changes a pod's status on the latest copy, again on a conflict, as the kubelet's status manager does. */
  private void editStatus(Pod pod, java.util.function.Consumer<PodStatus> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .editStatus(p -> {
              if (p.getStatus() == null) {
                p.setStatus(new PodStatus());
              }
              change.accept(p.getStatus());
              return p;
            });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static boolean isEnded(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    informer.close();
    executor.shutdownNow();
  }
}
