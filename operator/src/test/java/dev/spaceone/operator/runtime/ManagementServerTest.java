package dev.spaceone.operator.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The management port's probes answer whatever other clients do (issue 17, finding 6). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManagementServerTest {
  /** As the kubelet's probe: an answer within 5 seconds. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private static int get(int port, String path) {
    return get(port, path, PROBE_TIMEOUT);
  }

  private static int get(int port, String path, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Polls /readyz until it answers {@code code}, for up to 30 s (the check runs every second on its own thread). */
  private static void awaitReadyz(int port, int code) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int last;
    while ((last = get(port, "/readyz")) != code) {
      assertTrue(System.nanoTime() < deadline, "/readyz still " + last + ", expected " + code);
      Thread.sleep(100);
    }
  }

  @Test
  void aBlockedReadinessCheckHoldsNeitherProbe() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    try (ManagementServer server = new ManagementServer(0, () -> "up 1\n", () -> {
      blocked.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    })) {
      assertTrue(blocked.await(10, TimeUnit.SECONDS), "the readiness check never ran");
      for (int i = 0; i < 5; i++) {
        assertEquals(200, get(server.port(), "/healthz"));
        int readyz = get(server.port(), "/readyz");
        assertTrue(readyz == 503, "/readyz answered " + readyz + " while its check blocks");
      }
      release.countDown();
      awaitReadyz(server.port(), 200);
    }
  }

  @Test
  void stalledConnectionsAndASlowScrapeDoNotHoldTheProbes() throws Exception {
    CountDownLatch scrape = new CountDownLatch(1);
    try (ManagementServer server = new ManagementServer(0, () -> {
      try {
        scrape.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "up 1\n";
    }, () -> true)) {
      awaitReadyz(server.port(), 200);
      List<Socket> stalled = new ArrayList<>();
      try {
        // One that sends half a request and stops, one that sends nothing.
        Socket half = new Socket("127.0.0.1", server.port());
        OutputStream out = half.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(half);
        stalled.add(new Socket("127.0.0.1", server.port()));
        // A scrape that takes long.
        CompletableFuture<Integer> metrics = CompletableFuture.supplyAsync(() -> get(server.port(), "/metrics",
            Duration.ofSeconds(40)));
        for (int i = 0; i < 5; i++) {
          assertEquals(200, get(server.port(), "/healthz"));
          assertEquals(200, get(server.port(), "/readyz"));
        }
        scrape.countDown();
        assertEquals(200, metrics.get(30, TimeUnit.SECONDS));
        // The half request is answered 408 once the header timeout passes.
        half.setSoTimeout(30_000);
        String answer = new String(half.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }
}
