package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.runtime.SpaceOneOperator;
import dev.spaceone.operator.sandbox.ManifestApplier.Applied;
import dev.spaceone.operator.sandbox.ManifestApplier.AppliedJob;
import dev.spaceone.operator.sandbox.ManifestLoader.Loaded;
import dev.spaceone.operator.sandbox.ManifestLoader.Manifest;
import dev.spaceone.operator.sandbox.ProgressView.JobView;
import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.testkit.LocalControlPlane;
import dev.spaceone.testkit.LocalImages;
import dev.spaceone.testkit.RealNode;
import dev.spaceone.testkit.LocalGarbageCollector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

/**
 * {@code java -jar spaceone-sandbox.jar}: the whole product on one machine, without a cluster. It starts an in-process
 * Kubernetes API ({@link MockApiServer}), runs the operator against it over HTTP exactly as in a cluster
 * ({@link SpaceOneOperator#start}), runs the query API ({@link SandboxQueryApi}) and a {@link LocalKubelet} that runs
 * each task pod's command as a local process (or, with {@code --control-plane real}, a real control plane and, where
 * the machine allows it, a real node: {@link RealCluster}), applies the manifests ({@link ManifestLoader}, {@link ManifestApplier}),
 * shows progress ({@link ProgressView}) and prints each Job's outcome. Exit code: 0 when every Job ended SUCCESS,
 * 1 when one did not (or {@code --timeout} passed), 2 for a usage, manifest or port error.
 */
public final class SandboxCommand {
  public static final int OK = 0;
  public static final int JOB_NOT_SUCCESSFUL = 1;
  public static final int USAGE = 2;
  /** Ctrl-C (SIGINT), as shells report it. */
  public static final int INTERRUPTED = 130;
  static final Duration POLL = Duration.ofMillis(250);
  private static final Set<JobState> TERMINAL = Set.of(JobState.SUCCESS, JobState.FAILURE, JobState.TIMEOUT,
      JobState.CANCELED, JobState.ERROR);

  private final SandboxOptions options;
  private final PrintStream out;
  private final PrintStream err;
  private final Path workDir;
  /** Task pods run on a real node (containerd + kubelet), not as local processes. */
  private final boolean realNode;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private KubernetesClient client;
  private SandboxQueryApi queryApi;
  private SandboxCluster api;
  private LocalKubelet kubelet;

  private SandboxCommand(SandboxOptions options, PrintStream out, PrintStream err, Path workDir, boolean realNode) {
    this.options = options;
    this.realNode = realNode;
    this.out = out;
    this.err = err;
    this.workDir = workDir;
  }

