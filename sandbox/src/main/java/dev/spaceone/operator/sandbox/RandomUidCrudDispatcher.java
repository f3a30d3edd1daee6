package dev.spaceone.operator.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.UUID;

/**
 * fabric8's CRUD mock, except that each object gets a random uid when it is created, as kube-apiserver gives it.
 * fabric8 numbers uids {@code new UUID(0, n)} from a JVM-wide counter starting at 1, so every sandbox run would hand
 * out the same uids in the same order; what outlives a run relies on uids being unique in time and space (the
 * resource store tells two runs of a Job apart by the Job's uid).
 */
final class RandomUidCrudDispatcher extends KubernetesCrudDispatcher {
  /** The stored form of the object the current create request made (the create's answer must show the same). */
  private final ThreadLocal<String> created = new ThreadLocal<>();

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    created.remove();
    try {
      MockResponse response = super.handleCreate(request);
      String stored = created.get();
      return stored != null && response.code() == 201 ? response.setBody(stored) : response;
    } finally {
      created.remove();
    }
  }

  /** A create is the one event with no previous object: the object is stored (and watched) with its new uid. */
  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    String state = newState;
    if (oldAttributes == null && resource != null && newState != null) {
      resource.getMetadata().setUid(UUID.randomUUID().toString());
      state = Serialization.asJson(resource);
      created.set(state);
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, state);
  }
}
