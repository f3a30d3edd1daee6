package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.testing.OperatorHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /metrics carries the product's metrics and JOSDK's; /healthz and /readyz answer. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(OperatorSettings.forTests().withManagementPort(0), OperatorHarness::scripted);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = harness.operator().managementPort();
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first sample whose name and labels start as given, e.g. {@code spaceone_tasks{status="SUCCESS"}}. */
  private static double sample(String metrics, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:[,{}][^ ]*)? ([0-9.eE+-]+)$").matcher(metrics);
    if (!matcher.find()) {
      throw new AssertionError("no sample " + series + " in\n" + metrics);
    }
    return Double.parseDouble(matcher.group(1));
  }

  @Test
  void metricsHealthAndReadiness() throws Exception {
    assertTrue(harness.operator().managementPort() > 0);
    assertEquals(200, get("/healthz").statusCode());
    // Readiness is checked on its own thread, every second from the start: a probe may see 503 until the first check.
    harness.awaitThat(() -> get("/readyz").statusCode() == 200);

    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: measured
        spec:
          backoffLimitPerTask: 1
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 100, created: 3}
            - options: {runMs: 100, created: 4, failAttempts: 1}
        """);
    harness.awaitJob("measured", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);

    // Gauges read the cache when scraped; after a GC too (a weakly held gauge would read NaN).
    System.gc();
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String metrics = response.body();
    assertEquals(2.0, sample(metrics, "spaceone_tasks{status=\"SUCCESS\""));
    assertEquals(0.0, sample(metrics, "spaceone_tasks{status=\"FAILURE\""));
    assertEquals(0.0, sample(metrics, "spaceone_tasks{status=\"IN_PROGRESS\""));
    assertEquals(3.0, sample(metrics, "spaceone_task_pod_creations_total"), "two tasks, one retry");
    assertEquals(2.0, sample(metrics, "spaceone_task_duration_seconds_count"));
    assertTrue(metrics.contains("spaceone_task_duration_seconds_bucket{le="), "a histogram with buckets");
    assertTrue(sample(metrics, "spaceone_task_duration_seconds_sum") > 0);
    assertEquals(7.0, sample(metrics, "spaceone_task_result_count_total{kind=\"created\""));
    assertEquals(0.0, sample(metrics, "spaceone_task_result_count_total{kind=\"failure\""));
    // JOSDK's reconcile metrics, per controller.
    assertTrue(sample(metrics, "operator_sdk_controllers_execution_reconcile_success_total{controller=\"jobtask\"") >= 2);
    assertTrue(sample(metrics, "operator_sdk_controllers_execution_reconcile_success_total{controller=\"job\"") >= 1);
    assertTrue(sample(metrics, "operator_sdk_reconciliations_started_total") > 0);
  }
}
