package dev.spaceone.operator.query;

import dev.spaceone.testkit.Pki;
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
import java.time.Clock;
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
    Pki.server(Pki.ca("serving-ca"), "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    try (MockCluster cluster = new MockCluster()) {
      cluster.createNamespace("team-a");
      TestData data = TestData.generate(List.of("team-a"), 2, 3);
      for (JobTask task : data.tasks) {
        cluster.admin().resource(task).create();
      }
      try (StandaloneQueryApi api = StandaloneQueryApi.start(cluster.client("query"), Set.of("team-a"),
          QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withTlsDir(tls), 0, Clock.systemUTC())) {
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
}
