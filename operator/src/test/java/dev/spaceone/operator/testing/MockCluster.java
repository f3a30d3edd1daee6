package dev.spaceone.operator.testing;

import dev.spaceone.operator.crd.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * The fabric8 mock API server in CRUD mode with the product's CRDs installed (so the status subresource is
 * enforced), one client per actor told apart by User-Agent, and a log of every request it served.
 */
public final class MockCluster implements AutoCloseable {
  public static final String OPERATOR_AGENT = "spaceone-job-operator";
  public static final String KUBELET_AGENT = "simulated-kubelet";
  public static final String TEST_AGENT = "test";
  private static final String SELF_RULES_REVIEW = "{\"apiVersion\":\"authorization.k8s.io/v1\","
      + "\"kind\":\"SelfSubjectRulesReview\",\"status\":{\"incomplete\":false,\"resourceRules\":"
      + "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}],\"nonResourceRules\":[]}}";
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** One request the mock served. */
  public record Request(String agent, String method, String path) {
    public boolean isWrite() {
      return WRITES.contains(method);
    }
  }

  private final KubernetesMockServer server;
  private final List<Request> requests = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final KubernetesClient admin;

  public MockCluster() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    Dispatcher recording = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String agent = request.getHeader("User-Agent");
        synchronized (requests) {
          requests.add(new Request(agent == null ? "" : agent, request.getMethod(), request.getPath()));
        }
        if (request.getPath().endsWith("/selfsubjectrulesreviews")) {
          // A real server answers this review for every user; the CRUD mock would store it. JOSDK's leader
          // election asks it at start-up to check the Lease permissions.
          return new MockResponse().setResponseCode(201).addHeader("Content-Type: application/json")
              .setBody(SELF_RULES_REVIEW);
        }
        return crud.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), recording, false);
    server.init();
    admin = client(TEST_AGENT);
    for (var type : CustomResourceDefinitions.RESOURCES) {
      admin.apiextensions().v1().customResourceDefinitions().resource(CustomResourceDefinitions.of(type)).create();
    }
  }

  /** A client that identifies itself with a User-Agent, so its requests can be told apart. */
  public KubernetesClient client(String agent) {
    KubernetesClient client = server.createClient(builder -> builder.editOrNewConfig().withUserAgent(agent)
        .withRequestRetryBackoffLimit(0).endConfig());
    clients.add(client);
    return client;
  }

  public KubernetesClient admin() {
    return admin;
  }

  public void createNamespace(String name) {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  public String url() {
    return server.url("/");
  }

  /** Every request served so far. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public long writes(String agent) {
    return requests().stream().filter(r -> r.agent().equals(agent) && r.isWrite()).count();
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}
