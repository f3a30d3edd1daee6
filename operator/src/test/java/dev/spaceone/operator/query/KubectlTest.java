package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real kubectl binaries (every {@code kubectl.1.NN} installed, 1.27 to 1.33 here) against the server:
 * {@code kubectl create -f -o json} of a Search, a Stat and an Analysis over jobs and jobtasks, with
 * validation on (so kubectl reads the OpenAPI the server serves), compared with answers this test
 * computes with plain streams over the same objects. The caller may list in ns1 and ns2 only; the
 * kubeconfig's namespace is ns1.
 */
class KubectlTest {
  @TempDir
  static Path dir;
  static ServerFixture fixture;
  static TestData data;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    fixture = new ServerFixture(dir);
    data = TestData.generate(List.of("ns1", "ns2", "ns3"), 5, 8);
    data.load(fixture.store);
    fixture.authorizer.set((user, req) -> user.name().equals("alice")
        && (req.verb().equals("create") || List.of("ns1", "ns2").contains(req.namespace())));
    TestPki.Issued alice = TestPki.client(fixture.clientCa, "alice", "team-a");
    alice.write(dir.resolve("alice.crt"), dir.resolve("alice.key"));
    kubeconfig = Kubectl.writeKubeconfig(dir, fixture.server.port(), dir.resolve("serving-ca.crt"),
        dir.resolve("alice.crt"), dir.resolve("alice.key"), "ns1");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static Stream<Path> kubectls() {
    List<Path> binaries = Kubectl.binaries();
    return binaries.isEmpty() ? Stream.of((Path) null) : binaries.stream();
  }

