package dev.spaceone.testkit;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.function.Consumer;

/**
 * The mock API server has no garbage collector: this one deletes a deleted Job's JobTasks and planning pods and a
 * deleted JobTask's pods, by ownerReference uid, as Kubernetes' background deletion does (so {@code kubectl delete sjob} works in a
 * sandbox left running, and in the tests on the mock).
 */
public final class LocalGarbageCollector implements AutoCloseable {
  private final KubernetesClient client;
  private final List<SharedIndexInformer<?>> informers;

  public LocalGarbageCollector(KubernetesClient client) {
    this.client = client;
    this.informers = List.of(
        client.resources(Job.class).inAnyNamespace().inform(onDelete(owner -> {
          deleteOwned(JobTask.class, owner);
          deleteOwned(Pod.class, owner);
        })),
        client.resources(JobTask.class).inAnyNamespace().inform(onDelete(owner -> deleteOwned(Pod.class, owner))));
  }

  private <T extends HasMetadata> void deleteOwned(Class<T> type, HasMetadata owner) {
    try {
      client.resources(type).inNamespace(owner.getMetadata().getNamespace()).list().getItems().stream()
          .filter(item -> item.getMetadata().getOwnerReferences().stream()
              .anyMatch(ref -> ref.getUid().equals(owner.getMetadata().getUid())))
          .forEach(item -> client.resource(item).delete());
    } catch (KubernetesClientException e) {
      // The server is going away (sandbox shutdown): nothing left to collect.
    }
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> onDelete(Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        action.accept(obj);
      }
    };
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
