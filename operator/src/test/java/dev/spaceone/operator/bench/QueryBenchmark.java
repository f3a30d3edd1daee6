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
import dev.spaceone.operator.query.Records;
import dev.spaceone.operator.query.ServerFixture;
import dev.spaceone.query.QueryBudget;
import dev.spaceone.query.QueryEngine;
import dev.spaceone.query.QueryLimits;
import dev.spaceone.query.RecordTable;
import dev.spaceone.testkit.LocalControlPlane;
import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Query API latency at 100,000 JobTasks, against what a user does without it: page every JobTask from a real
 * kube-apiserver by 500, as kubectl does, and aggregate on the client. Beside the end-to-end figures it times
 * the engine alone on the same records (over its columns, and over the maps as before them) and a plain loop
 * over primitive arrays computing the same group-by (the floor). Run by {@code bench/run query} (the e2e
 * control plane binaries must be built: {@code e2e/install-control-plane.sh}); ends with one BENCH line.
 */
public final class QueryBenchmark {
  private static final int TASKS = 100_000;
  private static final int NAMESPACES = 10;
  private static final int TASKS_PER_JOB = 100;
  private static final long PAGE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROVIDERS = List.of("aws", "google_cloud", "azure", "oci");
  private static final String STAT_QUERY = """
      {"aggregate":[{"group":{"keys":[{"key":"status","name":"status"}],
        "fields":[{"operator":"count","name":"count"},{"key":"created_count","operator":"sum","name":"created"}]}},
        {"sort":{"key":"status"}}]}""";

  /** An analyze with a filter on a count, and average, min and max of counts and of a text key. */
  private static final String MORE_QUERY = """
      {"filter":[{"k":"created_count","v":500,"o":"gte"},{"k":"status","v":["SUCCESS","FAILURE"],"o":"in"}],
       "group_by":["provider"],
       "fields":{"tasks":{"operator":"count"},"avg_created":{"key":"created_count","operator":"average"},
         "max_updated":{"key":"updated_count","operator":"max"},"min_created":{"key":"created_count","operator":"min"},
         "max_project":{"key":"project_id","operator":"max"}}}""";

  private QueryBenchmark() {
  }

