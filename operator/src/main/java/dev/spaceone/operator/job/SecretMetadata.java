package dev.spaceone.operator.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Lists the Secrets of a namespace as metadata only ({@code PartialObjectMetadataList}): the operator divides
 * Jobs by Secret labels and never needs, nor reads, a Secret's data. Selectors are matched here, in code,
 * so that set-based selectors behave the same on every API server.
 */
public final class SecretMetadata {
  static final String ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 500;

  private SecretMetadata() {
  }

  /** Metadata of every Secret in the namespace. */
  public static List<ObjectMeta> list(KubernetesClient client, String namespace) {
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString().replaceAll("/$", "")
        + "/api/v1/namespaces/" + namespace + "/secrets?limit=" + PAGE;
    List<ObjectMeta> result = new ArrayList<>();
    String next = null;
    do {
      String url = next == null ? base : base + "&continue=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
      HttpRequest request = http.newHttpRequestBuilder().uri(url).header("Accept", ACCEPT).build();
      JsonNode page;
      try {
        HttpResponse<String> response = http.sendAsync(request, String.class).get();
        if (!response.isSuccessful()) {
          throw new KubernetesClientException("listing Secret metadata in " + namespace + " failed with HTTP "
              + response.code(), response.code(), null);
        }
        page = JSON.readTree(response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KubernetesClientException("interrupted while listing Secret metadata", e);
      } catch (ExecutionException | IOException e) {
        throw new KubernetesClientException("listing Secret metadata in " + namespace + " failed", e);
      }
      // Only metadata is kept; a server that ignores the Accept header sends data, which is dropped here.
      for (JsonNode item : page.path("items")) {
        result.add(JSON.convertValue(item.path("metadata"), ObjectMeta.class));
      }
      next = page.path("metadata").path("continue").asText(null);
    } while (next != null && !next.isEmpty());
    return result;
  }

  /** Whether labels match a label selector, with set-based requirements. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
        if (!wanted.getValue().equals(actual.get(wanted.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        String value = actual.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        boolean ok = switch (requirement.getOperator()) {
          case "In" -> value != null && values.contains(value);
          case "NotIn" -> value == null || !values.contains(value);
          case "Exists" -> value != null;
          case "DoesNotExist" -> value == null;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
