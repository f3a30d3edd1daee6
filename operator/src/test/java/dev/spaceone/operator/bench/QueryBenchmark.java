package dev.spaceone.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.PluginSpec;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.query.AuthenticationConfig;
import dev.spaceone.operator.query.Authorizer;
import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.operator.query.RecordStore;
import dev.spaceone.operator.query.ServerFixture;
import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Query API latency at 100,000 JobTasks, against what a user does without it: list every JobTask
 * from the API server (the fabric8 mock, in CRUD mode) and aggregate on the client. Run by
 * {@code bench/run query}; ends with one BENCH line.
 */
public final class QueryBenchmark {
  private static final int TASKS = 100_000;
  private static final int NAMESPACES = 10;
  private static final int TASKS_PER_JOB = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROVIDERS = List.of("aws", "google_cloud", "azure", "oci");

  private QueryBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    List<JobTask> tasks = generate();

    RecordStore store = new RecordStore();
    tasks.forEach(store::putTask);

    Path dir = Files.createTempDirectory("query-bench");
    Pki.Issued servingCa = Pki.ca("serving-ca");
    Pki.Issued clientCa = Pki.ca("client-ca");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Pki.server(servingCa, "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    Pki.Issued user = Pki.client(clientCa, "bench", "bench");
    AuthenticationConfig auth = new AuthenticationConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(clientCa.certificate()));
    QueryServerConfig config = QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
        .withTlsDir(tls).withThreads(2);

    // The API server side: a fabric8 mock serving the 100,000 JobTasks as one list, serialized once up
    // front (its CRUD mode checks every stored object on each create, so loading 100,000 by POST is
    // quadratic); the client still receives and decodes every object over HTTP.
    KubernetesMockServer apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        false);
    apiServer.init();
    String listJson = JSON.writeValueAsString(new JobTaskList(tasks));
    apiServer.expect().get().withPath("/apis/spaceone.dev/v1alpha1/jobtasks").andReturn(200, listJson).always();
    try (QueryServer server = QueryServer.start(config, () -> auth, Authorizer.allowAll(), store, Clock.systemUTC());
        KubernetesClient client = apiServer.createClient()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(ServerFixture.ssl(servingCa, user)).build();
      String base = "https://127.0.0.1:" + server.port() + "/apis/query.spaceone.dev/v1alpha1/";
      String stat = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Stat","metadata":{"name":"b"},
           "spec":{"resource":"jobtasks","query":{"aggregate":[{"group":{"keys":[{"key":"status","name":"status"}],
             "fields":[{"operator":"count","name":"count"},{"key":"created_count","operator":"sum","name":"created"}]}},
             {"sort":{"key":"status"}}]}}}""";
      String analyze = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Analysis","metadata":{"name":"b"},
           "spec":{"resource":"jobtasks","query":{"group_by":["provider"],
             "fields":{"created":{"key":"created_count","operator":"sum"}}}}}""";

      // correctness guard: the server and the client-side aggregation agree
      Map<String, long[]> expected = aggregate(client.resources(JobTask.class).inAnyNamespace().list().getItems());
      JsonNode statAnswer = post(http, base + "stats", stat);
      for (JsonNode row : statAnswer.path("status").path("results")) {
        long[] e = expected.get(row.path("status").asText());
        if (e == null || e[0] != row.path("count").asLong() || e[1] != row.path("created").asLong()) {
          throw new IllegalStateException("stat disagrees with list+aggregate: " + row);
        }
      }

      double[] statMs = time(60, 300, () -> post(http, base + "stats", stat));
      double[] analyzeMs = time(60, 300, () -> post(http, base + "analyses", analyze));
      // The fixed cost of a request (TLS, parsing, authorization, namespaces) apart from the query's work.
      String empty = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Search","metadata":{"name":"b"},
           "spec":{"resource":"jobs","query":{"count_only":true}}}""";
      double[] emptyMs = time(60, 300, () -> post(http, base + "searches", empty));
      double[] listMs = time(2, 7, () -> aggregate(client.resources(JobTask.class).inAnyNamespace().list().getItems()));

      double statP50 = percentile(statMs, 50);
      double listP50 = percentile(listMs, 50);
      System.out.printf(Locale.ROOT, "stat: p50 %.2f ms p99 %.2f ms; analyze: p50 %.2f ms p99 %.2f ms; "
              + "empty search (request overhead): p50 %.2f ms; list+aggregate: p50 %.1f ms (%d runs)%n", statP50,
          percentile(statMs, 99), percentile(analyzeMs, 50), percentile(analyzeMs, 99), percentile(emptyMs, 50),
          listP50, listMs.length);
      System.out.printf(Locale.ROOT,
          "BENCH query tasks=%d stat_p50_ms=%.2f stat_p99_ms=%.2f analyze_p50_ms=%.2f list_aggregate_p50_ms=%.1f speedup=%.1f%n",
          TASKS, statP50, percentile(statMs, 99), percentile(analyzeMs, 50), listP50, listP50 / statP50);
    } finally {
      apiServer.destroy();
    }
  }

  private static List<JobTask> generate() {
    List<JobTask> out = new ArrayList<>(TASKS);
    TaskState[] states = TaskState.values();
    Instant base = Instant.parse("2024-05-01T00:00:00Z");
    PluginSpec plugin = new PluginSpec();
    plugin.setImage("example/plugin:1");
    for (int t = 0; t < TASKS; t++) {
      String ns = "ns-" + (t % NAMESPACES);
      int job = t / TASKS_PER_JOB;
      JobTaskSpec spec = new JobTaskSpec();
      spec.setJobName("job-" + job);
      spec.setIndex(t % TASKS_PER_JOB);
      spec.setService(Service.INVENTORY);
      spec.setPlugin(plugin);
      spec.setProvider(PROVIDERS.get(t % PROVIDERS.size()));
      spec.setServiceAccountId("sa-" + (t % 997));
      spec.setProjectId("project-" + (t % 101));
      spec.setDomainId("domain-1");
      spec.setCollectorId("collector-" + (job % 17));
      JobTaskStatus status = new JobTaskStatus();
      status.setStatus(states[(t + t / 7) % states.length]);
      status.setCreatedCount((t * 37L) % 1009);
      status.setUpdatedCount((t * 11L) % 211);
      status.setAttempts(1);
      status.setStartedAt(base.plusSeconds(t).toString());
      JobTask task = new JobTask();
      task.setMetadata(new ObjectMetaBuilder().withName("job-" + job + "-" + (t % TASKS_PER_JOB)).withNamespace(ns)
          .withCreationTimestamp(base.plusSeconds(t).toString()).build());
      task.setSpec(spec);
      task.setStatus(status);
      out.add(task);
    }
    return out;
  }

  /** The list the API server answers with. */
  public record JobTaskList(String apiVersion, String kind, Map<String, Object> metadata, List<JobTask> items) {
    JobTaskList(List<JobTask> items) {
      this("spaceone.dev/v1alpha1", "JobTaskList", Map.of("resourceVersion", "1"), items);
    }
  }

  /** What a user does without the query API: status -> {count, sum of created_count}. */
  private static Map<String, long[]> aggregate(List<JobTask> tasks) {
    return tasks.stream().collect(Collectors.groupingBy(t -> t.getStatus().getStatus().name(),
        Collectors.reducing(new long[2], t -> new long[] {1, t.getStatus().getCreatedCount()},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})));
  }

  private static JsonNode post(HttpClient http, String url, String body) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
      }
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] time(int warmup, int runs, Runnable action) {
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      action.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    return ms;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
