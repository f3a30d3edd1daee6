package dev.spaceone.operator.bench;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.query.TestPki;
import dev.spaceone.testkit.MockCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the chart's {@code queryApi.separateDeployment} costs in memory: the {@code query-server} command as
 * its own JVM (as the chart runs it, 768 MiB limit: {@code -XX:MaxRAM=768m}) against the mock API server holding
 * N JobTasks, measured once its informers have synced: resident memory and the heap in use after a full GC.
 * Run by {@code bench/run separateQuery}; ends with one BENCH line.
 */
public final class SeparateQueryBenchmark {
  private SeparateQueryBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    StringBuilder bench = new StringBuilder("BENCH separate_query");
    for (int tasks : new int[] {0, 2000}) {
      long[] m = measure(tasks);
      System.out.printf(Locale.ROOT, "tasks=%d rss_mb=%d heap_after_gc_mb=%d%n", tasks, m[0] >> 20, m[1] >> 20);
      bench.append(String.format(Locale.ROOT, " tasks_%d_rss_mb=%d tasks_%d_heap_mb=%d", tasks, m[0] >> 20, tasks,
          m[1] >> 20));
    }
    System.out.println(bench);
    System.exit(0);
  }

  /** {rss bytes, heap used after GC bytes} of a query-server process over {@code tasks} JobTasks. */
  private static long[] measure(int tasks) throws Exception {
    Path dir = Files.createTempDirectory("separate-query");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    TestPki.server(TestPki.ca("serving-ca"), "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    try (MockCluster cluster = new MockCluster()) {
      cluster.createNamespace("team-a");
      KubernetesClient admin = cluster.admin();
      for (int i = 0; i < tasks; i++) {
        admin.resource(task(i)).create();
      }
      String url = admin.getConfiguration().getMasterUrl();
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
          users: [{name: u, user: {token: t}}]
          contexts: [{name: c, context: {cluster: mock, user: u}}]
          current-context: c
          """.formatted(url), StandardCharsets.UTF_8);
      int managementPort = freePort();
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:MaxRAM=768m", "-cp", System.getProperty("java.class.path"), "dev.spaceone.operator.Main",
          "query-server");
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("QUERY_PORT", String.valueOf(freePort()));
      pb.environment().put("QUERY_TLS_DIR", tls.toString());
      pb.environment().put("MANAGEMENT_PORT", String.valueOf(managementPort));
      pb.environment().put("WATCH_NAMESPACES", "team-a");
      pb.environment().put("LOG_LEVEL", "warn");
      pb.redirectErrorStream(true).redirectOutput(dir.resolve("query-server.log").toFile());
      Process p = pb.start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
          try {
            if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              break;
            }
          } catch (java.io.IOException e) {
            // not listening yet
          }
          if (System.nanoTime() > deadline || !p.isAlive()) {
            throw new IllegalStateException("query-server not ready; see " + dir.resolve("query-server.log"));
          }
          Thread.sleep(200);
        }
        jcmd(p.pid(), "GC.run");
        String heap = jcmd(p.pid(), "GC.heap_info");
        long rss = rss(p.pid());
        return new long[] {rss, heapUsed(heap)};
      } finally {
        p.destroy();
        p.waitFor(20, TimeUnit.SECONDS);
        p.destroyForcibly();
      }
    }
  }

  private static JobTask task(int i) {
    JobTask t = new JobTask();
    t.setMetadata(new ObjectMetaBuilder().withName("job-" + (i / 100) + "-" + (i % 100)).withNamespace("team-a")
        .withCreationTimestamp(Instant.parse("2024-05-01T00:00:00Z").plusSeconds(i).toString()).build());
    dev.spaceone.operator.api.v1alpha1.JobTaskSpec spec = new dev.spaceone.operator.api.v1alpha1.JobTaskSpec();
    spec.setJobName("job-" + (i / 100));
    spec.setIndex(i % 100);
    spec.setProvider("aws");
    spec.setServiceAccountId("sa-" + (i % 97));
    t.setSpec(spec);
    return t;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    j.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static long rss(long pid) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** "used NNNNK" of the heap summary line. */
  private static long heapUsed(String heapInfo) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heapInfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }
}
