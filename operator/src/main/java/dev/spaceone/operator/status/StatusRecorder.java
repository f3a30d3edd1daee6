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
 * caller saw. On a conflict it reads the resource again and writes the same status onto the fresh copy:
 * each status has one writer, so the newer copy differs only in what others own (spec, metadata).
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
   * resource is gone.
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
        if (target == null) {
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
