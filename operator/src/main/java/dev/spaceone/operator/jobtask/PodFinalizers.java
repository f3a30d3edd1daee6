package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;

/** Releases the finalizer that holds a task pod until its result is recorded. */
public final class PodFinalizers {
  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return pod.getMetadata().getFinalizers() != null
        && pod.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER);
  }

  /**
   * Removes the finalizer with an update guarded by the copy's resourceVersion, so that a stale copy cannot
   * undo another change. The kubelet writes a pod's status concurrently, so a conflict is expected now and
   * then: the pod is read again and the update retried, up to three times. Returns the pod as stored, or null when
   * there was nothing to release.
   */
  public static Pod release(KubernetesClient client, Pod pod) {
    Pod current = pod;
    for (int attempt = 1; current != null && holds(current); attempt++) {
      Pod released = Serialization.clone(current);
      released.getMetadata().getFinalizers().remove(TaskPodBuilder.RESULT_FINALIZER);
      try {
        return client.resource(released).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return null;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == 3) {
          throw e;
        }
        current = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .get();
      }
    }
    return null;
  }
}