  /** The sandbox jar's entry point. Logging is configured by {@link #run} (to files): before any logger exists. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command with the process's streams; returns the exit code. Configures logging: call it first. */
  public static int run(String[] args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (SandboxOptions.wantsHelp(args)) {
      out.print(SandboxOptions.USAGE);
      return OK;
    }
    SandboxOptions options;
    try {
      options = SandboxOptions.parse(args);
    } catch (SandboxOptions.UsageException e) {
      err.println("sandbox: " + e.getMessage());
      err.println("run 'java -jar sandbox/target/spaceone-sandbox.jar --help' for the flags");
      return USAGE;
    }
    Path workDir;
    try {
      workDir = Files.createTempDirectory("spaceone-sandbox-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      err.println("sandbox: cannot create a temporary folder: " + e.getMessage());
      return USAGE;
    }
    // Before any class with a logger loads (LocalControlPlane and RealNode below): their logs go to the file too.
    configureLogging(workDir);
    Optional<String> noRealControlPlane = "real".equals(options.controlPlane())
        ? LocalControlPlane.unavailableReason() : Optional.empty();
    if (noRealControlPlane.isPresent()) {
      err.println("sandbox: --control-plane real needs kube-apiserver, etcd and kube-controller-manager: "
          + noRealControlPlane.get() + ". Or use --control-plane mock, the default.");
      deleteQuietly(workDir);
      return USAGE;
    }
    boolean wantsNode = "real".equals(options.controlPlane()) && !"local".equals(options.node());
    Optional<String> noRealNode = wantsNode ? RealCluster.realNodeUnavailableReason(Path.of("")) : Optional.empty();
    if (noRealNode.isPresent()) {
      if ("real".equals(options.node())) {
        err.println("sandbox: --node real: " + noRealNode.get());
        deleteQuietly(workDir);
        return USAGE;
      }
      err.println("sandbox: " + noRealNode.get() + "; task pods run as local processes instead (--node local)");
    }
    boolean realNode = wantsNode && noRealNode.isEmpty();
    SandboxCommand command = new SandboxCommand(options, out, err, workDir, realNode);
    Thread hook = new Thread(() -> {
      if (command.stop()) {
        err.println();
        err.println("sandbox: stopped; " + (realNode ? "the real node's pods, containers, mounts and network were"
            + " removed" : "every plugin process was killed") + ". Logs in " + workDir);
      }
    }, "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = command.execute();
    command.stop();
    if (code == JOB_NOT_SUCCESSFUL || options.keepRunning()) {
      out.println("sandbox: logs kept in " + workDir);
    } else {
      deleteQuietly(workDir);
    }
    return code;
  }

  /** The operator's and the mock server's logs go to files in the sandbox's folder, not to the terminal. */
  private static void configureLogging(Path workDir) {
    String level = System.getenv().getOrDefault("LOG_LEVEL", "info");
    System.setProperty("org.slf4j.simpleLogger.logFile", workDir.resolve("sandbox.log").toString());
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.javaoperatorsdk", "warn".equals(level) ? "warn" : "info");
    LogManager.getLogManager().reset();
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(Level.WARNING);
    try {
      FileHandler file = new FileHandler(workDir.resolve("api-server.log").toString());
      file.setFormatter(new SimpleFormatter());
      root.addHandler(file);
    } catch (IOException e) {
      // no log file: the mock server's warnings are dropped
    }
  }

  private int execute() {
    ManifestLoader loader = new ManifestLoader();
    Loaded loaded = loader.load(options.manifests());
    if (!loaded.problems().isEmpty()) {
      err.println("sandbox: " + loaded.problems().size() + (loaded.problems().size() == 1 ? " problem" : " problems")
          + " in the manifests; nothing was applied:");
      loaded.problems().forEach(p -> err.println("  " + p));
      return USAGE;
    }
    try {
      if ("real".equals(options.controlPlane())) {
        if (options.port() != 0) {
          err.println("sandbox: --port applies to the mock API; the real kube-apiserver takes a free port");
        }
        List<Path> nodeImages = null;
        if (realNode) {
          Path repo = LocalImages.repository(Path.of("")).orElseThrow();
          List<String> targets = imageTargets(loaded.manifests());
          out.println("sandbox: building the node's images (images/build.sh " + String.join(" ", targets)
              + "; cached after the first time)");
          try {
            nodeImages = LocalImages.build(repo, targets.toArray(String[]::new));
          } catch (RuntimeException e) {
            err.println("sandbox: the node's images did not build: " + e.getMessage());
            return USAGE;
          }
          out.println("sandbox: starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd"
              + " and a kubelet (--control-plane real, a real node)");
          if (RealNode.anotherNodeRuns()) {
            out.println("sandbox: another real node runs on this machine (an e2e run or another sandbox; one at a"
                + " time): this one starts when it is gone, 10 minutes at most");
          }
        } else {
          out.println("sandbox: starting etcd, kube-apiserver and kube-controller-manager (--control-plane real)");
        }
        api = RealCluster.start(options.queryAddress(), nodeImages);
      } else {
        api = MockApiServer.start(options.port());
      }
    } catch (MockApiServer.PortInUseException e) {
      err.println("sandbox: " + e.getMessage());
      return USAGE;
    } catch (IllegalStateException e) {
      err.println("sandbox: the control plane did not start: " + e.getMessage());
      return USAGE;
    }
    running.add(api);
    Path podLogs;
    try {
      podLogs = Files.createDirectories(workDir.resolve("pods"));
      Files.createDirectories(workDir.resolve("run"));
    } catch (IOException e) {
      err.println("sandbox: " + e.getMessage());
      return USAGE;
    }
    client = api.client("spaceone-sandbox");
    PluginRunner runner;
    if (realNode) {
      // The runner of grpc pods from the operator's image that images/build.sh built (a container on the node).
      runner = new PluginRunner(LocalImages.operatorImage(LocalImages.repository(Path.of("")).orElseThrow()),
          PluginRunner.DEFAULT.command());
    } else {
      kubelet = new LocalKubelet(api.client("sandbox-kubelet"), workDir.resolve("run"), podLogs, notes::add);
      running.add(kubelet);
      LocalKubelet pods = kubelet;
      api.serveLogs((namespace, pod, container) -> pods.log(pod, container));
      runner = LocalRunner.command(System.getenv());
    }
    if (!api.collectsGarbage()) {
      running.add(new LocalGarbageCollector(api.client("sandbox-garbage-collector")));
    }
    SpaceOneOperator operator = SpaceOneOperator.start(api.client("spaceone-job-operator"),
        OperatorSettings.forTests().withRunner(runner), Clock.systemUTC());
    running.add(operator);
    try {
      queryApi = api.startQueryApi(workDir, operator.records());
      running.add(queryApi);
    } catch (IOException e) {
      err.println("sandbox: the query API did not start: " + e.getMessage());
      return USAGE;
    }
    out.println("sandbox: " + api.description() + ", query API " + queryApi.url() + ", operator started");
    List<SandboxPostgres.SinkSecret> sinkSecrets = SandboxPostgres.missingSinkSecrets(loaded.manifests(),
        options.namespace());
    if (!sinkSecrets.isEmpty()) {
      try {
        SandboxPostgres postgres = SandboxPostgres.start(options.postgres(), SandboxPostgres.DEFAULT_DATA);
        running.add(postgres);
        for (SandboxPostgres.SinkSecret s : sinkSecrets) {
          if (client.namespaces().withName(s.namespace()).get() == null) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(s.namespace()).endMetadata().build()).create();
          }
          api.awaitNamespace(client, s.namespace());
        }
        postgres.createSecrets(client, sinkSecrets);
        out.println("sandbox: sink: postgres -> " + postgres.description() + "; Secret(s) "
            + String.join(", ", sinkSecrets.stream().map(s -> s.namespace() + "/" + s.name()).toList()));
      } catch (IOException | RuntimeException e) {
        err.println("sandbox: the PostgreSQL for sink: postgres did not start: " + e.getMessage()
            + " (another sandbox using it? give --postgres URL)");
        return USAGE;
      }
    }
    out.println("sandbox: logs in " + workDir + " (sandbox.log: operator; " + (realNode
        ? "pod logs: kubectl logs, served by the node's kubelet" : "pods/: plugin output")
        + "; kept when a Job fails or with --keep-running)");

    Applied applied = new ManifestApplier(client, options.namespace(), ns -> api.awaitNamespace(client, ns))
        .apply(loaded.manifests());
    if (!applied.problems().isEmpty()) {
      err.println("sandbox: some manifests could not be applied:");
      applied.problems().forEach(p -> err.println("  " + p));
      return USAGE;
    }
    out.println("sandbox: applied " + String.join(", ", applied.created()));

    List<AppliedJob> jobs = applied.jobs();
    boolean finished = follow(jobs);
    if (stopped.get()) {
      return INTERRUPTED;
    }
    List<Job> last = jobs.stream().map(this::job).toList();
    out.println();
    for (int i = 0; i < jobs.size(); i++) {
      describe(jobs.get(i), last.get(i));
    }
    answerQueries(applied.queries());
    if (!notes.isEmpty()) {
      out.println("Notes:");
      notes.forEach(n -> out.println("  " + n));
    }
    if (!finished) {
      out.println("sandbox: gave up after --timeout " + options.timeout().toSeconds() + "s; the Jobs had not finished");
    }
    boolean allSucceeded = finished;
    for (int i = 0; i < jobs.size(); i++) {
      Job job = last.get(i);
      JobStatus s = job == null ? null : job.getStatus();
      allSucceeded &= s != null && s.getStatus() == JobState.SUCCESS;
      out.println(summaryLine(jobs.get(i).name(), s));
    }
    out.flush();
    if (options.keepRunning()) {
      keepRunning();
    }
    return allSucceeded ? OK : JOB_NOT_SUCCESSFUL;
  }

