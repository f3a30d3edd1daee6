package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.query.AuthenticationConfig;
import dev.spaceone.operator.query.Authorizer;
import dev.spaceone.operator.query.QueryKind;
import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.operator.query.RecordStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The operator's query API ({@code query.spaceone.dev}), run by the sandbox as the operator runs it: the same
 * {@link QueryServer} over the operator's own {@link RecordStore} (fed by its informers), with the sandbox's
 * certificates.
 * There is no kube-apiserver in front of it, so there is no front-proxy: callers authenticate with the sandbox's
 * client certificate (x509), and the authorizer admits that one user (the sandbox has one user, an admin).
 */
final class SandboxQueryApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final QueryServer server;
  private final SandboxPki pki;
  private final HttpClient http;
  private String host = "127.0.0.1";

  private SandboxQueryApi(QueryServer server, SandboxPki pki, javax.net.ssl.SSLContext caller) {
    this.server = server;
    this.pki = pki;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(caller)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * On the mock, which has no authentication: the server trusts the sandbox CA's client certificates and authorizes
   * the sandbox user only.
   */
  static SandboxQueryApi onTheMock(RecordStore store, SandboxPki pki) throws IOException {
    AuthenticationConfig authentication = new AuthenticationConfig(List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(pki.ca.certificate()));
    Authorizer onlyTheSandboxUser = (user, request) -> SandboxPki.USER.equals(user.name())
        ? Authorizer.Decision.ALLOW : new Authorizer.Decision(false, "only " + SandboxPki.USER + " may query");
    return new SandboxQueryApi(QueryServer.start(config(pki), () -> authentication, onlyTheSandboxUser, store, Clock.systemUTC()),
        pki, pki.clientContext());
  }

  /**
   * On a real API server, as the operator runs it in a cluster: authentication from
   * kube-system/extension-apiserver-authentication, authorization by SubjectAccessReview; the sandbox calls it with
   * {@code caller} (a client certificate of the API server's client CA, trusting the sandbox CA).
   */
  static SandboxQueryApi asInACluster(KubernetesClient client, RecordStore store, SandboxPki pki,
      javax.net.ssl.SSLContext caller, String bindAddress) throws IOException {
    SandboxQueryApi api = new SandboxQueryApi(
        QueryServer.start(config(pki).withBindAddress(bindAddress), client, store, Clock.systemUTC()), pki,
        caller);
    api.host = bindAddress;
    return api;
  }

  private static QueryServerConfig config(SandboxPki pki) {
    return QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withThreads(2)
        .withTlsDir(pki.tlsDir);
  }

  int port() {
    return server.port();
  }

  /** The client that talks to the query server as the sandbox user. */
  HttpClient http() {
    return http;
  }

  String url() {
    return "https://" + host + ":" + server.port();
  }

  SandboxPki pki() {
    return pki;
  }

  /**
   * Creates a query object (Search, Stat or Analysis) in a namespace, as kubectl would, and returns the answer:
   * the object with its status, or the Status of an error.
   */
  JsonNode create(String namespace, JsonNode query) throws IOException, InterruptedException {
    String kind = query.path("kind").asText();
    QueryKind queryKind = java.util.Arrays.stream(QueryKind.values()).filter(k -> k.kind().equals(kind)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a query kind: " + kind));
    String ns = query.path("metadata").path("namespace").asText(namespace);
    URI uri = URI.create(url() + "/apis/" + QueryKind.API_VERSION + "/namespaces/" + ns + "/" + queryKind.plural());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(query))).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** The tasks of a Job grouped by status, with the number of tasks and the sum of created_count in each. */
  JsonNode tasksByStatus(String namespace, String job) throws IOException, InterruptedException {
    ObjectNode stat = JSON.createObjectNode();
    stat.put("apiVersion", QueryKind.API_VERSION).put("kind", "Stat");
    stat.putObject("metadata").put("name", job + "-tasks-by-status");
    ObjectNode spec = stat.putObject("spec");
    spec.put("resource", RecordStore.JOBTASKS);
    spec.set("query", JSON.readTree("""
        {"filter": [{"k": "job_id", "v": "%s", "o": "eq"}],
         "aggregate": [
           {"group": {"keys": [{"key": "status", "name": "status"}],
                      "fields": [{"name": "tasks", "operator": "count"},
                                 {"key": "created_count", "name": "created", "operator": "sum"}]}},
           {"sort": {"key": "status"}}]}
        """.formatted(job)));
    return create(namespace, stat);
  }

  /** Stops the server; the records are the operator's. */
  @Override
  public void close() {
    server.close();
  }
}
