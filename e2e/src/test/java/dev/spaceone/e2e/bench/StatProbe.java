package dev.spaceone.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.testkit.Pki;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stat latency while the operator works (issue 14: "measure stat latency also while real-fanout runs"): on its own
 * thread, a SpaceONE stat (JobTasks of one namespace grouped by status, with count and sum of created_count) posted
 * to the operator's query API every {@link #INTERVAL}, as a dashboard polling the Job would, over HTTPS with a
 * client certificate of the cluster CA (the API server's {@code client-ca-file}, which the query API trusts).
 * Queries are paced, not back to back, so that the probe does not take a core from the fan-out it watches.
 */
final class StatProbe implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofMillis(Long.getLong("bench.statIntervalMs", 100));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STAT = """
      {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Stat","metadata":{"name":"probe"},
       "spec":{"resource":"jobtasks","query":{"aggregate":[{"group":{"keys":[{"key":"status","name":"status"}],
         "fields":[{"operator":"count","name":"count"},{"key":"created_count","operator":"sum","name":"created"}]}},
         {"sort":{"key":"status"}}]}}}""";

  /** Where the operator serves its query API in the bench: a free port and a serving certificate of a bench CA. */
  record Endpoint(int port, Path tlsDir, Pki.Issued servingCa) {
    static Endpoint create(Path dir) throws IOException {
      Pki.Issued ca = Pki.ca("bench-query-serving-ca");
      Path tls = Files.createDirectories(dir.resolve("query-tls"));
      Pki.server(ca, "spaceone-job-operator-query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
      try (ServerSocket socket = new ServerSocket(0)) {
        return new Endpoint(socket.getLocalPort(), tls, ca);
      }
    }

    /** The operator's settings that turn its query API on, here. */
    Map<String, String> env() {
      return Map.of("QUERY_PORT", String.valueOf(port), "QUERY_TLS_DIR", tlsDir.toString());
    }
  }

  /** Latencies of the stats answered, and how many failed (with the last failure). */
  record Result(int answered, double p50Ms, double p99Ms, int failed, String lastFailure) {
  }

  private final HttpClient http;
  private final URI uri;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "stat-probe");
    t.setDaemon(true);
    return t;
  });
  private final List<Double> latencies = new ArrayList<>();
  private int failed;
  private String lastFailure = "";

  private StatProbe(HttpClient http, URI uri) {
    this.http = http;
    this.uri = uri;
  }

  /**
   * Waits (up to {@code ready}) until the query API answers a stat in {@code namespace}, then polls it on its own
   * thread until {@link #stop()}.
   */
  static StatProbe start(Endpoint endpoint, Pki.Issued user, String namespace, Duration ready) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(user.sslContext(endpoint.servingCa().certificate())).connectTimeout(Duration.ofSeconds(10))
        .build();
    URI uri = URI.create("https://127.0.0.1:" + endpoint.port() + "/apis/query.spaceone.dev/v1alpha1/namespaces/"
        + namespace + "/stats");
    StatProbe probe = new StatProbe(http, uri);
    long deadline = System.nanoTime() + ready.toNanos();
    String last = null;
    while ((last = probe.failure()) != null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the operator's query API did not answer a stat within " + ready + ": " + last);
      }
      try {
        Thread.sleep(200); // the next attempt; the loop ends on an answer or at the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    probe.thread.scheduleWithFixedDelay(probe::measure, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return probe;
  }

  /** One stat: null if answered, else why not. */
  private String failure() {
    try {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STAT)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 201) {
        return "HTTP " + response.statusCode() + ": " + new String(response.body());
      }
      JsonNode results = JSON.readTree(response.body()).path("status").path("results");
      return results.isArray() ? null : "no status.results in the answer";
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void measure() {
    long start = System.nanoTime();
    String failure = failure();
    double ms = (System.nanoTime() - start) / 1e6;
    synchronized (this) {
      if (failure == null) {
        latencies.add(ms);
      } else {
        failed++;
        lastFailure = failure;
      }
    }
  }

  /** Stops polling (waiting for a stat in flight) and returns what it measured. */
  Result stop() throws InterruptedException {
    thread.shutdown();
    if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the stat probe did not stop within 60 s");
    }
    synchronized (this) {
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Result(sorted.length, percentile(sorted, 50), percentile(sorted, 99), failed, lastFailure);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The BENCH line of a fan-out of {@code tasks} tasks. */
  static String benchLine(int tasks, Result result) {
    String failure = result.failed() == 0 ? "" : "stat probe: last failure: " + result.lastFailure() + "\n";
    return failure + String.format(Locale.ROOT, "BENCH real-fanout-stat tasks=%d stat_p50_ms=%.2f stat_p99_ms=%.2f stats=%d "
        + "failed=%d", tasks, result.p50Ms(), result.p99Ms(), result.answered(), result.failed());
  }
}