  /** Heap in use after full collections, once a further collection frees less than 1 MB. */
  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (used - now < 1 << 20) {
        return Math.min(used, now);
      }
      used = now;
    }
    return used;
  }

  /** Heap in use after a full collection while the tasks' records are held in a table without columns. */
  private static long recordsOnly(List<JobTask> tasks) {
    RecordTable table = new RecordTable("namespace", List.of(), List.of());
    for (JobTask task : tasks) {
      table.put(task.getMetadata().getNamespace() + "/" + task.getMetadata().getName(), Records.task(task));
    }
    long used = usedAfterGc();
    if (table.size() != tasks.size()) {
      throw new IllegalStateException("the table lost records");
    }
    return used;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    LocalControlPlane.assumeAvailable();
    List<JobTask> tasks = generate();

    // The columns' memory, measured: heap after a full GC with the same records in a table without columns,
    // then in the store (the same records and table plus the columns).
    long before = usedAfterGc();
    long recordsBytes = recordsOnly(tasks) - before;
    RecordStore store = new RecordStore();
    tasks.forEach(store::putTask);
    long storeBytes = usedAfterGc() - before;
    long columnsBytes = storeBytes - recordsBytes;
    List<String> namespaces = new ArrayList<>(store.namespaces());

    // The engine alone, on the store the server reads: over the columns, and over the same records as maps.
    QueryEngine engine = new QueryEngine(Records.JOB_TASK_ID, List.of(), Clock.systemUTC());
    JsonNode statQuery = JSON.readTree(STAT_QUERY);
    Map<String, long[]> expected = aggregate(tasks);
    check("engine", expected, engine.stat(store.scope(RecordStore.JOBTASKS, namespaces), statQuery,
        QueryBudget.start(QueryLimits.defaults())).results());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    double[] engineMs = time(200, 500, () -> engine.stat(store.scope(RecordStore.JOBTASKS, namespaces), statQuery,
        QueryBudget.start(QueryLimits.defaults())));
    double engineCpuMs = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e6 / 700;
    double[] mapsMs = time(20, 60, () -> engine.stat(store.records(RecordStore.JOBTASKS, namespaces), statQuery,
        QueryBudget.start(QueryLimits.defaults())));
    // A filter on a count and the other accumulators, over the columns; the maps must answer the same.
    JsonNode moreQuery = JSON.readTree(MORE_QUERY);
    String overColumns = JSON.writeValueAsString(engine.analyze(store.scope(RecordStore.JOBTASKS, namespaces),
        moreQuery, QueryBudget.start(QueryLimits.defaults())));
    String overMaps = JSON.writeValueAsString(engine.analyze(store.records(RecordStore.JOBTASKS, namespaces),
        moreQuery, QueryBudget.start(QueryLimits.defaults())));
    if (!overColumns.equals(overMaps)) {
      throw new IllegalStateException("columns and maps disagree: " + overColumns + " vs " + overMaps);
    }
    // A search that counts (count_only) with a filter on columns, selected over the columns.
    JsonNode countQuery = JSON.readTree(
        "{\"filter\":[{\"k\":\"status\",\"v\":\"FAILURE\",\"o\":\"eq\"}],\"count_only\":true}");
    long failures = tasks.stream().filter(t -> t.getStatus().getStatus() == TaskState.FAILURE).count();
    if (engine.search(store.scope(RecordStore.JOBTASKS, namespaces), countQuery,
        QueryBudget.start(QueryLimits.defaults())).totalCount() != failures) {
      throw new IllegalStateException("count_only disagrees with the tasks");
    }
    double[] countMs = time(200, 500, () -> engine.search(store.scope(RecordStore.JOBTASKS, namespaces), countQuery,
        QueryBudget.start(QueryLimits.defaults())));
    double[] moreMs = time(200, 500, () -> engine.analyze(store.scope(RecordStore.JOBTASKS, namespaces), moreQuery,
        QueryBudget.start(QueryLimits.defaults())));
    double[] floorMs = floor(tasks, expected);

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
    double[] statMs;
    double[] analyzeMs;
    double[] emptyMs;
    try (QueryServer server = QueryServer.start(config, () -> auth, Authorizer.allowAll(), store,
        Clock.systemUTC())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(ServerFixture.ssl(servingCa, user)).build();
      String base = "https://127.0.0.1:" + server.port() + "/apis/query.spaceone.dev/v1alpha1/";
      String stat = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Stat","metadata":{"name":"b"},
           "spec":{"resource":"jobtasks","query":%s}}""".formatted(STAT_QUERY);
      String analyze = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Analysis","metadata":{"name":"b"},
           "spec":{"resource":"jobtasks","query":{"group_by":["provider"],
             "fields":{"created":{"key":"created_count","operator":"sum"}}}}}""";
      check("server", expected, JSON.convertValue(post(http, base + "stats", stat).path("status").path("results"),
          List.class));
      // Long warm-ups: on this loaded machine the JIT compiles the TLS and HTTP paths late (100 warm-up stats
      // left p50 at 8-11 ms where it settles at 1.5 ms).
      statMs = time(1000, 300, () -> post(http, base + "stats", stat));
      analyzeMs = time(500, 300, () -> post(http, base + "analyses", analyze));
      // The fixed cost of a request (TLS, parsing, authorization, namespaces) apart from the query's work.
      String empty = """
          {"apiVersion":"query.spaceone.dev/v1alpha1","kind":"Search","metadata":{"name":"b"},
           "spec":{"resource":"jobs","query":{"count_only":true}}}""";
      emptyMs = time(500, 300, () -> post(http, base + "searches", empty));
    }
    double[] listMs = listAggregate(tasks, expected);

    double statP50 = percentile(statMs, 50);
    double listP50 = percentile(listMs, 50);
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf(Locale.ROOT, "stat: p50 %.2f ms p99 %.2f ms; analyze: p50 %.2f ms p99 %.2f ms; "
            + "empty search (request overhead): p50 %.2f ms; engine over columns p50 %.2f ms (cpu %.2f ms/query), "
            + "over maps p50 %.2f ms; floor p50 %.3f ms; list+aggregate (real API server, pages of %d): "
            + "p50 %.1f ms (%d runs); load average %.1f%n",
        statP50, percentile(statMs, 99), percentile(analyzeMs, 50), percentile(analyzeMs, 99),
        percentile(emptyMs, 50), percentile(engineMs, 50), engineCpuMs, percentile(mapsMs, 50),
        percentile(floorMs, 50), PAGE, listP50, listMs.length, load);
    System.out.printf(Locale.ROOT, "memory after full GC: records in a table without columns %.1f MB, the store "
            + "(records, table, columns) %.1f MB, columns %.1f MB = %.0f bytes per task%n",
        recordsBytes / 1e6, storeBytes / 1e6, columnsBytes / 1e6, (double) columnsBytes / TASKS);
    System.out.printf(Locale.ROOT, "BENCH query tasks=%d stat_p50_ms=%.2f engine_p50_ms=%.2f columnar_floor_ms=%.3f "
            + "list_aggregate_p50_ms=%.1f speedup=%.1f stat_p99_ms=%.2f analyze_p50_ms=%.2f engine_cpu_ms=%.2f "
            + "engine_maps_p50_ms=%.2f engine_filtered_minmaxavg_p50_ms=%.2f engine_search_count_p50_ms=%.2f records_mb=%.1f columns_mb=%.1f "
            + "columns_bytes_per_task=%.0f load=%.1f%n",
        TASKS, statP50, percentile(engineMs, 50), percentile(floorMs, 50), listP50, listP50 / statP50,
        percentile(statMs, 99), percentile(analyzeMs, 50), engineCpuMs, percentile(mapsMs, 50),
        percentile(moreMs, 50), percentile(countMs, 50), recordsBytes / 1e6, columnsBytes / 1e6, (double) columnsBytes / TASKS, load);
  }

  /** The same group-by as a plain loop over primitive arrays: status ordinal -> count, sum of created_count. */
  private static double[] floor(List<JobTask> tasks, Map<String, long[]> expected) {
    int[] status = new int[tasks.size()];
    long[] created = new long[tasks.size()];
    for (int i = 0; i < status.length; i++) {
      status[i] = tasks.get(i).getStatus().getStatus().ordinal();
      created[i] = tasks.get(i).getStatus().getCreatedCount();
    }
    TaskState[] states = TaskState.values();
    double[] ms = time(200, 500, () -> {
      long[] count = new long[states.length];
      long[] sum = new long[states.length];
      for (int i = 0; i < status.length; i++) {
        count[status[i]]++;
        sum[status[i]] += created[i];
      }
      return new long[][] {count, sum};
    });
    long[] count = new long[states.length];
    long[] sum = new long[states.length];
    for (int i = 0; i < status.length; i++) {
      count[status[i]]++;
      sum[status[i]] += created[i];
    }
    for (TaskState state : states) {
      long[] e = expected.getOrDefault(state.name(), new long[2]);
      if (e[0] != count[state.ordinal()] || e[1] != sum[state.ordinal()]) {
        throw new IllegalStateException("floor disagrees for " + state);
      }
    }
    return ms;
  }

  /**
   * A real kube-apiserver holding the 100,000 JobTasks, listed page by page (limit 500 and continue, as kubectl)
   * and aggregated on the client. The CRD is installed without its status subresource so that one create per
   * task stores its status too (with it, every task would need a second write); what a list returns is the same.
   */
  private static double[] listAggregate(List<JobTask> tasks, Map<String, long[]> expected) throws Exception {
    try (LocalControlPlane plane = LocalControlPlane.start()) {
      KubernetesClient client = plane.client();
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(Files.newInputStream(Path.of("crds/jobtasks.spaceone.dev.yaml"))).item();
      crd.getSpec().getVersions().forEach(v -> v.setSubresources(null));
      client.resource(crd).serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(
                  cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())), 60, TimeUnit.SECONDS);
      for (int n = 0; n < NAMESPACES; n++) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ns-" + n).endMetadata()
            .build()).serverSideApply();
      }
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> created = new ArrayList<>(tasks.size());
        for (JobTask task : tasks) {
          created.add(pool.submit(() -> client.resource(task).create()));
        }
        for (int i = 0; i < created.size(); i++) {
          created.get(i).get();
          if ((i + 1) % 20_000 == 0) {
            System.err.printf(Locale.ROOT, "created %d JobTasks in %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      Map<String, long[]> listed = aggregate(listAll(client));
      if (!equal(expected, listed)) {
        throw new IllegalStateException("the API server's list disagrees with the records");
      }
      return time(0, 3, () -> aggregate(listAll(client))); // the check above was the warm-up
    }
  }

  private static List<JobTask> listAll(KubernetesClient client) {
    List<JobTask> all = new ArrayList<>();
    String next = null;
    do {
      var page = client.resources(JobTask.class).inAnyNamespace()
          .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      all.addAll(page.getItems());
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return all;
  }

  /** Checks rows {status, count, created} against the expected aggregate (no rows: nothing to check). */
  private static void check(String what, Map<String, long[]> expected, List<?> rows) {
    for (Object row : rows) {
      Map<?, ?> r = (Map<?, ?>) row;
      long[] e = expected.get(String.valueOf(r.get("status")));
      if (e == null || e[0] != ((Number) r.get("count")).longValue()
          || e[1] != ((Number) r.get("created")).longValue()) {
        throw new IllegalStateException(what + " disagrees with the aggregate: " + row);
      }
    }
    if (!rows.isEmpty() && rows.size() != expected.size()) {
      throw new IllegalStateException(what + " answered " + rows.size() + " groups, not " + expected.size());
    }
  }

  private static boolean equal(Map<String, long[]> a, Map<String, long[]> b) {
    return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
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

  private interface Action {
    Object run() throws Exception;
  }

  private static double[] time(int warmup, int runs, Action action) {
    try {
      return timeOrThrow(warmup, runs, action);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] timeOrThrow(int warmup, int runs, Action action) throws Exception {
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
