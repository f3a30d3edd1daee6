package dev.spaceone.operator.query;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.testkit.Pki;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, OpenAPI, routing and request checks of the query API, over real HTTPS. */
class QueryServerApiTest {
  @TempDir
  static Path dir;
  static ServerFixture f;
  static Pki.Issued alice;
  static final String NS1 = "/apis/query.spaceone.dev/v1alpha1/namespaces/ns1/";

  @BeforeAll
  static void start() throws Exception {
    f = new ServerFixture(dir);
    TestData.generate(List.of("ns1", "ns2"), 3, 4).load(f.store);
    alice = Pki.client(f.clientCa, "alice");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void discovery() {
    JsonNode groups = f.get(alice, "/apis", Map.of("Accept",
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")).body();
    assertEquals("APIGroupList", groups.path("kind").asText(), "plain discovery, so kubectl falls back");
    assertEquals("query.spaceone.dev", groups.path("groups").get(0).path("name").asText());
    assertEquals("query.spaceone.dev/v1alpha1",
        groups.path("groups").get(0).path("preferredVersion").path("groupVersion").asText());
    assertEquals("APIGroup", f.get(alice, "/apis/query.spaceone.dev", Map.of()).body().path("kind").asText());
    assertEquals("APIVersions", f.get(alice, "/api", Map.of()).body().path("kind").asText());

    JsonNode list = f.get(alice, "/apis/query.spaceone.dev/v1alpha1", Map.of()).body();
    assertEquals("APIResourceList", list.path("kind").asText());
    List<String> described = new ArrayList<>();
    for (JsonNode r : list.path("resources")) {
      described.add(r.path("name").asText() + "/" + r.path("kind").asText() + "/" + r.path("namespaced").asBoolean()
          + "/" + r.path("verbs"));
    }
    assertEquals(List.of("searches/Search/true/[\"create\"]", "stats/Stat/true/[\"create\"]",
        "analyses/Analysis/true/[\"create\"]"), described);
  }

  @Test
  void openApi() {
    JsonNode root = f.get(alice, "/openapi/v3", Map.of()).body();
    String url = root.path("paths").path("apis/query.spaceone.dev/v1alpha1").path("serverRelativeURL").asText();
    assertTrue(url.startsWith("/openapi/v3/apis/query.spaceone.dev/v1alpha1?hash="), url);
    JsonNode v3 = f.get(alice, url, Map.of()).body();
    JsonNode search = v3.path("components").path("schemas").path("dev.spaceone.query.v1alpha1.Search");
    assertEquals("Search", search.path("x-kubernetes-group-version-kind").get(0).path("kind").asText());
    assertEquals("[\"jobs\",\"jobtasks\"]",
        search.path("properties").path("spec").path("properties").path("resource").path("enum").toString());
    assertTrue(v3.path("paths").has("/apis/query.spaceone.dev/v1alpha1/namespaces/{namespace}/analyses"));

    JsonNode v2 = f.get(alice, "/openapi/v2", Map.of("Accept", "application/json")).body();
    assertEquals("2.0", v2.path("swagger").asText());
    assertTrue(v2.path("definitions").has("dev.spaceone.query.v1alpha1.Stat"));
    ServerFixture.Answer pb = f.get(alice, "/openapi/v2",
        Map.of("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"));
    assertEquals(200, pb.code());
    assertEquals(List.of("application/octet-stream"), pb.headers().get("content-type"));
  }

  @Test
  void routing() {
    assertEquals(404, f.get(alice, "/apis/other.group/v1", Map.of()).code());
    assertEquals("NotFound", f.post(alice, NS1 + "widgets", Map.of(), Map.of()).body().path("reason").asText());
    ServerFixture.Answer get = f.get(alice, NS1 + "searches", Map.of());
    assertEquals(405, get.code());
    assertEquals("MethodNotAllowed", get.body().path("reason").asText());
    assertEquals(405, f.get(alice, NS1 + "searches/q", Map.of()).code());
    assertEquals(405, f.send(alice, HttpRequest.newBuilder(URI.create(f.base() + NS1 + "stats"))
        .DELETE().build()).code());
  }

  @Test
  void statTotalCountOnlyWithPageLimitAndObjectEchoed() {
    Map<String, Object> group = Map.of("group", Map.of("keys", List.of(Map.of("key", "provider", "name", "provider")),
        "fields", List.of(Map.of("operator", "count", "name", "n"))));
    ServerFixture.Answer paged = f.post(alice, NS1 + "stats", ServerFixture.query("Stat", "jobtasks",
        Map.of("aggregate", List.of(group), "page", Map.of("limit", 1))), Map.of());
    assertEquals(201, paged.code());
    assertEquals(1, paged.body().path("status").path("results").size());
    assertEquals(3, paged.body().path("status").path("totalCount").asLong(), "three providers");
    assertEquals("q", paged.body().path("metadata").path("name").asText());
    assertEquals("ns1", paged.body().path("metadata").path("namespace").asText());
    assertEquals("jobtasks", paged.body().path("spec").path("resource").asText());

    ServerFixture.Answer all = f.post(alice, NS1 + "stats", ServerFixture.query("Stat", "jobtasks",
        Map.of("aggregate", List.of(group))), Map.of());
    assertEquals(3, all.body().path("status").path("results").size());
    assertTrue(all.body().path("status").path("totalCount").isMissingNode());
    long sum = 0;
    for (JsonNode r : all.body().path("status").path("results")) {
      sum += r.path("n").asLong();
    }
    assertEquals(12, sum, "only ns1's 12 tasks");
  }

  @Test
  void requestChecks() {
    Map<String, Object> wrongNs = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Search",
        "metadata", Map.of("namespace", "ns2"), "spec", Map.of("resource", "jobs"));
    assertEquals(400, f.post(alice, NS1 + "searches", wrongNs, Map.of()).code());
    Map<String, Object> wrongKind = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Stat",
        "spec", Map.of("resource", "jobs"));
    assertEquals(400, f.post(alice, NS1 + "searches", wrongKind, Map.of()).code());
    Map<String, Object> unknown = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Search",
        "spec", Map.of("resource", "jobs", "extra", 1));
    ServerFixture.Answer strict = f.post(alice, NS1 + "searches?fieldValidation=Strict", unknown, Map.of());
    assertEquals(400, strict.code());
    assertTrue(strict.body().path("message").asText().contains("unknown field \"spec.extra\""));
    ServerFixture.Answer warn = f.post(alice, NS1 + "searches?fieldValidation=Warn", unknown, Map.of());
    assertEquals(201, warn.code());
    assertTrue(warn.headers().get("warning").get(0).contains("spec.extra"));
    Map<String, Object> noResource = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Search",
        "spec", Map.of());
    ServerFixture.Answer missing = f.post(alice, NS1 + "searches", noResource, Map.of());
    assertEquals(422, missing.code());
    assertEquals("FieldValueRequired", missing.body().path("details").path("causes").get(0).path("reason").asText());
  }

  @Test
  void servingCertificateIsReloadedWhenItsFilesChange() throws Exception {
    BigInteger before = served().getSerialNumber();
    assertEquals(f.server.servingCertificate().getSerialNumber(), before);
    Pki.Issued next = Pki.server(f.servingCa, "query-server-rotated");
    next.write(dir.resolve("tls").resolve("tls.crt"), dir.resolve("tls").resolve("tls.key"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> served().getSerialNumber().equals(next.certificate().getSerialNumber()));
    assertEquals(201, f.post(alice, NS1 + "searches", ServerFixture.query("Search", "jobs", Map.of()), Map.of()).code());
  }

  private static X509Certificate served() throws Exception {
    SSLContext ctx = ServerFixture.ssl(f.servingCa, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", f.server.port())) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
