package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** Releases the finalizer that holds a task pod until its result is recorded. */
public final class PodFinalizers {
  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return pod.getMetadata().getFinalizers() != null
        && pod.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER);
  }

  public static void release(KubernetesClient client, Pod pod) {
    if (!holds(pod)) {
      return;
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .edit(p -> {
            p.getMetadata().getFinalizers().remove(TaskPodBuilder.RESULT_FINALIZER);
            return p;
          });
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }
}
