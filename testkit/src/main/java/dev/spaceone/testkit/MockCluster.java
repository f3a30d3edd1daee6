package dev.spaceone.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /**
   * One request the mock served.
   *
   * @param name for a POST, the name of the object in its body (null otherwise)
   * @param code the HTTP status the mock answered
   */
  public record Request(String agent, String method, String path, String name, int code) {
    public boolean isWrite() {
      return WRITES.contains(method);
    }

    /** Whether this request created an object of the given plural (e.g. "pods", "jobtasks"). */
    public boolean isCreate(String plural) {
      return method.equals("POST") && code < 300 && path.replaceAll("\\?.*$", "").endsWith("/" + plural);
    }
  }

  private final PodLogs podLogs = new PodLogs();
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
        String name = request.getMethod().equals("POST") ? nameInBody(request) : null;
        // A real server answers this review for every user; the CRUD mock would store it. JOSDK's leader
        // election asks it at start-up to check the Lease permissions.
        MockResponse response;
        if (request.getPath().endsWith("/selfsubjectrulesreviews")) {
          response = new MockResponse().setResponseCode(201).addHeader("Content-Type: application/json")
              .setBody(SELF_RULES_REVIEW);
        } else if (request.getMethod().equals("GET") && PodLogs.isLogPath(request.getPath())) {
          String log = podLogs.forPath(request.getPath());
          response = log == null ? new MockResponse().setResponseCode(404)
              : new MockResponse().setResponseCode(200).addHeader("Content-Type: text/plain").setBody(log);
        } else {
          response = crud.dispatch(request);
        }
        synchronized (requests) {
          requests.add(new Request(agent == null ? "" : agent, request.getMethod(), request.getPath(), name,
              response.code()));
        }
        return response;
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

  /** The pods' logs this mock serves through {@code pods/log}. */
  public PodLogs podLogs() {
    return podLogs;
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

  /** How many times each object of a plural was created (POSTed successfully) by an agent, by name. */
  public Map<String, Long> creations(String agent, String plural) {
    return requests().stream().filter(r -> r.agent().equals(agent) && r.isCreate(plural))
        .collect(Collectors.groupingBy(Request::name, TreeMap::new, Collectors.counting()));
  }

  /** How many POSTs of an object of a plural an agent sent, by name, whether they succeeded or not. */
  public Map<String, Long> posts(String agent, String plural) {
    return requests().stream().filter(r -> r.agent().equals(agent) && r.method().equals("POST")
            && r.path().replaceAll("\\?.*$", "").endsWith("/" + plural))
        .collect(Collectors.groupingBy(Request::name, TreeMap::new, Collectors.counting()));
  }

  private static String nameInBody(RecordedRequest request) {
    try {
      byte[] body = request.getBody() == null ? null : request.getBody().getBytes();
      if (body == null || body.length == 0) {
        return "";
      }
      return JSON.readTree(body).path("metadata").path("name").asText("");
    } catch (IOException | RuntimeException e) {
      return "";
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
