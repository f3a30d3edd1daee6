package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;

/**
 * Releases the finalizer that holds a task pod until its result is recorded, and stops a judged pod whose runner
 * never started (it could still start later and collect beside the next attempt).
 */
public final class PodFinalizers {
  /** A JSON patch whose test failed. */
  private static final int UNPROCESSABLE = 422;

  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return holds(pod, TaskPodBuilder.RESULT_FINALIZER);
  }

  public static boolean holds(Pod pod, String finalizer) {
    return pod.getMetadata().getFinalizers() != null && pod.getMetadata().getFinalizers().contains(finalizer);
  }

  /**
   * Removes the finalizer with a JSON patch that first tests it is still at the index this copy shows, so that a
   * stale copy cannot remove another finalizer. Unlike an update guarded by the resourceVersion, the patch does not
   * conflict with the kubelet's status writes, and it sends a few bytes instead of the whole pod. When the test
   * fails (the finalizers changed meanwhile) the pod is read again and the patch retried, up to three times.
   * Returns the pod as stored, or null when there was nothing to release.
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
   * finalizer's place in the same patch: the pod is never without either.
   */
  public static Pod replace(KubernetesClient client, Pod pod, String finalizer, String replacement) {
    Pod current = pod;
    for (int attempt = 1; current != null && holds(current, finalizer); attempt++) {
      int index = current.getMetadata().getFinalizers().indexOf(finalizer);
      String patch = "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/" + index + "\",\"value\":\"" + finalizer
          + "\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/" + index + "\"}"
          + (replacement == null || current.getMetadata().getFinalizers().contains(replacement) ? ""
              : ",{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"" + replacement + "\"}")
          + "]";
      try {
        return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), patch);
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return null;
        }
        if (e.getCode() != UNPROCESSABLE || attempt == 3) {
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