  /**
   * The images/build.sh targets a real node needs for these manifests: busybox and pause always; the operator's
   * image (the grpc runner) for a grpc Job; the example plugin's image for a Job that names it. Other images are
   * not pulled (no registry): their pods fail with ErrImageNeverPull or ErrImagePull.
   */
  static List<String> imageTargets(List<Manifest> manifests) {
    Set<String> targets = new LinkedHashSet<>(List.of("test"));
    for (Manifest m : manifests) {
      if (!m.isJob()) {
        continue;
      }
      JsonNode plugin = m.document().path("spec").path("plugin");
      if ("grpc".equals(plugin.path("protocol").asText())) {
        targets.add("operator");
      }
      if (plugin.path("image").asText().matches("(docker\\.io/library/)?spaceone-example-plugin:.*")) {
        targets.add("example-plugin");
      }
    }
    return List.copyOf(targets);
  }

  /** The last line for a Job: {@code SANDBOX <job> <STATUS> tasks=<done>/<total> created= updated= failures=}. */
  static String summaryLine(String job, JobStatus s) {
    if (s == null || s.getStatus() == null) {
      return "SANDBOX " + job + " UNKNOWN tasks=0/0 created=0 updated=0 failures=0";
    }
    return "SANDBOX " + job + " " + s.getStatus() + " tasks=" + ProgressView.done(s) + "/" + s.getTotalTasks()
        + " created=" + s.getCreatedCount() + " updated=" + s.getUpdatedCount() + " failures=" + s.getFailureTasks();
  }

