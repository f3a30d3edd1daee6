package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;

/**
 * Releases the finalizer that holds a task pod until its result is recorded, and stops a judged pod whose runner
 * never started (it could still start later and collect beside the next attempt).
 */
public final class PodFinalizers {
  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return holds(pod, TaskPodBuilder.RESULT_FINALIZER);
  }

  public static boolean holds(Pod pod, String finalizer) {
    return pod.getMetadata().getFinalizers() != null && pod.getMetadata().getFinalizers().contains(finalizer);
  }

  /**
   * Removes the finalizer with an update guarded by the copy's resourceVersion, so that a stale copy cannot
   * undo another change. The kubelet writes a pod's status concurrently, so a conflict is expected now and
   * then: the pod is read again and the update retried, up to three times. Returns the pod as stored, or null when
   * there was nothing to release.
   */
  public static Pod release(KubernetesClient client, Pod pod) {
    return release(client, pod, TaskPodBuilder.RESULT_FINALIZER);
  }

  /** {@link #release(KubernetesClient, Pod)} for another of the operator's finalizers. */
  public static Pod release(KubernetesClient client, Pod pod, String finalizer) {
    return replace(client, pod, finalizer, null);
  }

  /**
   * {@link #release(KubernetesClient, Pod)} that puts {@code replacement} (when not null) in the released
   * finalizer's place in the same update: the pod is never without either.
   */
  public static Pod replace(KubernetesClient client, Pod pod, String finalizer, String replacement) {
    Pod current = pod;
    for (int attempt = 1; current != null && holds(current, finalizer); attempt++) {
      Pod released = Serialization.clone(current);
      released.getMetadata().getFinalizers().remove(finalizer);
      if (replacement != null && !released.getMetadata().getFinalizers().contains(replacement)) {
        released.getMetadata().getFinalizers().add(replacement);
      }
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

  /** Deletes a pod whose attempt was judged but whose runner may still start ({@link PodOutcomes#mayStillRun}). */
  public static void stopIfMayStillRun(KubernetesClient client, Pod pod) {
    if (!PodOutcomes.mayStillRun(pod)) {
      return;
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }
}