  private JsonNode create(Path kubectl, String kind, String resource, String query) throws Exception {
    Path file = Files.createTempFile(dir, kind, ".yaml");
    // YAML, as users write manifests; the query is inline JSON, which is YAML too.
    Files.writeString(file, """
        apiVersion: query.spaceone.dev/v1alpha1
        kind: %s
        metadata:
          name: q
        spec:
          resource: %s
          query: %s
        """.formatted(kind, resource, query));
    Path cache = Files.createDirectories(dir.resolve("cache-" + kubectl.getFileName()));
    Kubectl.Result r = Kubectl.run(kubectl, kubeconfig, cache, "create", "-f", file.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), kubectl + " failed: " + r.stderr());
    JsonNode out = ServerFixture.JSON.readTree(r.stdout());
    assertEquals(kind, out.path("kind").asText());
    assertEquals("ns1", out.path("metadata").path("namespace").asText());
    return out.path("status");
  }

  private static List<JobTask> tasksIn(String ns) {
    return data.tasks.stream().filter(t -> t.getMetadata().getNamespace().equals(ns)).toList();
  }

  private static List<Job> jobsIn(String ns) {
    return data.jobs.stream().filter(j -> j.getMetadata().getNamespace().equals(ns)).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectls")
  void searchStatAndAnalyzeTasks(Path kubectl) throws Exception {
    assumeTrue(kubectl != null, "kubectl is not installed");
    List<JobTask> tasks = tasksIn("ns1");

    // Search: status in (SUCCESS, FAILURE), created_count descending, second page of 5, projected.
    JsonNode search = create(kubectl, "Search", "jobtasks", """
        {"filter": [{"k": "status", "v": ["SUCCESS", "FAILURE"], "o": "in"}],
         "sort": [{"key": "created_count", "desc": true}], "page": {"start": 6, "limit": 5},
         "only": ["job_task_id", "created_count", "status"]}""");
    List<JobTask> matching = tasks.stream()
        .filter(t -> List.of("SUCCESS", "FAILURE").contains(t.getStatus().getStatus().name()))
        .sorted(Comparator.comparingLong((JobTask t) -> -t.getStatus().getCreatedCount())
            .thenComparing(t -> t.getMetadata().getName()))
        .toList();
    assertTrue(matching.size() > 10, "the data set must have a second page");
    List<String> expectedIds = matching.stream().skip(5).limit(5).map(t -> t.getMetadata().getName()).toList();
    assertEquals(expectedIds, texts(search.path("results"), "job_task_id"));
    assertEquals(matching.size(), search.path("totalCount").asLong());
    assertFalse(search.path("results").get(0).has("provider"), "only projects the listed keys");

    // Stat: group by status with count and sum of created_count, sorted by status.
    JsonNode stat = create(kubectl, "Stat", "jobtasks", """
        {"aggregate": [{"group": {"keys": [{"key": "status", "name": "status"}],
           "fields": [{"operator": "count", "name": "count"},
                      {"key": "created_count", "operator": "sum", "name": "created"}]}},
         {"sort": {"key": "status"}}]}""");
    Map<String, List<Long>> expectedStat = new TreeMap<>();
    for (JobTask t : tasks) {
      List<Long> row = expectedStat.computeIfAbsent(t.getStatus().getStatus().name(), s -> new ArrayList<>(List.of(0L, 0L)));
      row.set(0, row.get(0) + 1);
      row.set(1, row.get(1) + t.getStatus().getCreatedCount());
    }
    assertEquals(expectedStat, rows(stat.path("results"), "status", "count", "created"));
    assertEquals(new ArrayList<>(expectedStat.keySet()), texts(stat.path("results"), "status"), "sorted by status");
    assertTrue(stat.path("totalCount").isMissingNode(), "no totalCount without page.limit");

    // Analysis: group_by provider, sum of created_count, largest first.
    JsonNode analysis = create(kubectl, "Analysis", "jobtasks", """
        {"group_by": ["provider"], "fields": {"created": {"key": "created_count", "operator": "sum"},
         "tasks": {"operator": "count"}}, "sort": [{"key": "created", "desc": true}]}""");
    Map<String, List<Long>> expectedAnalysis = new LinkedHashMap<>();
    tasks.stream().collect(Collectors.groupingBy(t -> t.getSpec().getProvider(), TreeMap::new,
            Collectors.toList()))
        .forEach((p, ts) -> expectedAnalysis.put(p, List.of(
            ts.stream().mapToLong(t -> t.getStatus().getCreatedCount()).sum(), (long) ts.size())));
    assertEquals(expectedAnalysis, rows(analysis.path("results"), "provider", "created", "tasks"));
    List<String> byCreated = expectedAnalysis.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, List<Long>> e) -> -e.getValue().get(0)))
        .map(Map.Entry::getKey).toList();
    assertEquals(byCreated, texts(analysis.path("results"), "provider"));
    assertFalse(analysis.has("more"), "no page.limit: no more, as SpaceONE");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectls")
  void searchStatAndAnalyzeJobs(Path kubectl) throws Exception {
    assumeTrue(kubectl != null, "kubectl is not installed");
    List<Job> jobs = jobsIn("ns1");

    JsonNode search = create(kubectl, "Search", "jobs", """
        {"filter": [{"k": "service", "v": "inventory", "o": "eq"}], "sort": [{"key": "job_id", "desc": true}]}""");
    List<String> expected = jobs.stream().filter(j -> j.getSpec().getService().value().equals("inventory"))
        .map(j -> j.getMetadata().getName()).sorted(Comparator.reverseOrder()).toList();
    assertFalse(expected.isEmpty());
    assertEquals(expected, texts(search.path("results"), "job_id"));
    assertEquals(expected.size(), search.path("totalCount").asLong());

    JsonNode stat = create(kubectl, "Stat", "jobs", """
        {"aggregate": [{"group": {"keys": [{"key": "collector_id", "name": "collector"}],
           "fields": [{"operator": "count", "name": "count"},
                      {"key": "total_tasks", "operator": "sum", "name": "tasks"}]}}],
         "page": {"limit": 2}}""");
    Map<String, List<Long>> expectedStat = new TreeMap<>();
    for (Job j : jobs) {
      List<Long> row = expectedStat.computeIfAbsent(j.getSpec().getCollectorId(), s -> new ArrayList<>(List.of(0L, 0L)));
      row.set(0, row.get(0) + 1);
      row.set(1, row.get(1) + j.getStatus().getTotalTasks());
    }
    assertTrue(expectedStat.size() > 2, "the page must cut groups off");
    Map<String, List<Long>> got = rows(stat.path("results"), "collector", "count", "tasks");
    assertEquals(2, got.size());
    got.forEach((k, v) -> assertEquals(expectedStat.get(k), v, k));
    assertEquals(expectedStat.size(), stat.path("totalCount").asLong(), "totalCount counts all groups");

    JsonNode analysis = create(kubectl, "Analysis", "jobs", """
        {"group_by": ["status"], "fields": {"created": {"key": "created_count", "operator": "sum"}},
         "sort": [{"key": "status"}], "page": {"limit": 1}}""");
    Map<String, Long> created = new TreeMap<>();
    jobs.forEach(j -> created.merge(j.getStatus().getStatus().name(), j.getStatus().getCreatedCount(), Long::sum));
    assertTrue(created.size() > 1);
    Map.Entry<String, Long> first = created.entrySet().iterator().next();
    assertEquals(1, analysis.path("results").size());
    assertEquals(first.getKey(), analysis.path("results").get(0).path("status").asText());
    assertEquals(first.getValue(), analysis.path("results").get(0).path("created").asLong());
    assertTrue(analysis.path("more").asBoolean(false), "more rows after the page");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectls")
  void malformedQueryAndUnknownFieldsFail(Path kubectl) throws Exception {
    assumeTrue(kubectl != null, "kubectl is not installed");
    Path cache = Files.createDirectories(dir.resolve("cache-" + kubectl.getFileName()));
    Path bad = Files.writeString(dir.resolve("bad-" + kubectl.getFileName() + ".json"), """
        {"apiVersion": "query.spaceone.dev/v1alpha1", "kind": "Search", "metadata": {"name": "q"},
         "spec": {"resource": "jobtasks", "query": {"filter": [{"k": "status", "v": "x", "o": "nope"}]}}}""");
    Kubectl.Result r = Kubectl.run(kubectl, kubeconfig, cache, "create", "-f", bad.toString(), "-o", "json");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("spec.query.filter[0].o"), r.stderr());
    assertTrue(r.stderr().contains("is invalid"), r.stderr());

    Path unknown = Files.writeString(dir.resolve("unknown-" + kubectl.getFileName() + ".json"), """
        {"apiVersion": "query.spaceone.dev/v1alpha1", "kind": "Search", "metadata": {"name": "q"},
         "spec": {"resource": "jobtasks", "bogus": 1}}""");
    r = Kubectl.run(kubectl, kubeconfig, cache, "create", "-f", unknown.toString(), "-o", "json");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("bogus"), r.stderr());
  }

  private static List<String> texts(JsonNode array, String key) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(key).asText()));
    return out;
  }

  private static Map<String, List<Long>> rows(JsonNode array, String key, String... values) {
    Map<String, List<Long>> out = new TreeMap<>();
    array.forEach(n -> {
      List<Long> v = new ArrayList<>();
      for (String f : values) {
        v.add(n.path(f).asLong());
      }
      out.put(n.path(key).asText(), v);
    });
    return out;
  }
}
