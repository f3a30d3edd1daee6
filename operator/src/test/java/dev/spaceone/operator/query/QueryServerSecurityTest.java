package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.testkit.Pki;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, authorization and request limits of the query API, over real HTTPS. */
class QueryServerSecurityTest {
  @TempDir
  static Path dir;
  static ServerFixture f;
  static Pki.Issued alice;
  static final String SEARCHES = "/apis/query.spaceone.dev/v1alpha1/namespaces/ns1/searches";
  static final Object COUNT_TASKS = ServerFixture.query("Search", "jobtasks", Map.of("count_only", true));

  @BeforeAll
  static void start() throws Exception {
    f = new ServerFixture(dir);
    TestData.generate(List.of("ns1", "ns2", "ns3"), 2, 5).load(f.store);
    alice = Pki.client(f.clientCa, "alice", "team-a", "team-b");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @BeforeEach
  void allowAll() {
    f.authorizer.set((u, r) -> true);
    f.authorizer.asked.clear();
    f.authorizer.users.clear();
  }

  @Test
  void clientCertificateFromClientCaIsTheUserWithGroups() {
    ServerFixture.Answer a = f.post(alice, SEARCHES, COUNT_TASKS, Map.of());
    assertEquals(201, a.code(), a.body().toString());
    assertEquals(10, a.body().path("status").path("totalCount").asLong());
    UserInfo user = f.authorizer.users.get(0);
    assertEquals("alice", user.name());
    assertEquals(Set.of("team-a", "team-b", "system:authenticated"), new HashSet<>(user.groups()));
  }

  @Test
  void frontProxyCertificateMakesTheHeadersTheUser() {
    ServerFixture.Answer a = f.post(f.frontProxy, SEARCHES, COUNT_TASKS, Map.of("X-Remote-User", "bob",
        "X-Remote-Group", "devs", "X-Remote-Extra-Scopes", "read"));
    assertEquals(201, a.code(), a.body().toString());
    UserInfo user = f.authorizer.users.get(0);
    assertEquals("bob", user.name());
    assertEquals(List.of("devs", "system:authenticated"), user.groups());
    assertEquals(Map.of("scopes", List.of("read")), user.extra());
  }

  @Test
  void remoteUserHeadersWithoutAFrontProxyCertificateAreIgnored() {
    Map<String, String> headers = Map.of("X-Remote-User", "system:admin", "X-Remote-Group", "system:masters");
    // no certificate at all
    assertUnauthorized(f.post(null, SEARCHES, COUNT_TASKS, headers));
    // a client-CA certificate: headers do not change who it is
    ServerFixture.Answer a = f.post(alice, SEARCHES, COUNT_TASKS, headers);
    assertEquals(201, a.code());
    assertEquals("alice", f.authorizer.users.get(0).name());
    assertFalse(f.authorizer.users.get(0).groups().contains("system:masters"));
    // a front-proxy-named certificate from another CA
    Pki.Issued forged = Pki.client(f.otherCa, ServerFixture.FRONT_PROXY_CN);
    assertUnauthorized(f.post(forged, SEARCHES, COUNT_TASKS, headers));
    assertTrue(f.authorizer.users.stream().noneMatch(u -> u.name().equals("system:admin")));
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() {
    Pki.Issued mallory = Pki.client(f.otherCa, "alice", "system:masters");
    assertUnauthorized(f.post(mallory, SEARCHES, COUNT_TASKS, Map.of()));
    assertUnauthorized(f.get(mallory, "/apis", Map.of()));
  }

  @Test
  void frontProxyCertificateWithANameNotAllowedIsRefused() {
    Pki.Issued other = Pki.client(f.frontProxyCa, "not-the-aggregator");
    assertUnauthorized(f.post(other, SEARCHES, COUNT_TASKS, Map.of("X-Remote-User", "bob")));
  }

  @Test
  void sarDenialIsAForbiddenWithKubernetesMessage() {
    f.authorizer.set((u, r) -> !r.verb().equals("create"));
    ServerFixture.Answer a = f.post(alice, SEARCHES, COUNT_TASKS, Map.of());
    assertEquals(403, a.code());
    assertEquals("Status", a.body().path("kind").asText());
    assertEquals("Forbidden", a.body().path("reason").asText());
    assertEquals(403, a.body().path("code").asInt());
    assertEquals("searches.query.spaceone.dev is forbidden: User \"alice\" cannot create resource \"searches\" "
        + "in API group \"query.spaceone.dev\" in the namespace \"ns1\"", a.body().path("message").asText());
    assertEquals(new Authorizer.AccessRequest("create", "query.spaceone.dev", "searches", "ns1"),
        f.authorizer.asked.get(0));

    ServerFixture.Answer cluster = f.post(alice, "/apis/query.spaceone.dev/v1alpha1/stats",
        ServerFixture.query("Stat", "jobs", Map.of("distinct", "status")), Map.of());
    assertEquals(403, cluster.code());
    assertEquals("stats.query.spaceone.dev is forbidden: User \"alice\" cannot create resource \"stats\" "
        + "in API group \"query.spaceone.dev\" at the cluster scope", cluster.body().path("message").asText());
  }

  @Test
  void namespaceTheUserMayNotListJobsInAnswersNothing() {
    f.authorizer.set((u, r) -> r.verb().equals("create") || !r.namespace().equals("ns1"));
    ServerFixture.Answer a = f.post(alice, SEARCHES, COUNT_TASKS, Map.of());
    assertEquals(201, a.code());
    assertEquals(0, a.body().path("status").path("totalCount").asLong());
    assertTrue(f.authorizer.asked.contains(new Authorizer.AccessRequest("list", "spaceone.dev", "jobs", "ns1")));
  }

  @Test
  void clusterWideFormAnswersOnlyAboutListableNamespaces() {
    // alice may list jobs and jobtasks in ns1 and ns3, not cluster-wide and not in ns2
    f.authorizer.set((u, r) -> r.verb().equals("create") || r.namespace().equals("ns1") || r.namespace().equals("ns3"));
    ServerFixture.Answer a = f.post(alice, "/apis/query.spaceone.dev/v1alpha1/searches",
        ServerFixture.query("Search", "jobtasks", Map.of("only", List.of("namespace"))), Map.of());
    assertEquals(201, a.code(), a.body().toString());
    Set<String> namespaces = new HashSet<>();
    a.body().path("status").path("results").forEach(r -> namespaces.add(r.path("namespace").asText()));
    assertEquals(Set.of("ns1", "ns3"), namespaces);
    assertEquals(20, a.body().path("status").path("totalCount").asLong());

    // jobtasks also need list on jobtasks: without it in ns3, only ns1 is left
    f.authorizer.set((u, r) -> r.verb().equals("create") || r.namespace().equals("ns1")
        || (r.namespace().equals("ns3") && r.resource().equals("jobs")));
    a = f.post(alice, "/apis/query.spaceone.dev/v1alpha1/searches",
        ServerFixture.query("Search", "jobtasks", Map.of("count_only", true)), Map.of());
    assertEquals(10, a.body().path("status").path("totalCount").asLong());

    // cluster-wide list permission: everything
    f.authorizer.set((u, r) -> true);
    a = f.post(alice, "/apis/query.spaceone.dev/v1alpha1/searches",
        ServerFixture.query("Search", "jobs", Map.of("count_only", true)), Map.of());
    assertEquals(6, a.body().path("status").path("totalCount").asLong());
  }

  @Test
  void malformedQueryIsInvalidNamingTheField() {
    ServerFixture.Answer a = f.post(alice, SEARCHES, ServerFixture.query("Search", "jobtasks",
        Map.of("filter", List.of(Map.of("k", "status", "v", "x", "o", "bogus")))), Map.of());
    assertEquals(422, a.code());
    assertEquals("Invalid", a.body().path("reason").asText());
    JsonNode cause = a.body().path("details").path("causes").get(0);
    assertEquals("spec.query.filter[0].o", cause.path("field").asText());
    assertEquals("FieldValueInvalid", cause.path("reason").asText());
    assertEquals("Search", a.body().path("details").path("kind").asText());
    assertTrue(a.body().path("message").asText().startsWith("Search.query.spaceone.dev \"q\" is invalid: spec.query.filter[0].o"));

    ServerFixture.Answer r = f.post(alice, SEARCHES, ServerFixture.query("Search", "pods", Map.of()), Map.of());
    assertEquals(422, r.code());
    assertEquals("spec.resource", r.body().path("details").path("causes").get(0).path("field").asText());
    assertEquals("FieldValueNotSupported", r.body().path("details").path("causes").get(0).path("reason").asText());

    ServerFixture.Answer notJson = f.post(alice, SEARCHES, "{not json".getBytes(StandardCharsets.UTF_8), Map.of());
    assertEquals(400, notJson.code());
    assertEquals("BadRequest", notJson.body().path("reason").asText());
  }

  @Test
  void tenMegabyteBodyIsRefusedAndTheServerStillAnswers() throws Exception {
    byte[] big = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    ServerFixture.Answer a = f.post(alice, SEARCHES, big, Map.of());
    assertEquals(413, a.code());
    assertEquals("RequestEntityTooLarge", a.body().path("reason").asText());
    assertEquals(201, f.post(alice, SEARCHES, COUNT_TASKS, Map.of()).code());

    // chunked, without a declared length: refused once the limit is passed, and the server goes on
    try (SSLSocket socket = (SSLSocket) ServerFixture.ssl(f.servingCa, alice).getSocketFactory()
        .createSocket("127.0.0.1", f.server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + SEARCHES + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        try {
          for (int i = 0; i < 160; i++) {
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (java.io.IOException e) {
          // the server may close once it has answered
        }
      });
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      assertEquals("HTTP/1.1 413", new String(head, StandardCharsets.US_ASCII));
      writer.get(60, TimeUnit.SECONDS);
    }
    assertEquals(201, f.post(alice, SEARCHES, COUNT_TASKS, Map.of()).code());
  }

  @Test
  void healthNeedsNoCertificateButDiscoveryDoes() {
    for (String p : List.of("/healthz", "/livez", "/readyz")) {
      assertEquals(200, f.get(null, p, Map.of()).code(), p);
    }
    assertUnauthorized(f.get(null, "/apis", Map.of()));
    assertUnauthorized(f.get(null, "/openapi/v2", Map.of()));
  }

  private static void assertUnauthorized(ServerFixture.Answer a) {
    assertEquals(401, a.code(), String.valueOf(a.body()));
    assertEquals("Unauthorized", a.body().path("reason").asText());
    assertEquals("Status", a.body().path("kind").asText());
  }

  static List<String> names(JsonNode results) {
    List<String> out = new ArrayList<>();
    results.forEach(r -> out.add(r.path("job_task_id").asText()));
    return out;
  }
}
