package dev.spaceone.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.Objects;

/**
 * The one place statuses are written: through the status subresource, with the resourceVersion the
 * caller saw. On a conflict it reads the resource again: when only what others own changed (spec, metadata),
 * it writes the same status onto the fresh copy; when the status itself changed, the caller computed from a
 * stale copy, so nothing is written and the change's own event reconciles the resource again.
 */
public final class StatusRecorder {
  private static final int ATTEMPTS = 3;
  private final KubernetesClient client;

  public StatusRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** Whether two statuses differ in anything but {@code updatedAt}. */
  public static boolean sameIgnoringUpdatedAt(Object a, Object b) {
    return Objects.equals(withoutUpdatedAt(a), withoutUpdatedAt(b));
  }

  /**
   * Writes {@code status} as the resource's status and returns the stored resource, or null when the
   * resource is gone or its status moved on since the caller read it.
   */
  public <S, R extends CustomResource<?, S>> R record(R resource, S status) {
    R target = resource;
    for (int attempt = 1; ; attempt++) {
      R copy = Serialization.clone(target);
      copy.setStatus(status);
      try {
        return client.resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return null;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
        target = client.resource(resource).get();
        if (target == null || !sameIgnoringUpdatedAt(target.getStatus(), resource.getStatus())) {
          return null;
        }
      }
    }
  }

  private static JsonNode withoutUpdatedAt(Object status) {
    if (status == null) {
      return null;
    }
    JsonNode tree = Serialization.jsonMapper().valueToTree(status);
    if (tree instanceof ObjectNode object) {
      object.remove("updatedAt");
    }
    return tree;
  }
}
