package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.testing.MutableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The SubjectAccessReview the authorizer sends, the answer it reads, and its cache. */
@EnableKubernetesMockClient
class SubjectAccessReviewAuthorizerTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void asksTheApiServerAndCachesBriefly() {
    List<JsonNode> reviews = new CopyOnWriteArrayList<>();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(201, req -> {
      try {
        JsonNode sar = ServerFixture.JSON.readTree(req.getBody().readUtf8());
        reviews.add(sar);
        ObjectNode answer = sar.deepCopy();
        boolean allowed = sar.path("spec").path("resourceAttributes").path("namespace").asText().equals("ns1");
        answer.putObject("status").put("allowed", allowed).put("reason", allowed ? "RBAC: allowed" : "no binding");
        return answer;
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).always();
    MutableClock clock = new MutableClock();
    SubjectAccessReviewAuthorizer authorizer = new SubjectAccessReviewAuthorizer(client, Duration.ofSeconds(10), 2, clock);
    UserInfo alice = new UserInfo("alice", List.of("devs", UserInfo.AUTHENTICATED), Map.of("scopes", List.of("a")));
    Authorizer.AccessRequest ns1 = new Authorizer.AccessRequest("list", "spaceone.dev", "jobs", "ns1");
    Authorizer.AccessRequest ns2 = new Authorizer.AccessRequest("list", "spaceone.dev", "jobs", "ns2");

    assertTrue(authorizer.authorize(alice, ns1).allowed());
    Authorizer.Decision denied = authorizer.authorize(alice, ns2);
    assertFalse(denied.allowed());
    assertEquals("no binding", denied.reason());
    assertEquals(2, reviews.size());
    JsonNode spec = reviews.get(0).path("spec");
    assertEquals("alice", spec.path("user").asText());
    assertEquals("devs", spec.path("groups").get(0).asText());
    assertEquals("a", spec.path("extra").path("scopes").get(0).asText());
    assertEquals("list", spec.path("resourceAttributes").path("verb").asText());
    assertEquals("spaceone.dev", spec.path("resourceAttributes").path("group").asText());
    assertEquals("jobs", spec.path("resourceAttributes").path("resource").asText());

    // cached, allow and deny alike
    assertTrue(authorizer.authorize(alice, ns1).allowed());
    assertFalse(authorizer.authorize(alice, ns2).allowed());
    assertEquals(2, reviews.size());
    // another user is another question
    authorizer.authorize(new UserInfo("bob", List.of(UserInfo.AUTHENTICATED), Map.of()), ns1);
    assertEquals(3, reviews.size());
    assertEquals(2, authorizer.cacheSize(), "bounded");
    // expired: asked again
    clock.advance(Duration.ofSeconds(11));
    assertTrue(authorizer.authorize(alice, ns1).allowed());
    assertEquals(4, reviews.size());
  }

  @Test
  void anUnreachableAuthorizerDenies() {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReturn(500, "boom")
        .always();
    SubjectAccessReviewAuthorizer authorizer = new SubjectAccessReviewAuthorizer(client, Duration.ofSeconds(10), 10,
        Clock.systemUTC());
    int before = server.getRequestCount();
    Authorizer.Decision d = authorizer.authorize(new UserInfo("alice", List.of(), Map.of()),
        new Authorizer.AccessRequest("create", "query.spaceone.dev", "searches", "ns1"));
    assertFalse(d.allowed());
    assertEquals(1, server.getRequestCount() - before, "fails fast, without the client's retries");
    assertEquals(0, authorizer.cacheSize(), "failures are not cached");
    authorizer.close();
  }
}
