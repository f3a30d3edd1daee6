package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 through the API: what a user sees when a query hits a limit, and malformed names and paging edge
 * cases answered rather than dropped.
 */
class QueryBudgetApiTest {
  @TempDir
  static Path dir;
  static ServerFixture f;
  static TestPki.Issued alice;
  static final String NS1 = "/apis/query.spaceone.dev/v1alpha1/namespaces/ns1/";

  @BeforeAll
  static void start() throws Exception {
    f = new ServerFixture(dir);
    TestData.generate(List.of("ns1"), 4, 100).load(f.store);
    alice = TestPki.client(f.clientCa, "alice");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void aLimitIsA422NamingTheFieldTheLimitAndItsSetting() {
    List<String> values = java.util.stream.IntStream.range(0, 5_000).mapToObj(i -> "v" + i).toList();
    ServerFixture.Answer a = f.post(alice, NS1 + "searches", ServerFixture.query("Search", "jobtasks",
        Map.of("filter", List.of(Map.of("k", "provider", "v", values, "o", "contain_in")))), Map.of());
    assertEquals(422, a.code(), a.body().path("message").asText());
    JsonNode cause = a.body().path("details").path("causes").get(0);
    assertEquals("spec.query.filter[0].v", cause.path("field").asText());
    assertTrue(cause.path("message").asText()
        .endsWith("has 5000 values; the limit is 1000 values (QUERY_MAX_VALUES_PER_CONDITION)"), cause.toString());
  }

  @Test
  void aBacktrackingRegexIsAnsweredAtOnce() {
    ServerFixture.Answer a = f.post(alice, NS1 + "searches", ServerFixture.query("Search", "jobtasks",
        Map.of("filter", List.of(Map.of("k", "job_task_id", "v", "((a+)+)+$", "o", "regex")))), Map.of());
    assertEquals(201, a.code(), String.valueOf(a.body()));
  }

  @Test
  void aNameWithANewlineIsA422() {
    ServerFixture.Answer a = f.post(alice, NS1 + "analyses", ServerFixture.query("Analysis", "jobtasks",
        Map.of("group_by", List.of("status"), "fields", Map.of("a\nb", Map.of("operator", "count")))), Map.of());
    assertEquals(422, a.code(), String.valueOf(a.body()));
    assertEquals("spec.query.fields.a\\nb", a.body().path("details").path("causes").get(0).path("field").asText());
    ServerFixture.Answer key = f.post(alice, NS1 + "searches", ServerFixture.query("Search", "jobtasks",
        Map.of("filter", List.of(Map.of("k", "status\n", "v", "x", "o", "eq")))), Map.of());
    assertEquals(422, key.code(), String.valueOf(key.body()));
  }

  @Test
  void aStartBeyondTheRowsAnswersAnEmptyPageWithoutMore() {
    ServerFixture.Answer a = f.post(alice, NS1 + "analyses", ServerFixture.query("Analysis", "jobtasks",
        Map.of("group_by", List.of("job_task_id"), "fields", Map.of("n", Map.of("operator", "count")),
            "page", Map.of("start", Long.MAX_VALUE, "limit", 10))), Map.of());
    assertEquals(201, a.code(), String.valueOf(a.body()));
    assertEquals(0, a.body().path("status").path("results").size());
    assertFalse(a.body().path("status").path("more").asBoolean(true));
    ServerFixture.Answer unpaged = f.post(alice, NS1 + "analyses", ServerFixture.query("Analysis", "jobtasks",
        Map.of("group_by", List.of("status"), "fields", Map.of("n", Map.of("operator", "count")))), Map.of());
    assertFalse(unpaged.body().path("status").has("more"), "no page.limit: no more, as SpaceONE");
  }
}
