package dev.spaceone.operator.query;

import dev.spaceone.testkit.Pki;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.http.HttpLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that try to stall or crowd out the query server (issue 17, findings 5 to 7): silent and slow
 * connections, more requests than the server takes, malformed requests. Every wait is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileClientsTest {
  static final String SEARCHES = "/apis/query.spaceone.dev/v1alpha1/namespaces/ns1/searches";
  static final String BIG_SEARCHES = "/apis/query.spaceone.dev/v1alpha1/namespaces/big/searches";
  static final Object COUNT_TASKS = ServerFixture.query("Search", "jobtasks", Map.of("count_only", true));
  /** As the kubelet's probe would: an answer within 5 seconds or a failure. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  static final int THREADS = 2;
  static final int IN_FLIGHT = 6;
  static final int PER_USER = 2;

  @TempDir
  static Path dir;
  static ServerFixture f;
  static Pki.Issued alice;

  @BeforeAll
  static void start() throws Exception {
    HttpLimits limits = HttpLimits.queryDefaults()
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(10))
        .withWorkers(THREADS, IN_FLIGHT, PER_USER);
    f = new ServerFixture(dir, QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
        .withLimits(limits));
    TestData.generate(List.of("ns1", "ns2"), 2, 5).load(f.store);
    // Enough records that the engine looks at its budget while it scans (it does every few hundred).
    TestData.generate(List.of("big"), 20, 100).load(f.store);
    alice = Pki.client(f.clientCa, "alice", "team-a");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @BeforeEach
  void allowAll() {
    f.authorizer.set((u, r) -> true);
  }

  /** GET over a fresh TLS connection without a certificate, as a probe: the status, or -1 when it took too long. */
  static int probe(String path) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(ServerFixture.ssl(f.servingCa, null)).connectTimeout(PROBE_TIMEOUT).build();
    try {
      return client.send(HttpRequest.newBuilder(URI.create(f.base() + path)).timeout(PROBE_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static void assertProbesAnswer() {
    for (String path : List.of("/healthz", "/readyz", "/livez")) {
      assertEquals(200, probe(path), path + " must answer within " + PROBE_TIMEOUT);
    }
  }

  /** Finding 6: TLS connections that never send a byte neither hold the health checks nor a query. */
  @Test
  void silentConnectionsStallNothingAndAreClosed() throws Exception {
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < THREADS + 4; i++) {
        Socket s = new Socket("127.0.0.1", f.server.port());
        s.setSoTimeout(30_000);
        silent.add(s);
      }
      assertProbesAnswer();
      assertEquals(201, f.post(alice, SEARCHES, COUNT_TASKS, Map.of()).code());
      // The handshake timeout (10 s here) closes every one of them.
      for (Socket s : silent) {
        assertEquals(-1, s.getInputStream().read(), "the server closes a connection that never handshakes");
      }
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }

  /** A request head sent a byte at a time, never finished: 408 after the header timeout, and nothing waits on it. */
  @Test
  void slowRequestHeadIsTimedOut() throws Exception {
    try (SSLSocket socket = tlsSocket()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + SEARCHES + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertProbesAnswer();
      String answer = readAll(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    }
  }

  /** A body promised and never sent: 408 after the body timeout, and the admission it held is given back. */
  @Test
  void bodyNeverSentIsTimedOut() throws Exception {
    try (SSLSocket socket = tlsSocket()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + SEARCHES + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAll(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> f.server.http().inFlight() == 0);
  }

  /**
   * Finding 5: more expensive requests than the server runs at once. Health checks answer throughout;
   * beyond the caps a request is a 429 with Retry-After at once, not queued; those admitted finish.
   */
  @Test
  void requestsBeyondTheCapsAreTooManyAndHealthStillAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService clients = Executors.newFixedThreadPool(60);
    f.authorizer.set((u, r) -> {
      if (r.verb().equals("create")) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    });
    try {
      // One user: only PER_USER of its requests are admitted.
      List<CompletableFuture<ServerFixture.Answer>> first = new ArrayList<>();
      for (int i = 0; i < PER_USER; i++) {
        first.add(CompletableFuture.supplyAsync(() -> f.post(alice, SEARCHES, COUNT_TASKS, Map.of()), clients));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> f.server.http().inFlight() == PER_USER);
      ServerFixture.Answer over = f.post(alice, SEARCHES, COUNT_TASKS, Map.of());
      assertEquals(429, over.code());
      assertEquals("TooManyRequests", over.body().path("reason").asText());
      assertEquals(List.of("1"), over.headers().get("retry-after"));
      assertTrue(over.body().path("message").asText().contains("one user"), over.body().toString());

      // 50 more from many users (as the aggregator sends them): the total cap holds.
      List<CompletableFuture<ServerFixture.Answer>> crowd = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String user = "user-" + (i % 10);
        crowd.add(CompletableFuture.supplyAsync(() -> f.post(f.frontProxy, SEARCHES, COUNT_TASKS,
            Map.of("X-Remote-User", user)), clients));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> crowd.stream().filter(CompletableFuture::isDone).count()
          >= 50 - (IN_FLIGHT - PER_USER));
      assertEquals(IN_FLIGHT, f.server.http().inFlight());
      for (int i = 0; i < 10; i++) {
        assertProbesAnswer();
      }
      release.countDown();
      int created = 0;
      int tooMany = 0;
      for (CompletableFuture<ServerFixture.Answer> a : crowd) {
        int code = a.handle((answer, e) -> {
          if (e != null) {
            throw new AssertionError("timeouts so far " + f.server.http().timedOut(), e);
          }
          return answer.code();
        }).get(60, TimeUnit.SECONDS);
        created += code == 201 ? 1 : 0;
        tooMany += code == 429 ? 1 : 0;
      }
      assertEquals(IN_FLIGHT - PER_USER, created);
      assertEquals(50 - created, tooMany);
      for (CompletableFuture<ServerFixture.Answer> a : first) {
        assertEquals(201, a.get(60, TimeUnit.SECONDS).code());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> f.server.http().inFlight() == 0);
    } finally {
      release.countDown();
      clients.shutdown();
    }
  }

  /**
   * Finding 4, the server's side: a client that goes away cancels its query. The query is held (in its
   * authorization) until the server has noticed the closed connection; it then runs with a cancelled
   * budget, stops at the engine's first check, and nothing is written.
   */
  @Test
  void clientThatGoesAwayCancelsItsQuery() throws Exception {
    long cancelledBefore = f.server.cancelledQueries();
    long goneBefore = f.server.http().cancelled();
    CountDownLatch inQuery = new CountDownLatch(1);
    f.authorizer.set((u, r) -> {
      if (r.verb().equals("list")) {
        inQuery.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> f.server.http().cancelled() > goneBefore);
      }
      return true;
    });
    String body = ServerFixture.JSON.writeValueAsString(COUNT_TASKS);
    try (SSLSocket socket = tlsSocket()) {
      socket.getOutputStream().write(("POST " + BIG_SEARCHES + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertTrue(inQuery.await(30, TimeUnit.SECONDS));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> f.server.cancelledQueries() == cancelledBefore + 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.server.http().inFlight() == 0);
  }

  /** A request's own timeout parameter shortens the query's deadline: 504 Timeout. */
  @Test
  void requestTimeoutParameterIsTheQueryDeadline() {
    CountDownLatch never = new CountDownLatch(1);
    f.authorizer.set((u, r) -> {
      if (r.verb().equals("list")) {
        // Holds the query past its 1 s deadline.
        try {
          never.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    });
    ServerFixture.Answer a = f.post(alice, BIG_SEARCHES + "?timeout=1s", COUNT_TASKS, Map.of());
    assertEquals(504, a.code(), String.valueOf(a.body()));
    assertEquals("Timeout", a.body().path("reason").asText());
  }

  /** Finding 7 (the dropped connection) and item 4: malformed names and headers are answered, never dropped. */
  @Test
  void malformedNamesAndHeadersAreAnswered() throws Exception {
    // A field name with a newline, reported back in a Warning header: escaped, not a dropped connection.
    Map<String, Object> newlineField = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Search",
        "metadata", Map.of("name", "q"), "spec", Map.of("resource", "jobs", "bad\nfield", 1));
    ServerFixture.Answer warned = f.post(alice, SEARCHES + "?fieldValidation=Warn", newlineField, Map.of());
    assertEquals(201, warned.code());
    String warning = warned.headers().get("warning").get(0);
    assertTrue(warning.contains("bad\\u000afield"), warning);
    assertEquals(400, f.post(alice, SEARCHES, newlineField, Map.of()).code());

    // Query keys with control characters: answered (the engine names the field), never a dropped connection.
    for (Object query : List.<Object>of(Map.of("only", List.of("a\nb")), Map.of("sort", List.of(Map.of("key", "a\r\nb"))),
        Map.of("filter", List.of(Map.of("k", "x\ny", "v", "1", "o", "eq"))))) {
      int code = f.post(alice, SEARCHES, ServerFixture.query("Search", "jobs", query), Map.of()).code();
      assertTrue(code == 201 || code == 422, "query " + query + " answered " + code);
    }

    // A query's name that is no object name: 422 naming metadata.name.
    Map<String, Object> badName = Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", "Search",
        "metadata", Map.of("name", "Bad Name\n"), "spec", Map.of("resource", "jobs"));
    ServerFixture.Answer invalid = f.post(alice, SEARCHES, badName, Map.of());
    assertEquals(422, invalid.code());
    assertEquals("metadata.name", invalid.body().path("details").path("causes").get(0).path("field").asText());

    // Namespaces in the path that are malformed or not a namespace name: 400.
    for (String ns : List.of("a%0Ab", "UPPER", "a_b")) {
      ServerFixture.Answer a = f.post(alice, "/apis/query.spaceone.dev/v1alpha1/namespaces/" + ns + "/searches",
          COUNT_TASKS, Map.of());
      assertEquals(400, a.code(), ns);
      assertEquals("BadRequest", a.body().path("reason").asText());
    }
    String body = ServerFixture.JSON.writeValueAsString(COUNT_TASKS);
    String badEscape = raw("POST /apis/query.spaceone.dev/v1alpha1/namespaces/%zz/searches HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertTrue(badEscape.startsWith("HTTP/1.1 400"), badEscape);

    // An extra-header key that is not valid percent-encoding is kept as sent, as kube-apiserver does.
    assertEquals(201, f.post(f.frontProxy, SEARCHES, COUNT_TASKS,
        Map.of("X-Remote-User", "bob", "X-Remote-Extra-%zz", "v")).code());

    // Raw HTTP: a header name with a space, an oversized header, a bad Content-Length, a bad request line.
    assertTrue(raw("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n").startsWith("HTTP/1.1 400"));
    assertTrue(raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n")
        .startsWith("HTTP/1.1 431"));
    assertTrue(raw("POST " + SEARCHES + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        .startsWith("HTTP/1.1 400"));
    assertTrue(raw("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400"));
    assertTrue(raw("GET http://elsewhere/healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400"));
    assertProbesAnswer();
  }

  /** A TLS connection as alice. */
  static SSLSocket tlsSocket() throws IOException {
    SSLSocket socket = (SSLSocket) ServerFixture.ssl(f.servingCa, alice).getSocketFactory()
        .createSocket("127.0.0.1", f.server.port());
    socket.setSoTimeout(15_000);
    socket.startHandshake();
    return socket;
  }

  /** Sends raw bytes as alice and reads the answer until the server closes (or 15 s). */
  static String raw(String request) throws IOException {
    try (SSLSocket socket = tlsSocket()) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (java.net.SocketException e) {
        // The server may answer (431, 400) and close before it read the whole request, as Go's net/http does;
        // the write then fails with a broken pipe, and the answer is what is already received.
      }
      return readAll(socket.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        // Enough to tell the status; a kept-alive connection does not close.
        if (sb.indexOf("\r\n\r\n") >= 0 && !sb.toString().contains("Content-Length: ")
            || sb.indexOf("\r\n\r\n") >= 0 && bodyComplete(sb.toString())) {
          break;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      assertFalse(sb.isEmpty(), "no answer within the socket timeout");
    } catch (IOException e) {
      // reset after the answer: what was read is the answer
    }
    return sb.toString();
  }

  private static boolean bodyComplete(String s) {
    int headEnd = s.indexOf("\r\n\r\n");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(s);
    return m.find() && m.start() < headEnd && s.length() - headEnd - 4 >= Integer.parseInt(m.group(1));
  }
}
