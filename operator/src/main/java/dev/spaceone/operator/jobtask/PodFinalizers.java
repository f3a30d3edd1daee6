package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** Releases the finalizer that holds a task pod until its result is recorded. */
public final class PodFinalizers {
  private static final int ATTEMPTS = 3;
  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return pod.getMetadata().getFinalizers() != null
        && pod.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER);
  }

  /**
   * Removes the finalizer from the latest copy of the pod. The kubelet writes a pod's status concurrently, so
   * a conflict is expected now and then: the edit is then made again on a fresh copy.
   */
  public static void release(KubernetesClient client, Pod pod) {
    if (!holds(pod)) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .edit(p -> {
              if (p.getMetadata().getFinalizers() != null) {
                p.getMetadata().getFinalizers().remove(TaskPodBuilder.RESULT_FINALIZER);
              }
              return p;
            });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
