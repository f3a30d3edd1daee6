package dev.spaceone.operator.query;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.runtime.StandaloneQueryApi;
import dev.spaceone.testkit.MockCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API as its own process (queryApi.separateDeployment): its own informers fill its records. */
class StandaloneQueryApiTest {
  @TempDir
  Path dir;

  @Test
  void ownInformersFillTheRecordsAndReadinessWaitsForThem() throws Exception {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    TestPki.server(TestPki.ca("serving-ca"), "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    try (MockCluster cluster = new MockCluster()) {
      cluster.createNamespace("team-a");
      TestData data = TestData.generate(List.of("team-a"), 2, 3);
      for (JobTask task : data.tasks) {
        cluster.admin().resource(task).create();
      }
      try (StandaloneQueryApi api = StandaloneQueryApi.start(cluster.client("query"), Set.of("team-a"),
          QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withTlsDir(tls), 0)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.records().size(RecordStore.JOBTASKS) == 6);
        await().atMost(Duration.ofSeconds(30)).until(api::synced);
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + api.managementPort() + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertTrue(api.queryPort() > 0);
      }
    }
  }

  @Test
  void settingsFromTheEnvironment() {
    QueryServerConfig c = QueryServerConfig.fromEnvironment(Map.of("QUERY_PORT", "9443", "QUERY_WORKER_THREADS", "3",
        "QUERY_MAX_IN_FLIGHT", "20", "QUERY_MAX_IN_FLIGHT_PER_USER", "2", "QUERY_IDLE_TIMEOUT_SECONDS", "15",
        "QUERY_DEADLINE_MS", "5000"));
    assertEquals(9443, c.port());
    assertEquals(3, c.limits().workerThreads());
    assertEquals(20, c.limits().maxInFlight());
    assertEquals(2, c.limits().maxInFlightPerUser());
    assertEquals(Duration.ofSeconds(15), c.limits().idleTimeout());
    assertEquals(Duration.ofSeconds(5), c.queryLimits().deadline());
    assertEquals(dev.spaceone.operator.http.HttpLimits.defaultWorkers(),
        QueryServerConfig.fromEnvironment(Map.of("QUERY_WORKER_THREADS", "0")).limits().workerThreads());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> QueryServerConfig.fromEnvironment(Map.of("QUERY_MAX_IN_FLIGHT", "lots")));
    assertTrue(bad.getMessage().contains("QUERY_MAX_IN_FLIGHT"), bad.getMessage());
  }
}