  /** Shows progress until every Job is finished; false when --timeout passed first. */
  private boolean follow(List<AppliedJob> jobs) {
    ProgressView view = new ProgressView(out, System.console() != null);
    long deadline = options.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + options.timeout().toNanos();
    while (true) {
      List<JobView> views = jobs.stream().map(j -> new JobView(j.name(), job(j), tasks(j))).toList();
      boolean done = views.stream().allMatch(v -> v.job() != null && v.job().getStatus() != null
          && TERMINAL.contains(v.job().getStatus().getStatus()));
      if (done || System.nanoTime() > deadline || stopped.get()) {
        view.finish(views);
        return done;
      }
      view.show(views);
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private Job job(AppliedJob j) {
    return client.resources(Job.class).inNamespace(j.namespace()).withName(j.name()).get();
  }

  private List<JobTask> tasks(AppliedJob j) {
    return client.resources(JobTask.class).inNamespace(j.namespace()).withLabel("spaceone.dev/job", j.name()).list()
        .getItems().stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
  }

  private void describe(AppliedJob applied, Job job) {
    JobStatus s = job == null ? null : job.getStatus();
    if (s == null) {
      out.println("Job " + applied.namespace() + "/" + applied.name() + ": no status (the operator did not reconcile it)");
      return;
    }
    out.println("Job " + applied.namespace() + "/" + applied.name() + ": " + s.getStatus() + "  tasks "
        + ProgressView.done(s) + "/" + s.getTotalTasks() + " (" + s.getSuccessTasks() + " succeeded, "
        + s.getFailureTasks() + " failed, " + s.getCanceledTasks() + " canceled)"
        + (s.getStartedAt() != null && s.getFinishedAt() != null ? "  " + s.getStartedAt() + " .. " + s.getFinishedAt()
            : ""));
    out.println("  counts: " + Arrays.stream(ResultCount.values()).map(c -> c.word() + " " + s.get(c))
        .collect(Collectors.joining(", ")));
    if (s.getErrorCode() != null) {
      out.println("  error: " + s.getErrorCode() + (s.getErrorMessage() == null ? "" : ": " + s.getErrorMessage()));
    }
    for (JobTask task : tasks(applied)) {
      JobTaskStatus ts = task.getStatus();
      if (ts != null && ts.getErrorCode() != null) {
        out.println("  task " + task.getMetadata().getName() + " " + ts.getStatus() + ": " + ts.getErrorCode()
            + (ts.getErrorMessage() == null ? "" : ": " + ts.getErrorMessage())
            + pluginOutput(applied.namespace(), ts.getPodName()).map(f -> "  (plugin output: " + f + ")").orElse(""));
      }
    }
    printStat(applied, s);
  }

  /**
   * Where a pod's output is: the local kubelet's file, or, on a real node, each container's log read through the API
   * (from the node's kubelet) and saved as {@code pods/<pod>.<container>.log}, so that it outlives the node.
   */
  private Optional<String> pluginOutput(String namespace, String podName) {
    if (podName == null) {
      return Optional.empty();
    }
    if (kubelet != null) {
      return Optional.of(kubelet.logFile(podName)).filter(Files::exists).map(Path::toString);
    }
    try {
      var pod = client.pods().inNamespace(namespace).withName(podName);
      io.fabric8.kubernetes.api.model.Pod found = pod.get();
      if (found == null) {
        return Optional.empty();
      }
      List<String> files = new ArrayList<>();
      List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>(found.getSpec().getInitContainers());
      containers.addAll(found.getSpec().getContainers());
      for (String container : containers.stream().map(io.fabric8.kubernetes.api.model.Container::getName).toList()) {
        String log = pod.inContainer(container).getLog();
        if (log != null && !log.isEmpty()) {
          Path file = workDir.resolve("pods").resolve(podName + "." + container + ".log");
          Files.writeString(file, log);
          files.add(file.toString());
        }
      }
      return files.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", files));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The tasks grouped by status, through the query API, once its records caught up with the Job's status. */
  private void printStat(AppliedJob applied, JobStatus s) {
    try {
      JsonNode answer = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        answer = queryApi.tasksByStatus(applied.namespace(), applied.name());
        if (settled(answer, s)) {
          break;
        }
        Thread.sleep(100);
      }
      JsonNode results = answer == null ? null : answer.path("status").path("results");
      if (results == null || !results.isArray()) {
        out.println("  tasks by status: the query API answered " + answer);
        return;
      }
      out.println("  tasks by status (Stat through the query API):");
      out.println(String.format("    %-12s %6s %8s", "STATUS", "TASKS", "CREATED"));
      for (JsonNode row : results) {
        out.println(String.format("    %-12s %6d %8d", row.path("status").asText(), row.path("tasks").asLong(),
            row.path("created").asLong()));
      }
    } catch (IOException e) {
      out.println("  tasks by status: the query API did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a stat answer counts every task of the Job, none of them unfinished. */
  private static boolean settled(JsonNode answer, JobStatus s) {
    JsonNode results = answer.path("status").path("results");
    if (!results.isArray()) {
      return true;
    }
    long tasks = 0;
    for (JsonNode row : results) {
      if (List.of("PENDING", "IN_PROGRESS").contains(row.path("status").asText())) {
        return false;
      }
      tasks += row.path("tasks").asLong();
    }
    return tasks == s.getTotalTasks();
  }

  /** Answers the Search / Stat / Analysis manifests that were given, as kubectl create -o yaml would show them. */
  private void answerQueries(List<Manifest> queries) {
    YAMLMapper yaml = new YAMLMapper();
    for (Manifest query : queries) {
      try {
        JsonNode answer = queryApi.create(options.namespace(), query.document());
        out.println(query.kind() + " " + query.name() + " (" + query.file() + "):");
        JsonNode shown = answer.has("status") && answer.path("kind").asText().equals(query.kind())
            ? answer.path("status") : answer;
        yaml.writeValueAsString(shown).lines().filter(l -> !l.equals("---")).forEach(l -> out.println("  " + l));
      } catch (IOException e) {
        out.println(query.where() + ": the query API did not answer: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void keepRunning() {
    try {
      Path kubeconfig = api.writeKubeconfig(workDir, queryApi, options.namespace());
      out.println();
      out.println("sandbox: still running (--keep-running); stop it with Ctrl-C. kubeconfig: " + kubeconfig);
      out.println("  kubectl --kubeconfig " + kubeconfig + " get sjob,sjt,pods" + (realNode ? " -o wide" : ""));
      if (api instanceof RealCluster real && real.node().isPresent()) {
        out.println("  kubectl --kubeconfig " + kubeconfig + " logs <pod>   (served by the node's kubelet)");
        out.println("  ctr --address " + real.node().get().containerdSocket() + " -n k8s.io containers ls"
            + "   (the node's containers, as root)");
      }
      out.println("  kubectl --kubeconfig " + kubeconfig + " apply -f examples/cost-analysis/job.yaml");
      if (api instanceof MockApiServer || api instanceof RealCluster real && real.aggregated()) {
        out.println("  kubectl --kubeconfig " + kubeconfig + " create -f examples/queries/stat.yaml -o yaml");
      } else {
        out.println("  (the query API " + queryApi.url() + " is not registered as an APIService on the real control"
            + " plane: the sandbox's Stat above went to it directly)");
      }
      out.flush();
      new CountDownLatch(1).await();
    } catch (IOException e) {
      err.println("sandbox: cannot write the kubeconfig: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops everything, the kubelet first so that no plugin process outlives the sandbox; safe to call twice. */
  boolean stop() {
    if (!stopped.compareAndSet(false, true)) {
      return false;
    }
    if (kubelet != null) {
      kubelet.close();
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        // shutting down: nothing to do about it
      }
    }
    return true;
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // a temp folder left behind
    }
  }
}
