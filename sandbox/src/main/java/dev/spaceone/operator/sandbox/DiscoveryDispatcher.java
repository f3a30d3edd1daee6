package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.query.QueryKind;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the fabric8 CRUD mock lacks for kubectl: API discovery ({@code /version}, {@code /api}, {@code /apis} and the
 * resource lists of the groups the sandbox uses, with the CRDs' short names and categories, so that
 * {@code kubectl get sjob,sjt} works), and the query API group ({@code query.spaceone.dev}), forwarded to the
 * sandbox's query server as kube-apiserver forwards it through the APIService (here with the sandbox user's client
 * certificate, the mock having no authentication of its own). Everything else goes to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends Dispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUERY_PREFIX = "/apis/" + QueryKind.GROUP;
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final String OPENAPI_V3 = "/openapi/v3";
  private static final String QUERY_GV = "apis/" + QueryKind.API_VERSION;
  /** The documents never change while the sandbox runs: one hash for all. */
  private static final String HASH = java.util.UUID.randomUUID().toString().replace("-", "").toUpperCase();

  private final Dispatcher crud;
  private final ObjectNode spaceoneDocument = OpenApiDocuments.spaceone();
  private final ObjectNode coreDocument = OpenApiDocuments.core();
  /** {@code /api/v1/namespaces/NS/pods/NAME/log}. */
  private static final java.util.regex.Pattern POD_LOG =
      java.util.regex.Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log$");
  private volatile PodLogSource podLogs;
  private volatile HttpClient queryClient;
  private volatile String queryUrl;

  DiscoveryDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  /** What a container printed, as a kubelet keeps it: null when unknown. */
  @FunctionalInterface
  interface PodLogSource {
    String log(String namespace, String pod, String container);
  }

  /** Where {@code pods/log} is read from (the mock has no kubelet behind it). */
  void serveLogs(PodLogSource source) {
    this.podLogs = source;
  }

  /** Where {@code query.spaceone.dev} requests go, once the query server runs. */
  void forwardQueries(String url, HttpClient client) {
    this.queryUrl = url;
    this.queryClient = client;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (bare.length() > 1 && bare.endsWith("/")) {
      bare = bare.substring(0, bare.length() - 1);
    }
    if (bare.equals(QUERY_PREFIX) || bare.startsWith(QUERY_PREFIX + "/")) {
      return forward(request);
    }
    if ("GET".equals(request.getMethod())) {
      java.util.regex.Matcher log = POD_LOG.matcher(bare);
      if (log.matches() && podLogs != null) {
        String container = java.util.Arrays.stream(path.contains("?") ? path.substring(path.indexOf('?') + 1).split("&")
                : new String[0]).filter(p -> p.startsWith("container=")).map(p -> p.substring("container=".length()))
            .findFirst().orElse(null);
        String text = podLogs.log(log.group(1), log.group(2), container);
        return text == null ? new MockResponse().setResponseCode(404)
            : new MockResponse().setResponseCode(200).addHeader("Content-Type", "text/plain").setBody(text);
      }
      // OpenAPI: v3 of this server's kinds (see OpenApiDocuments) and of the query group (the query server's);
      // v2, which kubectl reads to validate query manifests, is the query server's.
      if (bare.equals("/openapi/v2") || bare.equals(OPENAPI_V3 + "/" + QUERY_GV)) {
        return forward(request);
      }
      if (bare.equals(OPENAPI_V3)) {
        return json(openApiRoot());
      }
      if (bare.equals(OPENAPI_V3 + "/" + OpenApiDocuments.SPACEONE)) {
        return json(spaceoneDocument);
      }
      if (bare.equals(OPENAPI_V3 + "/" + OpenApiDocuments.CORE)) {
        return json(coreDocument);
      }
      switch (bare) {
        case "/version" -> {
          return json(version());
        }
        case "/api" -> {
          return json(apiVersions());
        }
        case "/apis" -> {
          return json(apiGroups());
        }
        case "/api/v1" -> {
          return json(resources("v1", List.of(
              resource("namespaces", "Namespace", false, List.of("ns"), List.of()),
              resource("pods", "Pod", true, List.of("po"), List.of("all")),
              resource("pods/status", "Pod", true, List.of(), List.of()),
              resource("secrets", "Secret", true, List.of(), List.of()),
              resource("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
              resource("events", "Event", true, List.of("ev"), List.of()),
              resource("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of()))));
        }
        case "/apis/" + Job.GROUP + "/" + Job.VERSION -> {
          return json(resources(Job.GROUP + "/" + Job.VERSION, List.of(
              resource("jobs", "Job", true, List.of("sjob"), List.of("spaceone")),
              resource("jobs/status", "Job", true, List.of(), List.of()),
              resource("jobtasks", "JobTask", true, List.of("sjt"), List.of("spaceone")),
              resource("jobtasks/status", "JobTask", true, List.of(), List.of()))));
        }
        case "/apis/apiextensions.k8s.io/v1" -> {
          return json(resources("apiextensions.k8s.io/v1", List.of(
              resource("customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds"),
                  List.of()))));
        }
        case "/apis/events.k8s.io/v1" -> {
          return json(resources("events.k8s.io/v1", List.of(resource("events", "Event", true, List.of("ev"),
              List.of()))));
        }
        case "/apis/coordination.k8s.io/v1" -> {
          return json(resources("coordination.k8s.io/v1", List.of(resource("leases", "Lease", true, List.of(),
              List.of()))));
        }
        default -> {
          // objects: the CRUD dispatcher
        }
      }
    }
    return crud.dispatch(request);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  private MockResponse forward(RecordedRequest request) {
    HttpClient client = queryClient;
    if (client == null) {
      return json(503, status(503, "ServiceUnavailable", "the sandbox's query API is not running yet"));
    }
    try {
      String body = request.getUtf8Body();
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(queryUrl + request.getPath()))
          .timeout(Duration.ofSeconds(30))
          .method(request.getMethod(), body == null || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      for (String header : List.of("Content-Type", "Accept")) {
        String value = request.getHeader(header);
        if (value != null) {
          builder.header(header, value);
        }
      }
      HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      MockResponse out = new MockResponse().setResponseCode(response.statusCode()).setBody(response.body());
      response.headers().firstValue("Content-Type").ifPresent(v -> out.setHeader("Content-Type", v));
      return out;
    } catch (java.io.IOException e) {
      return json(503, status(503, "ServiceUnavailable", "the sandbox's query API did not answer: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return json(503, status(503, "ServiceUnavailable", "interrupted"));
    }
  }

  private ObjectNode openApiRoot() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    List<String> groups = new java.util.ArrayList<>(List.of(OpenApiDocuments.CORE, OpenApiDocuments.SPACEONE));
    if (queryClient != null) {
      groups.add(QUERY_GV);
    }
    groups.forEach(gv -> paths.putObject(gv).put("serverRelativeURL", OPENAPI_V3 + "/" + gv + "?hash=" + HASH));
    return root;
  }

  private static ObjectNode version() {
    ObjectNode v = JSON.createObjectNode();
    v.put("major", "1").put("minor", "33").put("gitVersion", "v1.33.0-spaceone-sandbox")
        .put("platform", "sandbox/fabric8-mock");
    return v;
  }

  private static ObjectNode apiVersions() {
    ObjectNode v = JSON.createObjectNode().put("kind", "APIVersions");
    v.putArray("versions").add("v1");
    v.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", "127.0.0.1");
    return v;
  }

  private static ObjectNode apiGroups() {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    for (Map.Entry<String, String> g : Map.of(Job.GROUP, Job.VERSION, QueryKind.GROUP, QueryKind.VERSION,
        "apiextensions.k8s.io", "v1", "events.k8s.io", "v1", "coordination.k8s.io", "v1").entrySet().stream()
        .sorted(Map.Entry.comparingByKey()).toList()) {
      ObjectNode group = groups.addObject().put("name", g.getKey());
      String gv = g.getKey() + "/" + g.getValue();
      group.putArray("versions").addObject().put("groupVersion", gv).put("version", g.getValue());
      group.putObject("preferredVersion").put("groupVersion", gv).put("version", g.getValue());
    }
    return list;
  }

  private static ObjectNode resources(String groupVersion, List<ObjectNode> resources) {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", groupVersion);
    list.putArray("resources").addAll(resources);
    return list;
  }

  private static ObjectNode resource(String name, String kind, boolean namespaced, List<String> shortNames,
      List<String> categories) {
    boolean sub = name.contains("/");
    ObjectNode r = JSON.createObjectNode().put("name", name).put("singularName", sub ? "" : kind.toLowerCase())
        .put("namespaced", namespaced).put("kind", kind);
    ArrayNode verbs = r.putArray("verbs");
    (sub ? List.of("get", "patch", "update") : ALL_VERBS).forEach(verbs::add);
    if (!shortNames.isEmpty()) {
      shortNames.forEach(r.putArray("shortNames")::add);
    }
    if (!categories.isEmpty()) {
      categories.forEach(r.putArray("categories")::add);
    }
    return r;
  }

  private static ObjectNode status(int code, String reason, String message) {
    return JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("code", code).put("reason", reason).put("message", message);
  }

  private static MockResponse json(Object body) {
    return json(200, body);
  }

  private static MockResponse json(int code, Object body) {
    try {
      return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
