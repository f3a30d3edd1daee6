package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a task pod to its JobTask, and frees a pod that is being deleted after its JobTask is gone (the
 * garbage collector deletes a deleted task's pods): no reconcile runs for a task that no longer exists, and
 * without this the result finalizer would hold such a pod forever. Deletion is never blocked. The same for a
 * planning pod whose Job is gone (its plan and attempt finalizers).
 */
public class OrphanPodReleaser implements SecondaryToPrimaryMapper<Pod>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanPodReleaser.class);
  private final SecondaryToPrimaryMapper<Pod> owners = Mappers.fromOwnerReferences(JobTask.class);
  private final KubernetesClient client;
  private final IndexedResourceCache<JobTask> tasks;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "orphan-pod-releaser");
    thread.setDaemon(true);
    return thread;
  });

  public OrphanPodReleaser(KubernetesClient client, IndexedResourceCache<JobTask> tasks) {
    this.client = client;
    this.tasks = tasks;
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(Pod pod) {
    Set<ResourceID> ids = owners.toPrimaryResourceIDs(pod);
    boolean deleting = pod.getMetadata().getDeletionTimestamp() != null && PodFinalizers.holds(pod);
    // A task of the same name created again does not own the pod: the pod's owner is matched by uid.
    if (deleting && ids.stream().noneMatch(id -> tasks.get(id).filter(t -> TaskPodBuilder.isPodOf(pod, t)).isPresent())) {
      // Off the informer thread; the task is looked up on the server, since this cache may still be filling.
      executor.execute(() -> releaseIfOrphan(pod, ids));
    } else if (pod.getMetadata().getDeletionTimestamp() != null && (PodFinalizers.holds(pod, TaskPodBuilder.PLAN_FINALIZER)
        || PodFinalizers.holds(pod, TaskPodBuilder.RETIRED_PLAN_FINALIZER))) {
      executor.execute(() -> releaseIfJobGone(pod));
    }
    return ids;
  }

  /** A planning pod being deleted whose Job is gone: no Job reconcile will ever release it. */
  private void releaseIfJobGone(Pod pod) {
    try {
      for (var owner : pod.getMetadata().getOwnerReferences()) {
        Job job = client.resources(Job.class).inNamespace(pod.getMetadata().getNamespace()).withName(owner.getName())
            .get();
        if (job != null && TaskPodBuilder.isPodOf(pod, job)) {
          return;
        }
      }
      LOG.debug("releasing planning pod {}/{}: its Job is gone", pod.getMetadata().getNamespace(),
          pod.getMetadata().getName());
      // A planning pod holds one of the two at a time.
      PodFinalizers.release(client, pod, PodFinalizers.holds(pod, TaskPodBuilder.PLAN_FINALIZER)
          ? TaskPodBuilder.PLAN_FINALIZER : TaskPodBuilder.RETIRED_PLAN_FINALIZER);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release orphaned planning pod {}/{}: {}", pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), e.getMessage());
    }
  }

  private void releaseIfOrphan(Pod pod, Set<ResourceID> ids) {
    try {
      for (ResourceID id : ids) {
        JobTask task = client.resources(JobTask.class).inNamespace(id.getNamespace().orElse(null))
            .withName(id.getName()).get();
        if (task != null && TaskPodBuilder.isPodOf(pod, task)) {
          return;
        }
      }
      LOG.debug("releasing pod {}/{}: its task is gone", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      PodFinalizers.release(client, pod);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release orphaned pod {}/{}: {}", pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
