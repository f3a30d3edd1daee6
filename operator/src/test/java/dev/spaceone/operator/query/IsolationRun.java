package dev.spaceone.operator.query;

import dev.spaceone.testkit.Pki;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.testing.OperatorHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;

/**
 * Issue 17, item 3: the worst hostile queries and clients, all at once, while a Job of 50 tasks runs
 * in the same process as the operator and the query API; the same Job on the quiet operator before it
 * is the yardstick. Health (management and query port) is polled throughout as the kubelet would.
 * Run by {@link IsolationTest} (what must hold) and by the isolation benchmark (the timings).
 */
public final class IsolationRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  /** Records beside the Job's, so that a query costs what it would in a busy cluster. */
  private static final int EXTRA_TASKS = 20_000;

  /** What one run saw. */
  public record Result(double quietMs, double loadedMs, int polls, List<String> failedPolls, long hostileRequests,
      Map<Integer, Integer> answers, long dropped, long rejected, long heapPeakBytes) {
    public double ratio() {
      return loadedMs / quietMs;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "quiet_ms=%.0f loaded_ms=%.0f ratio=%.2f probes=%d probe_failures=%d "
              + "hostile_requests=%d answers=%s dropped=%d rejected_429=%d heap_peak_mb=%d", quietMs, loadedMs, ratio(),
          polls, failedPolls.size(), hostileRequests, answers, dropped, rejected, heapPeakBytes >> 20);
    }
  }

  private IsolationRun() {
  }

  /**
   * Runs a warm-up Job, the quiet Job, then the loaded Job under {@code hostileThreads} hostile clients
   * (half of them one user, half another), with {@code extraTasks} records beside the Jobs' own.
   */
  public static Result run(Path dir, int hostileThreads, int extraTasks) throws Exception {
    try (OperatorHarness harness = new OperatorHarness(OperatorSettings.forTests().withManagementPort(0),
        OperatorHarness::scripted)) {
      Pki.Issued servingCa = Pki.ca("serving-ca");
      Pki.Issued clientCa = Pki.ca("client-ca");
      Path tls = Files.createDirectories(dir.resolve("tls"));
      Pki.server(servingCa, "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
      AuthenticationConfig auth = new AuthenticationConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
          List.of(clientCa.certificate()));
      TestData.generate(IntStream.range(0, 20).mapToObj(i -> "tenant-" + i).toList(), 10, extraTasks / 200)
          .load(harness.operator().records());
      try (QueryServer query = QueryServer.start(QueryServerConfig.defaults().withBindAddress("127.0.0.1")
          .withPort(0).withTlsDir(tls), () -> auth, Authorizer.allowAll(), harness.operator().records(),
          Clock.systemUTC())) {
        runJob(harness, "warmup", 10);
        double quiet = runJob(harness, "quiet", 50);

        resetHeapPeaks();
        Probes probes = new Probes(harness.operator().managementPort(), query.port(), servingCa);
        Hostile hostile = new Hostile(query.port(), servingCa, clientCa, hostileThreads);
        double loaded;
        try {
          probes.start();
          hostile.start();
          loaded = runJob(harness, "loaded", 50);
        } finally {
          hostile.stop();
          probes.stop();
        }
        Map<Integer, Integer> answers = new TreeMap<>();
        hostile.codes.forEach((code, n) -> answers.put(code, n.get()));
        return new Result(quiet, loaded, probes.polls.get(), List.copyOf(probes.failed), hostile.sent.get(), answers,
            hostile.dropped.get(), query.http().rejected(), heapPeak());
      }
    }
  }

  /** Runs a Job of {@code tasks} tasks (2 s each, 10 at a time) to SUCCESS; its wall time in ms. */
  private static double runJob(OperatorHarness harness, String name, int tasks) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < tasks; i++) {
      list.append("    - options: {created: 1, runMs: 2000}\n");
    }
    long start = System.nanoTime();
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          parallelism: 10
          plugin:
            image: collector:1
          tasks:
        %s""".formatted(name, list));
    harness.awaitJob(name, j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS,
        Duration.ofSeconds(120));
    return (System.nanoTime() - start) / 1e6;
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Polls /healthz and /readyz on both ports, as the kubelet would, every 250 ms. */
  private static final class Probes {
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final List<URI> targets;
    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    private final HttpClient tls;

    Probes(int managementPort, int queryPort, Pki.Issued servingCa) {
      targets = List.of(URI.create("http://127.0.0.1:" + managementPort + "/healthz"),
          URI.create("http://127.0.0.1:" + managementPort + "/readyz"),
          URI.create("https://127.0.0.1:" + queryPort + "/healthz"),
          URI.create("https://127.0.0.1:" + queryPort + "/readyz"));
      tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT)
          .sslContext(ServerFixture.ssl(servingCa, null)).build();
    }

    void start() {
      thread.execute(() -> {
        while (running.get()) {
          for (URI target : targets) {
            HttpClient client = target.getScheme().equals("https") ? tls : plain;
            try {
              int code = client.send(HttpRequest.newBuilder(target).timeout(PROBE_TIMEOUT).GET().build(),
                  HttpResponse.BodyHandlers.discarding()).statusCode();
              if (code != 200) {
                failures.incrementAndGet();
                failed.add(target + " " + code);
              }
            } catch (IOException e) {
              failures.incrementAndGet();
              failed.add(target + " " + e);
            } catch (InterruptedException e) {
              return;
            }
            polls.incrementAndGet();
          }
          try {
            Thread.sleep(250);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.shutdown();
      thread.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** The hostile clients of issue 17, round-robin, on connections of two users, until stopped. */
  private static final class Hostile {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final int threadCount;
    private final ExecutorService threads;
    private final List<Socket> silent = new ArrayList<>();
    private final int port;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<byte[]> bodies;
    private final List<String> paths;

    Hostile(int port, Pki.Issued servingCa, Pki.Issued clientCa, int threadCount) throws IOException {
      this.port = port;
      this.threadCount = threadCount;
      this.threads = Executors.newFixedThreadPool(threadCount);
      for (String user : List.of("mallory", "trudy")) {
        SSLContext ssl = ServerFixture.ssl(servingCa, Pki.client(clientCa, user, "attackers"));
        clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
            .connectTimeout(Duration.ofSeconds(10)).build());
      }
      List<Object[]> queries = hostileQueries();
      bodies = queries.stream().map(q -> json(q[1])).toList();
      paths = queries.stream().map(q -> (String) q[0]).toList();
    }

    /** {path, body}: the findings' queries (backtracking regexes, huge groups, fan-outs, huge value lists). */
    private static List<Object[]> hostileQueries() {
      String cluster = "/apis/query.spaceone.dev/v1alpha1/";
      List<Object[]> out = new ArrayList<>();
      out.add(new Object[] {cluster + "searches", query("Search", Map.of("filter",
          List.of(Map.of("k", "job_task_id", "v", "((a+)+)+$", "o", "regex"))))});
      out.add(new Object[] {cluster + "searches", query("Search", Map.of("filter",
          List.of(Map.of("k", "job_task_id", "v", "(a|b)*c".repeat(2000), "o", "regex"))))});
      out.add(new Object[] {cluster + "stats", query("Stat", Map.of("aggregate", List.of(Map.of("group", Map.of(
          "keys", List.of(Map.of("key", "provider", "name", "p")),
          "fields", IntStream.range(0, 1000).mapToObj(i -> Map.of("key", "options", "name", "f" + i,
              "operator", "push")).toList())))))});
      out.add(new Object[] {cluster + "analyses", query("Analysis", Map.of(
          "group_by", IntStream.range(0, 20_000).mapToObj(i -> "k" + i).toList(),
          "fields", Map.of("n", Map.of("operator", "count"))))});
      out.add(new Object[] {cluster + "analyses", query("Analysis", Map.of("group_by", List.of("job_task_id"),
          "fields", Map.of("opts", Map.of("key", "options", "operator", "push"))))});
      out.add(new Object[] {cluster + "stats", query("Stat", Map.of("aggregate", List.of(
          Map.of("unwind", Map.of("path", "errors")), Map.of("unwind", Map.of("path", "errors")),
          Map.of("group", Map.of("keys", List.of(Map.of("key", "job_task_id", "name", "t")),
              "fields", List.of(Map.of("operator", "count", "name", "n")))))))});
      out.add(new Object[] {cluster + "searches", query("Search", Map.of("filter", List.of(Map.of("k", "job_task_id",
          "v", IntStream.range(0, 100_000).mapToObj(i -> "v" + i).toList(), "o", "regex_in"))))});
      out.add(new Object[] {cluster + "searches", query("Search", Map.of(
          "only", IntStream.range(0, 20_000).mapToObj(i -> "k" + i).toList()))});
      // Legitimate but expensive: everything, sorted, over every namespace.
      out.add(new Object[] {cluster + "searches", query("Search", Map.of("sort",
          List.of(Map.of("key", "created_count", "desc", true), Map.of("key", "job_task_id")),
          "filter", List.of(Map.of("k", "job_task_id", "v", "job-.*-1", "o", "regex"))))});
      out.add(new Object[] {cluster + "stats", query("Stat", Map.of("aggregate", List.of(Map.of("group", Map.of(
          "keys", List.of(Map.of("key", "job_task_id", "name", "t"), Map.of("key", "provider", "name", "p")),
          "fields", List.of(Map.of("operator", "count", "name", "n"))))), "page", Map.of("limit", 10)))});
      return out;
    }

    private static Map<String, Object> query(String kind, Object q) {
      return Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", kind, "metadata", Map.of("name", "h"),
          "spec", Map.of("resource", "jobtasks", "query", q));
    }

    private static byte[] json(Object o) {
      try {
        return JSON.writeValueAsBytes(o);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void start() throws IOException {
      // Connections that never handshake.
      for (int i = 0; i < 8; i++) {
        silent.add(new Socket("127.0.0.1", port));
      }
      AtomicInteger next = new AtomicInteger();
      for (int t = 0; t < threadCount; t++) {
        HttpClient client = clients.get(t % clients.size());
        threads.execute(() -> {
          while (running.get()) {
            int i = Math.floorMod(next.getAndIncrement(), bodies.size());
            try {
              int code = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + paths.get(i)))
                  .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                  HttpResponse.BodyHandlers.discarding()).statusCode();
              codes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
              dropped.incrementAndGet();
            } catch (InterruptedException e) {
              return;
            }
            sent.incrementAndGet();
          }
        });
      }
    }

    void stop() throws InterruptedException, IOException {
      running.set(false);
      threads.shutdown();
      threads.awaitTermination(90, TimeUnit.SECONDS);
      for (Socket s : silent) {
        s.close();
      }
    }

  }
}
