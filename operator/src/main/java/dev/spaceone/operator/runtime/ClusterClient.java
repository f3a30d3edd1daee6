package dev.spaceone.operator.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The operator's API client in a cluster. Its JSON mapping skips {@code metadata.managedFields}: nothing here
 * reads them, yet they are the largest and costliest part of most objects to decode (a tree of maps per field
 * manager; a third of a task pod's JSON), and every watch event carries them. An update sent without them keeps
 * the stored ones: the API server takes the live object's managedFields when a request has none.
 */
final class ClusterClient {
  private ClusterClient() {
  }

  @JsonIgnoreProperties({"managedFields"})
  abstract static class WithoutManagedFields {
  }

  static KubernetesClient create(String userAgent) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(Config.autoConfigure(null)).withUserAgent(userAgent).build())
        .withKubernetesSerialization(serialization())
        .build();
  }

  static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    return new KubernetesSerialization(mapper, true);
  }
}
