package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.sandbox.ManifestLoader.Manifest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates the loaded manifests in the sandbox's API server, as {@code kubectl create} would: in their namespace (the
 * sandbox's when they name none), Namespaces made as needed. A Secret's {@code stringData} is merged into
 * {@code data} here, as kube-apiserver does on write (the mock does not). Query manifests are not objects: they are
 * returned for the sandbox to answer after the Jobs finished.
 */
final class ManifestApplier {
  /** A Job the sandbox follows. */
  record AppliedJob(String namespace, String name) {
  }

  /** What was applied: the Jobs to follow, the queries to answer, and what could not be created. */
  record Applied(List<AppliedJob> jobs, List<Manifest> queries, List<String> problems, List<String> created) {
  }

  private final KubernetesClient client;
  private final String defaultNamespace;
  private final java.util.function.Consumer<String> namespaceReady;

  /** @param namespaceReady waits until pods can be made in a new namespace */
  ManifestApplier(KubernetesClient client, String defaultNamespace, java.util.function.Consumer<String> namespaceReady) {
    this.client = client;
    this.defaultNamespace = defaultNamespace;
    this.namespaceReady = namespaceReady;
  }

  Applied apply(List<Manifest> manifests) {
    List<AppliedJob> jobs = new ArrayList<>();
    List<Manifest> queries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> created = new ArrayList<>();
    Set<String> namespaces = new LinkedHashSet<>();
    namespaces.add(defaultNamespace);
    for (Manifest m : manifests) {
      if (!m.isQuery() && !"Namespace".equals(m.kind())) {
        namespaces.add(namespaceOf(m));
      }
    }
    for (String ns : namespaces) {
      if (client.namespaces().withName(ns).get() == null) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      namespaceReady.accept(ns);
    }
    for (Manifest m : manifests) {
      if (m.isQuery()) {
        queries.add(m);
        continue;
      }
      if ("Namespace".equals(m.kind()) && namespaces.contains(m.name())) {
        created.add("namespace/" + m.name());
        continue;
      }
      try {
        HasMetadata object = object(m);
        if (!"Namespace".equals(m.kind())) {
          object.getMetadata().setNamespace(namespaceOf(m));
        }
        client.resource(object).create();
        created.add(m.kind().toLowerCase() + "/" + m.name());
        if (m.isJob()) {
          jobs.add(new AppliedJob(namespaceOf(m), m.name()));
        }
      } catch (KubernetesClientException e) {
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
            : e.getMessage();
        problems.add(m.where() + ": cannot be created: " + (e.getCode() == 409 ? "it already exists" : reason));
      } catch (RuntimeException e) {
        problems.add(m.where() + ": cannot be created: " + e.getMessage());
      }
    }
    return new Applied(jobs, queries, problems, created);
  }

  private String namespaceOf(Manifest m) {
    String ns = m.document().path("metadata").path("namespace").asText("");
    return ns.isEmpty() ? defaultNamespace : ns;
  }

  private static HasMetadata object(Manifest m) {
    JsonNode document = m.document();
    if (m.apiVersion().equals(Job.GROUP + "/" + Job.VERSION)) {
      if ("Job".equals(m.kind())) {
        return Serialization.jsonMapper().convertValue(document, Job.class);
      }
      if ("JobTask".equals(m.kind())) {
        return Serialization.jsonMapper().convertValue(document, JobTask.class);
      }
    }
    if ("v1".equals(m.apiVersion()) && "Secret".equals(m.kind())) {
      return secret((ObjectNode) document);
    }
    return Serialization.jsonMapper().convertValue(document, GenericKubernetesResource.class);
  }

  /** The Secret with stringData merged into data (stringData wins), as the API server stores it. */
  static Secret secret(ObjectNode document) {
    Secret secret = Serialization.jsonMapper().convertValue(document, Secret.class);
    Map<String, String> data = new LinkedHashMap<>(secret.getData() == null ? Map.of() : secret.getData());
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k,
          Base64.getEncoder().encodeToString((v == null ? "" : v).getBytes(StandardCharsets.UTF_8))));
    }
    secret.setData(data);
    secret.setStringData(null);
    return secret;
  }
}
