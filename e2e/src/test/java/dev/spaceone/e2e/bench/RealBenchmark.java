package dev.spaceone.e2e.bench;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.LocalControlPlane;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator against a real kube-apiserver, side by side with Kubernetes' own Job controller (issue 14). Starts
 * testkit's {@link LocalControlPlane} (etcd, kube-apiserver, a controller-manager for namespaces and service accounts),
 * then, as children of this process, a second kube-controller-manager (job, garbagecollector, nodelifecycle) and a
 * kube-scheduler, both with their client rate limits lifted ({@code LocalControlPlane} takes no extra flags, and a
 * scheduler at its default 50 QPS would cap every figure), and KWOK with one fake node and the Stages of
 * {@code bench/kwok-stages.yaml}. The operator runs as its shaded jar in a separate JVM with the chart's
 * defaults (1 GiB limit, 75% heap). Prints one BENCH line per run. Run with {@code bench/run real}.
 */
public final class RealBenchmark {
  static final int CEILING_PODS = Integer.getInteger("bench.pods", 1000);
  /**
   * The 10,000-task run (parallelism 3,000, the per-namespace envelope) runs by default; {@code BENCH_BIG_TASKS=0}
   * skips it (about 10 minutes of a run's 15 on this 2-core machine).
   */
  static final int BIG_TASKS = Integer.getInteger("bench.bigTasks", 10_000);
  static final int BIG_PARALLELISM = 3000;
  /** Extra JVM options for the operator (e.g. a JFR recording), split on spaces: {@code BENCH_OPERATOR_JVM_OPTS}. */
  static final String OPERATOR_JVM_OPTS = System.getProperty("bench.operatorJvmOpts", "");
  /** Only the fanout runs (no ceiling, no batch/v1 Job, no summary): {@code BENCH_FANOUT_ONLY=1}, for profiling. */
  static final boolean FANOUT_ONLY = Boolean.getBoolean("bench.fanoutOnly");
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(Long.getLong("bench.timeoutMinutes", 8));
  static final String OPERATOR_USER = "spaceone-job-operator";
  static final String NODE = "kwok-node";
  static final String RESULT = "{\"created_count\":1,\"updated_count\":2,\"deleted_count\":0,\"failure_count\":0,"
      + "\"success_count\":1,\"total_count\":3}";
  static final List<String> MUTATING = List.of("POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "APPLY");

  private final LocalControlPlane plane;
  private final KubernetesClient client;
  private final List<Process> children = new ArrayList<>();
  /** The operator's query API, which a {@link StatProbe} polls during each fan-out. */
  private StatProbe.Endpoint queryApi;

  private RealBenchmark(LocalControlPlane plane) {
    this.plane = plane;
    this.client = plane.client();
  }

  public static void main(String[] args) throws Exception {
    Path kwok = Paths.get(System.getProperty("bench.kwok"));
    Path jar = Paths.get(System.getProperty("bench.operatorJar"));
    // The job and garbage collector controllers run in the bench's own controller-manager, with lifted limits.
    System.setProperty("e2e.controllers", "namespace,serviceaccount,serviceaccount-token");
    try (LocalControlPlane plane = LocalControlPlane.start()) {
      RealBenchmark bench = new RealBenchmark(plane);
      try {
        bench.run(kwok, jar);
      } finally {
        bench.stopChildren();
      }
    }
    System.exit(0);
  }

  private void run(Path kwok, Path jar) throws Exception {
    startClusterChildren(kwok);
    double ceiling = Double.NaN;
    double batch = Double.NaN;
    if (!FANOUT_ONLY) {
      ceiling = ceiling();
      System.out.printf(Locale.ROOT, "BENCH real-ceiling pods=%d pods_per_s=%.1f%n", CEILING_PODS, ceiling);
      batch = batchJob();
      System.out.printf(Locale.ROOT, "BENCH real-batchjob pods=%d pods_per_s=%.1f%n", CEILING_PODS, batch);
    }

    for (Path crd : Files.list(Paths.get("crds")).filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
      CustomResourceDefinition item = client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).item();
      client.resource(item).serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(item.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(
                  cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())), 60, TimeUnit.SECONDS);
    }
    OperatorProcess operator = startOperator(jar);
    double fanout = fanout(operator, 1000, 1000);
    if (BIG_TASKS > 0) {
      fanout(operator, BIG_TASKS, BIG_PARALLELISM);
    } else {
      System.out.println("real-fanout tasks=10000 skipped (BENCH_BIG_TASKS=0)");
    }
    if (!FANOUT_ONLY) {
      System.out.printf(Locale.ROOT, "BENCH real-summary vs_batchjob=%.2f vs_ceiling=%.2f%n", fanout / batch,
          fanout / ceiling);
    }
  }

  // ---------------------------------------------------------------- the runs

  /** Bare pods created by one client (16 requests in flight), completed by KWOK. */
  private double ceiling() throws Exception {
    String ns = namespace("ceiling");
    PodCounter done = new PodCounter(client, ns);
    ProcessCpu cpuBefore = ProcessCpu.snapshot(-1);
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < CEILING_PODS; i++) {
      String name = "pod-" + i;
      creates.add(pool.submit(() -> client.pods().inNamespace(ns).resource(new PodBuilder()
          .withNewMetadata().withName(name).endMetadata()
          .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("bench:fake")
          .endContainer().endSpec().build()).create()));
    }
    for (Future<?> f : creates) {
      f.get();
    }
    pool.shutdown();
    await("bare pods Succeeded", () -> done.succeeded() >= CEILING_PODS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println("real-ceiling " + ProcessCpu.snapshot(-1).since(cpuBefore));
    done.close();
    return CEILING_PODS / seconds;
  }

  /** A batch/v1 Indexed Job, completions = parallelism = pods. */
  private double batchJob() {
    String ns = namespace("batchjob");
    ProcessCpu cpuBefore = ProcessCpu.snapshot(-1);
    long start = System.nanoTime();
    client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder()
        .withNewMetadata().withName("batch").endMetadata()
        .withNewSpec().withCompletionMode("Indexed").withCompletions(CEILING_PODS).withParallelism(CEILING_PODS)
        .withBackoffLimit(0)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("bench:fake").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    await("the batch/v1 Job to complete", () -> {
      var job = client.batch().v1().jobs().inNamespace(ns).withName("batch").get();
      return job.getStatus() != null && job.getStatus().getConditions() != null
          && job.getStatus().getConditions().stream().anyMatch(c -> "Complete".equals(c.getType())
          && "True".equals(c.getStatus()));
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println("real-batchjob " + ProcessCpu.snapshot(-1).since(cpuBefore));
    return CEILING_PODS / seconds;
  }

  /** One spaceone Job of {@code tasks} tasks; returns tasks/s. */
  private double fanout(OperatorProcess operator, int tasks, int parallelism) throws Exception {
    String ns = namespace("fanout-" + tasks);
    StringBuilder yaml = new StringBuilder("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: fanout
          namespace: %s
        spec:
          plugin:
            image: collector:bench
            env:
            - name: BENCH_RESULT
              value: '%s'
          parallelism: %d
          tasks:
        """.formatted(ns, RESULT, parallelism));
    for (int i = 0; i < tasks; i++) {
      yaml.append("  - options: {i: ").append(i).append("}\n");
    }
    Job job = client.getKubernetesSerialization().unmarshal(yaml.toString(), Job.class);

    // Status latency: a task's terminal status as a watch sees it, minus its pod's container finishedAt (which the API
    // server keeps to the second, so a lag reads up to 1 s long).
    Map<String, Long> terminalSeen = new ConcurrentHashMap<>();
    Map<String, String> podOfTask = new ConcurrentHashMap<>();
    // When the operator computed each final status (its status.finishedAt): the lag up to there is the operator's
    // own (event delivery and reconcile), the rest is its status write and the watch.
    Map<String, Long> recordedAt = new ConcurrentHashMap<>();
    SharedIndexInformer<JobTask> taskWatch = client.resources(JobTask.class).inNamespace(ns).inform(
        new OnChange<>(t -> {
          if (t.getStatus() != null && t.getStatus().getStatus() != null && t.getStatus().getStatus().isFinished()) {
            terminalSeen.putIfAbsent(t.getMetadata().getName(), System.currentTimeMillis());
            if (t.getStatus().getPodName() != null) {
              podOfTask.putIfAbsent(t.getMetadata().getName(), t.getStatus().getPodName());
            }
            if (t.getStatus().getFinishedAt() != null) {
              recordedAt.putIfAbsent(t.getMetadata().getName(), Instant.parse(t.getStatus().getFinishedAt()).toEpochMilli());
            }
          }
        }));
    StatProbe stat = StatProbe.start(queryApi, plane.issueClientCertificate("bench-stat", "system:masters"), ns,
        Duration.ofSeconds(60));
    Map<String, Long> before = operatorWrites();
    operator.heap.resetPeak();
    double cpuBefore = cpuSeconds(operator.process.pid());
    ProcessCpu allCpuBefore = ProcessCpu.snapshot(operator.process.pid());
    long start = System.nanoTime();
    // The Job is followed by a watch: polling it would read its 1,000-entry spec ten times a second.
    AtomicReference<Job> latest = new AtomicReference<>();
    SharedIndexInformer<Job> jobWatch = client.resources(Job.class).inNamespace(ns).inform(new OnChange<>(latest::set));
    client.resource(job).create();
    // The run's bound grows with its size: 8 minutes per 1,000 tasks by default.
    await("the Job of " + tasks + " tasks to finish", () -> {
      Job j = latest.get();
      return j != null && j.getStatus() != null && j.getStatus().getStatus() != null
          && j.getStatus().getStatus().isFinished();
    }, Duration.ofMillis(100), RUN_TIMEOUT.multipliedBy(Math.max(1, (tasks + 999) / 1000)));
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds(operator.process.pid()) - cpuBefore;
    StatProbe.Result stats = stat.stop();
    System.out.println("real-fanout tasks=" + tasks + " " + ProcessCpu.snapshot(operator.process.pid()).since(allCpuBefore));
    jobWatch.close();
    Job finished = latest.get();
    if (finished.getStatus().getStatus() != JobState.SUCCESS || finished.getStatus().getSuccessTasks() != tasks) {
      throw new IllegalStateException("the Job did not succeed with every task: " + finished.getStatus().getStatus()
          + " success=" + finished.getStatus().getSuccessTasks());
    }
    // Let the last finalizer releases land before counting. The pods are read once here, not watched during the
    // run: a watch would cost this process and the API server more than the operator's own pod informer.
    List<Pod> pods = new ArrayList<>();
    await("every task pod released", () -> {
      pods.clear();
      pods.addAll(client.pods().inNamespace(ns).list().getItems());
      return pods.stream().noneMatch(p -> p.getMetadata().getFinalizers() != null
          && !p.getMetadata().getFinalizers().isEmpty());
    }, Duration.ofSeconds(1));
    Map<String, Long> finishedAt = new TreeMap<>();
    for (Pod p : pods) {
      if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
        for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
          if (cs.getState() != null && cs.getState().getTerminated() != null
              && cs.getState().getTerminated().getFinishedAt() != null) {
            finishedAt.putIfAbsent(p.getMetadata().getName(),
                Instant.parse(cs.getState().getTerminated().getFinishedAt()).toEpochMilli());
          }
        }
      }
    }
    Map<String, Long> after = operatorWrites();
    long peakMb = operator.heap.peakBytes() / (1024 * 1024);
    // The used heap's peak counts garbage the JVM had no reason to collect yet (G1 fills its 768 MB before mixed
    // collections); the live heap, after a full GC with every task, pod and query record cached, is what the
    // operator needs.
    long liveMb = liveHeapBytes(operator.process.pid()) / (1024 * 1024);
    taskWatch.close();

    Map<String, Long> delta = new TreeMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d > 0) {
        delta.put(k, d);
      }
    });
    delta.merge("POST spaceone.dev/jobs", -1L, Long::sum); // the bench's own create
    delta.remove("POST authorization.k8s.io/subjectaccessreviews"); // the query API authorizing the stat probe
    long writes = delta.values().stream().mapToLong(Long::longValue).sum();
    List<Long> lags = lagsAfterFinish(terminalSeen, podOfTask, finishedAt);
    List<Long> operatorLags = lagsAfterFinish(recordedAt, podOfTask, finishedAt);
    long p99 = percentile(lags, 0.99);
    System.out.println("writes by verb and resource (API server metrics, operator's resources): " + delta
        + "; status lags measured for " + lags.size() + " tasks, p50 "
        + percentile(lags, 0.5) + " ms (up to the operator's status.finishedAt: p50 " + percentile(operatorLags, 0.5)
        + " ms, p99 " + percentile(operatorLags, 0.99) + " ms); operator CPU " + String.format(Locale.ROOT,
        "%.1f s over %.1f s wall; load average %s", cpu, seconds, loadAverage()));
    double rate = tasks / seconds;
    System.out.printf(Locale.ROOT,
        "BENCH real-fanout tasks=%d tasks_per_s=%.1f writes_per_task=%.2f status_p99_ms=%d peak_heap_mb=%d"
            + " live_heap_mb=%d%n", tasks, rate, (double) writes / tasks, p99, peakMb, liveMb);
    System.out.println(StatProbe.benchLine(tasks, stats));
    return rate;
  }

  // ---------------------------------------------------------------- writes, counted on the API server

  private static final Pattern REQUEST_TOTAL = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * Mutating requests by "VERB group/resource[/subresource]" from {@code apiserver_request_total}, restricted to
   * what only the operator writes while a fanout runs: the metric has no user label, so KWOK's pod status writes,
   * the scheduler's bindings and events.k8s.io Events, and node writes are left out. What remains but is not the
   * operator's: the API server's own identity Lease renewals (one per 10 s).
   */
  private Map<String, Long> operatorWrites() {
    Map<String, Long> counts = new TreeMap<>();
    String body;
    try {
      body = plane.adminHttpClient().send(HttpRequest.newBuilder(URI.create(plane.apiServerUrl() + "/metrics"))
          .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot read the API server's metrics", e);
    }
    for (String line : body.split("\n")) {
      Matcher m = REQUEST_TOTAL.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String verb = labels.getOrDefault("verb", "");
      String resource = labels.getOrDefault("resource", "");
      String sub = labels.getOrDefault("subresource", "");
      String group = labels.getOrDefault("group", "");
      boolean notOperator = resource.equals("nodes") || group.equals("events.k8s.io")
          || (resource.equals("pods") && (sub.equals("status") || sub.equals("binding")));
      if (!MUTATING.contains(verb) || notOperator) {
        continue;
      }
      String key = verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (sub.isEmpty() ? "" : "/" + sub);
      counts.merge(key, (long) Double.parseDouble(m.group(2)), Long::sum);
    }
    return counts;
  }

  /** Per task, the instant in {@code at} minus its pod's container finishedAt; sorted. */
  private static List<Long> lagsAfterFinish(Map<String, Long> at, Map<String, String> podOfTask,
      Map<String, Long> finishedAt) {
    List<Long> lags = new ArrayList<>();
    at.forEach((task, instant) -> {
      Long finished = finishedAt.get(podOfTask.getOrDefault(task, ""));
      if (finished != null) {
        lags.add(instant - finished);
      }
    });
    lags.sort(null);
    return lags;
  }

  /** The nearest-rank percentile of sorted values, or -1 when there are none. */
  private static long percentile(List<Long> sorted, double q) {
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.max(0, Math.min(sorted.size() - 1,
        Math.ceil(sorted.size() * q) - 1)));
  }

  /** The live objects' bytes in a JVM, after the full GC that {@code jmap -histo:live} runs. */
  private static long liveHeapBytes(long pid) {
    try {
      Process jmap = new ProcessBuilder("jmap", "-histo:live", String.valueOf(pid)).redirectErrorStream(true).start();
      String out = new String(jmap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jmap.waitFor(2, TimeUnit.MINUTES);
      Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
      return total.find() ? Long.parseLong(total.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** User + system CPU seconds of a process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ---------------------------------------------------------------- processes

  private void startClusterChildren(Path kwok) throws IOException {
    Path work = plane.workDir();
    Path kcmConfig = plane.kubeconfigForUser("system:kube-controller-manager", "system:masters");
    spawn("bench-controller-manager", List.of(
        LocalControlPlane.binDir().resolve("kube-controller-manager").toString(),
        "--kubeconfig=" + kcmConfig,
        "--controllers=job,garbagecollector,nodelifecycle",
        "--kube-api-qps=2000", "--kube-api-burst=4000",
        // KWOK's node never heartbeats here: keep it Ready for longer than any run.
        "--node-monitor-grace-period=1h",
        "--use-service-account-credentials=false", "--leader-elect=false", "--secure-port=0", "--v=1"));
    Path schedulerConfig = work.resolve("bench-scheduler.yaml");
    Files.writeString(schedulerConfig, """
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        clientConnection:
          kubeconfig: %s
          qps: 2000
          burst: 4000
        leaderElection:
          leaderElect: false
        """.formatted(plane.kubeconfigForUser("system:kube-scheduler", "system:masters")));
    spawn("bench-scheduler", List.of(LocalControlPlane.binDir().resolve("kube-scheduler").toString(),
        "--config=" + schedulerConfig, "--secure-port=0", "--v=1"));

    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
        .addToAnnotations("kwok.x-k8s.io/node", "fake").addToLabels("type", "kwok").endMetadata().build()).create();
    Path stages = work.resolve("kwok-stages.yaml");
    try (InputStream in = RealBenchmark.class.getResourceAsStream("/bench/kwok-stages.yaml")) {
      Files.write(stages, in.readAllBytes());
    }
    spawn("kwok", List.of(kwok.toString(),
        "--kubeconfig=" + plane.kubeconfigForUser("kwok", "system:masters"),
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--config=" + stages));
    await("the KWOK node Ready and untainted", () -> {
      var node = client.nodes().withName(NODE).get();
      return node.getStatus() != null && node.getStatus().getConditions() != null
          && node.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
          && "True".equals(c.getStatus()))
          && (node.getSpec().getTaints() == null || node.getSpec().getTaints().isEmpty());
    });
  }

  /** The operator's shaded jar in its own JVM, as the chart runs it (heap: 75% of the 1 GiB limit). */
  private OperatorProcess startOperator(Path jar) throws IOException {
    String leaseNs = namespace("spaceone-operator");
    // As in a cluster: a ServiceAccount's token (a client certificate kubeconfig makes fabric8 7.5.2 re-read the
    // file on every request after the first minute) and the image's JVM settings, with the heap of its 1 GiB limit.
    List<String> command = new ArrayList<>(List.of("java", "-Xmx768m"));
    for (String opt : OPERATOR_JVM_OPTS.split(" ")) {
      if (!opt.isBlank()) {
        command.add(opt);
      }
    }
    command.addAll(List.of("-jar", jar.toString(), "operator"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", serviceAccountKubeconfig(leaseNs).toString());
    builder.environment().put("JAVA_TOOL_OPTIONS", imageJavaToolOptions());
    builder.environment().put("LEADER_ELECTION", "true");
    builder.environment().put("LEADER_ELECTION_NAMESPACE", leaseNs);
    builder.environment().put("MANAGEMENT_PORT", "-1");
    builder.environment().put("LOG_LEVEL", "warn");
    queryApi = StatProbe.Endpoint.create(plane.workDir());
    builder.environment().putAll(queryApi.env());
    Process process = start("operator", builder);
    await("the operator to take its Lease", () -> client.leases().inNamespace(leaseNs).list().getItems().stream()
        .anyMatch(l -> l.getSpec().getHolderIdentity() != null && !l.getSpec().getHolderIdentity().isEmpty()));
    HeapSampler heap = new HeapSampler(process.pid());
    children.add(heap.jstat);
    return new OperatorProcess(process, heap);
  }

  private record OperatorProcess(Process process, HeapSampler heap) {
  }

  /** A kubeconfig with a token of the ServiceAccount {@value #OPERATOR_USER} in {@code namespace}, bound to cluster-admin. */
  private Path serviceAccountKubeconfig(String namespace) throws IOException {
    client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName(OPERATOR_USER).endMetadata().build()).create();
    client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
        .withName("bench-" + OPERATOR_USER).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
        .addNewSubject().withKind("ServiceAccount").withName(OPERATOR_USER).withNamespace(namespace).endSubject()
        .build()).create();
    String token = client.serviceAccounts().inNamespace(namespace).withName(OPERATOR_USER)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(24 * 3600L).endSpec().build())
        .getStatus().getToken();
    Path kubeconfig = plane.workDir().resolve("operator-token.kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster: {server: "%s", certificate-authority: "%s"}
        users:
        - name: operator
          user: {token: "%s"}
        contexts:
        - name: bench
          context: {cluster: bench, user: operator}
        current-context: bench
        """.formatted(plane.apiServerUrl(), plane.clusterCa().certPath(), token));
    return kubeconfig;
  }

  /** The operator image's JAVA_TOOL_OPTIONS, as the Dockerfile sets them (images/build.sh sets the same). */
  static String imageJavaToolOptions() throws IOException {
    Matcher m = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(Paths.get("Dockerfile")));
    if (!m.find()) {
      throw new IllegalStateException("the Dockerfile sets no JAVA_TOOL_OPTIONS");
    }
    return m.group(1);
  }

  private void spawn(String name, List<String> command) throws IOException {
    start(name, new ProcessBuilder(command));
  }

  private Process start(String name, ProcessBuilder builder) throws IOException {
    Path log = plane.workDir().resolve("logs").resolve(name + ".log");
    Process p = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    children.add(p);
    System.err.println("[bench] started " + name + " pid " + p.pid() + " (log " + log + ")");
    return p;
  }

  private void stopChildren() {
    for (int i = children.size() - 1; i >= 0; i--) {
      Process p = children.get(i);
      p.destroy();
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private String namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    await("the default ServiceAccount of " + name,
        () -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    return name;
  }

  private static void await(String what, BooleanSupplier condition) {
    await(what, condition, Duration.ofMillis(100));
  }

  private static void await(String what, BooleanSupplier condition, Duration poll) {
    await(what, condition, poll, RUN_TIMEOUT);
  }

  private static void await(String what, BooleanSupplier condition, Duration poll, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Counts a namespace's pods that reached Succeeded, from a watch. */
  private static final class PodCounter implements AutoCloseable {
    private final Map<String, Boolean> done = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> informer;

    PodCounter(KubernetesClient client, String ns) {
      informer = client.pods().inNamespace(ns).inform(new OnChange<>(p -> {
        if (p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase())) {
          done.put(p.getMetadata().getName(), true);
        }
      }));
    }

    int succeeded() {
      return done.size();
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  private record OnChange<T>(java.util.function.Consumer<T> consumer) implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T obj) {
      consumer.accept(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      consumer.accept(newObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    }
  }

  /** The operator JVM's used heap (young + old, garbage included), sampled by jstat every 500 ms. */
  private static final class HeapSampler {
    private final AtomicLong peak = new AtomicLong();
    private final Process jstat;

    HeapSampler(long pid) throws IOException {
      jstat = new ProcessBuilder("jstat", "-gc", String.valueOf(pid), "500").redirectErrorStream(true).start();
      Thread reader = new Thread(this::read, "bench-jstat");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
        String[] header = null;
        for (String line; (line = r.readLine()) != null; ) {
          String[] cols = line.trim().split("\\s+");
          if (cols.length > 0 && cols[0].equals("S0C")) {
            header = cols;
            continue;
          }
          if (header == null || cols.length != header.length) {
            continue;
          }
          double usedKb = 0;
          for (int i = 0; i < header.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
              usedKb += Double.parseDouble(cols[i]);
            }
          }
          long bytes = (long) (usedKb * 1024);
          peak.accumulateAndGet(bytes, Math::max);
        }
      } catch (IOException | NumberFormatException e) {
        throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
      }
    }

    void resetPeak() {
      peak.set(0);
    }

    long peakBytes() {
      return peak.get();
    }
  }
}
