package dev.spaceone.operator.task;

import dev.spaceone.operator.api.Labels;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NetworkPolicy that keeps a grpc plugin's port (plain text, unauthenticated: any caller could make it
 * collect with its own secret) unreachable from other pods: no ingress at all to the operator's pods in a
 * namespace. The runner reaches its plugin over the pod's loopback, which no NetworkPolicy filters, and the
 * kubelet's startup probe comes from the node, which policies allow. Created in a namespace before its first
 * grpc pod; never deleted (it selects only the operator's pods). Made here, not in the chart, because the
 * operator may watch every namespace.
 */
public final class PluginPortPolicy {
  public static final String NAME = "spaceone-task-pods-deny-ingress";
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  /** The policy of a namespace. A pure function. */
  public static NetworkPolicy desired(String namespace) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(Map.of(Labels.MANAGED_BY, Labels.OPERATOR))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector().withMatchLabels(Map.of(Labels.MANAGED_BY, Labels.OPERATOR)).endPodSelector()
        // Ingress listed with no rules: nothing may connect in.
        .withPolicyTypes("Ingress")
        .endSpec()
        .build();
  }

  /** Creates the namespace's policy unless this process did already; one that exists is left as it is. */
  public void ensure(KubernetesClient client, String namespace) {
    if (ensured.contains(namespace)) {
      return;
    }
    try {
      client.network().v1().networkPolicies().inNamespace(namespace).resource(desired(namespace)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    ensured.add(namespace);
  }
}
