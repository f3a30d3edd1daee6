package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.task.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;

/** Releases the finalizer that holds a task pod until its result is recorded. */
public final class PodFinalizers {
  private PodFinalizers() {
  }

  public static boolean holds(Pod pod) {
    return pod.getMetadata().getFinalizers() != null
        && pod.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER);
  }

  /**
   * Removes the finalizer in one request: a JSON patch that first tests the finalizer is where this copy
   * of the pod has it, so a stale copy cannot remove another finalizer. Returns the pod as stored, or null
   * when there was nothing to release.
   */
  public static Pod release(KubernetesClient client, Pod pod) {
    if (!holds(pod)) {
      return null;
    }
    int index = pod.getMetadata().getFinalizers().indexOf(TaskPodBuilder.RESULT_FINALIZER);
    String path = "/metadata/finalizers/" + index;
    String patch = "[{\"op\":\"test\",\"path\":\"" + path + "\",\"value\":\"" + TaskPodBuilder.RESULT_FINALIZER
        + "\"},{\"op\":\"remove\",\"path\":\"" + path + "\"}]";
    var resource = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
    try {
      return resource.patch(PatchContext.of(PatchType.JSON), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return null;
      }
      if (e.getCode() != 422) {
        throw e;
      }
      // The copy was stale: release from a fresh one.
      Pod fresh = resource.get();
      return fresh == null || !holds(fresh) ? null : resource.edit(p -> {
        p.getMetadata().setFinalizers(List.copyOf(p.getMetadata().getFinalizers().stream()
            .filter(f -> !f.equals(TaskPodBuilder.RESULT_FINALIZER)).toList()));
        return p;
      });
    }
  }
}
