package dev.spaceone.operator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the sandbox as a user does: a separate JVM ({@code java -cp <test classpath>
 * dev.spaceone.operator.sandbox.SandboxCommand ...}) started in the repository's root, checked by its exit code and output.
 */
class SandboxCommandTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Pattern EXPECTED = Pattern.compile(
      "(?m)^# Expected when it finishes: status (\\w+), (\\d+)/(\\d+) tasks, createdCount (\\d+), updatedCount (\\d+)");

  record Run(int exitCode, String stdout, String stderr) {
    List<String> lines() {
      return stdout.lines().toList();
    }

    String all() {
      return stdout + stderr;
    }
  }

  static Run sandbox(Path tmp, String... args) throws IOException, InterruptedException {
    return sandbox(tmp, java.util.Map.of(), args);
  }

  static Run sandbox(Path tmp, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return sandbox(tmp, env, java.time.Duration.ofSeconds(240), args);
  }

  static Run sandbox(Path tmp, java.util.Map<String, String> env, java.time.Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        "dev.spaceone.operator.sandbox.SandboxCommand"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "sandbox", ".out");
    Path err = Files.createTempFile(tmp, "sandbox", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("the sandbox did not exit within " + timeout + "; output so far:\n"
            + Files.readString(out));
      }
    } finally {
      ProcessTrees.kill(process.toHandle(), java.time.Duration.ofSeconds(2));
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theInventoryExampleEndsAsItsCommentPromises(@TempDir Path tmp) throws Exception {
    String job = Files.readString(REPO.resolve("examples/inventory/job.yaml"));
    Matcher expected = EXPECTED.matcher(job);
    assertTrue(expected.find(), "examples/inventory/job.yaml states what to expect");
    assertEquals("SUCCESS", expected.group(1));
    assertEquals(expected.group(2), expected.group(3), "every task finishes");

    Run run = sandbox(tmp);

    assertEquals(0, run.exitCode(), run.all());
    String last = run.lines().get(run.lines().size() - 1);
    // The example's comment: status SUCCESS, 3/3 tasks, createdCount 12, updatedCount 6, failureCount 0.
    assertEquals("SANDBOX inventory-aws " + expected.group(1) + " tasks=" + expected.group(2) + "/" + expected.group(3)
        + " created=" + expected.group(4) + " updated=" + expected.group(5) + " failures=0", last, run.all());
    assertEquals("SANDBOX inventory-aws SUCCESS tasks=3/3 created=12 updated=6 failures=0", last);
    // The Stat through the query API: all three tasks SUCCESS, created summed.
    assertTrue(run.stdout().lines().anyMatch(l -> l.trim().matches("SUCCESS\\s+3\\s+12")), run.all());
    // No secret value of examples/inventory/secrets.yaml is ever shown.
    for (String secret : List.of("fake-dev-secret-key-do-not-use", "AKIAFAKEDEV000000001", "fake-prod-secret-key")) {
      assertFalse(run.all().contains(secret), "secret data in the output");
    }
    // Nothing is left behind after a successful run: not the logs, not the tasks' private folders.
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("spaceone-sandbox-")), run.all());
    }
  }

  /**
   * The SpaceONE gRPC examples: the example Python plugins (venv of examples/plugin/python/setup-venv.sh) as
   * sidecars, the runner (from this class path) as main process; the cost Jobs divided by their plugin, with one
   * Secret and with two (one planning pod per Secret).
   */
  /**
   * RUNNER_COMMAND for the sandbox of a grpc example: the runner from this class path. Skips the test when the
   * example plugins' venv is absent (fails it when SPACEONE_PY_VENV_REQUIRED is set).
   */
  static String grpcRunnerCommand() {
    Path plugin = LocalKubelet.defaultVenv(System.getenv()).resolve("bin/spaceone-example-plugin");
    String skip = "the example plugins' venv is absent (" + plugin + "): run examples/plugin/python/setup-venv.sh";
    if (!Files.isExecutable(plugin) && "true".equals(System.getenv("SPACEONE_PY_VENV_REQUIRED"))) {
      throw new AssertionError("SPACEONE_PY_VENV_REQUIRED is set but " + skip);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(plugin), skip);
    return Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:TieredStopAtLevel=1 -cp "
        + System.getProperty("java.class.path") + " dev.spaceone.runner.Main";
  }

  @Test
  void theGrpcExamplesEndAsTheirCommentsPromise(@TempDir Path tmp) throws Exception {
    String runner = grpcRunnerCommand();

    long started = System.nanoTime();
    Run run = sandbox(tmp, java.util.Map.of("RUNNER_COMMAND", runner), java.time.Duration.ofMinutes(10),
        "examples/spaceone-grpc-inventory/", "examples/spaceone-grpc-cost/", "examples/spaceone-grpc-cost-accounts/");
    System.out.printf("SandboxCommandTest: the three grpc examples in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);

    assertEquals(0, run.exitCode(), run.all());
    for (String example : List.of("spaceone-grpc-inventory", "spaceone-grpc-cost", "spaceone-grpc-cost-accounts")) {
      Matcher expected = EXPECTED.matcher(Files.readString(REPO.resolve("examples/" + example + "/job.yaml")));
      assertTrue(expected.find(), example + " states what to expect");
      assertTrue(run.lines().contains("SANDBOX " + example + " " + expected.group(1) + " tasks=" + expected.group(2)
          + "/" + expected.group(3) + " created=" + expected.group(4) + " updated=" + expected.group(5)
          + " failures=0"), run.all());
    }
    assertTrue(run.lines().contains("SANDBOX spaceone-grpc-inventory SUCCESS tasks=2/2 created=12 updated=0 failures=0"),
        run.all());
    // Divided by the plugin into more than one task.
    assertTrue(run.lines().contains("SANDBOX spaceone-grpc-cost SUCCESS tasks=3/3 created=12 updated=0 failures=0"),
        run.all());
    // Divided by the plugin with each of its two Secrets: 2 months each.
    assertTrue(run.lines().contains(
        "SANDBOX spaceone-grpc-cost-accounts SUCCESS tasks=4/4 created=16 updated=0 failures=0"), run.all());
    for (String secret : List.of("not-a-real-key-a", "not-a-real-key-b", "not-a-real-key", "not-a-real-cost-key-a",
        "not-a-real-cost-key-b")) {
      assertFalse(run.all().contains(secret), "secret data in the output");
    }
  }

  @Test
  void aPluginCommandThatDoesNotExistFailsTheTaskAndSaysWhy(@TempDir Path tmp) throws Exception {
    Path manifest = tmp.resolve("missing-plugin.yaml");
    Files.writeString(manifest, """
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: missing-plugin
        spec:
          service: inventory
          tasks:
            - options: {created: 1}
          plugin:
            image: example/missing-plugin:1.0
            command: ["spaceone-no-such-plugin", "--collect"]
        """);

    Run run = sandbox(tmp, manifest.toString());

    assertEquals(SandboxCommand.JOB_NOT_SUCCESSFUL, run.exitCode(), run.all());
    assertEquals("SANDBOX missing-plugin FAILURE tasks=1/1 created=0 updated=0 failures=1",
        run.lines().get(run.lines().size() - 2), run.all());
    assertTrue(run.stdout().contains("the plugin exited with code 127: exec: \"spaceone-no-such-plugin\": "
        + "executable file not found in $PATH"), run.all());
    assertTrue(run.stdout().contains("the plugin command 'spaceone-no-such-plugin' does not exist on this machine"),
        run.all());
    assertTrue(run.lines().get(run.lines().size() - 1).startsWith("sandbox: logs kept in "), run.all());
  }

  @Test
  void anInvalidManifestIsRejectedNamingFileDocumentAndField(@TempDir Path tmp) throws Exception {
    Path manifest = tmp.resolve("invalid.yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: Secret
        metadata:
          name: fine
        stringData: {key: value}
        ---
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: invalid
        spec:
          tasks: [{}]
          parallelism: many
          plugin:
            image: busybox:1.36
            imagePullPolicy: Always
        """);
    Path broken = tmp.resolve("broken.yaml");
    Files.writeString(broken, "kind: [Job\n");

    Run run = sandbox(tmp, manifest.toString(), broken.toString());

    assertEquals(SandboxCommand.USAGE, run.exitCode(), run.all());
    assertTrue(run.stderr().contains("nothing was applied"), run.all());
    assertTrue(run.stderr().contains(manifest + " (document 2, Job invalid): spec.parallelism: string found, "
        + "integer expected"), run.all());
    assertTrue(run.stderr().contains(manifest + " (document 2, Job invalid): spec.plugin.imagePullPolicy: "),
        run.all());
    assertTrue(run.stderr().contains(broken + " (document 1): does not parse as YAML at line"), run.all());
    assertFalse(run.stdout().contains("SANDBOX"), run.all());
  }

  @Test
  void aPortInUseIsAClearError(@TempDir Path tmp) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = sandbox(tmp, "--port", String.valueOf(taken.getLocalPort()));

      assertEquals(SandboxCommand.USAGE, run.exitCode(), run.all());
      assertTrue(run.stderr().contains("sandbox: port " + taken.getLocalPort() + " is already in use"), run.all());
    }
  }

  /** A sandbox started with {@code --keep-running} and {@code args}, its output (stdout and stderr) to {@code out}. */
  static Process startKeepRunning(Path tmp, Path out, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        "dev.spaceone.operator.sandbox.SandboxCommand", "--keep-running"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
  }

  /** The kubeconfig a {@code --keep-running} sandbox prints once its Jobs finished; fails after {@code timeout}. */
  static String awaitKubeconfig(Process sandbox, Path out, java.time.Duration timeout) throws Exception {
    Pattern line = Pattern.compile("kubeconfig: (\\S+)$", Pattern.MULTILINE);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && sandbox.isAlive()) {
      Matcher m = line.matcher(Files.readString(out));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(200);
    }
    Matcher m = line.matcher(Files.readString(out));
    assertTrue(m.find(), "no kubeconfig line:\n" + Files.readString(out));
    return m.group(1);
  }

  /**
   * {@code --keep-running}: the printed kubeconfig serves kubectl, including the query group, and stopping the
   * sandbox (SIGTERM, as Ctrl-C) stops it. Needs kubectl on PATH.
   */
  @Test
  void keepRunningServesKubectlIncludingTheQueryApi(@TempDir Path tmp) throws Exception {
    Path kubectl = LocalKubelet.which("kubectl", System.getenv("PATH")).orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null, "kubectl is not on PATH");
    Path out = tmp.resolve("sandbox.out");
    Process sandbox = startKeepRunning(tmp, out, "examples/inventory", "examples/cost-analysis");
    try {
      String kubeconfig = awaitKubeconfig(sandbox, out, java.time.Duration.ofSeconds(180));
      String printed = Files.readString(out);
      assertTrue(printed.contains("SANDBOX cost-analysis-2024-q1 SUCCESS tasks=3/3 created=345"), printed);

      Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig, "--cache-dir",
          tmp.resolve("kube-cache").toString(), "create", "-f", "examples/queries/stat.yaml", "-o", "json")
          .directory(REPO.toFile()).redirectErrorStream(true).start();
      String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), answer);
      // examples/queries/stat.yaml: status.results is [{status: SUCCESS, tasks: 3, created: 345}].
      var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer).path("status").path("results");
      assertEquals(1, results.size(), answer);
      assertEquals("SUCCESS", results.get(0).path("status").asText(), answer);
      assertEquals(3, results.get(0).path("tasks").asInt(), answer);
      assertEquals(345, results.get(0).path("created").asInt(), answer);
    } finally {
      sandbox.destroy();
      assertTrue(sandbox.waitFor(30, TimeUnit.SECONDS), "the sandbox stops on SIGTERM");
    }
  }

  @Test
  void withoutItsBinariesTheRealControlPlaneSaysWhatItNeeds(@TempDir Path tmp) throws Exception {
    Run run = sandbox(tmp, java.util.Map.of("SPACEONE_E2E_CACHE", tmp.resolve("empty-cache").toString()),
        "--control-plane", "real");

    assertEquals(SandboxCommand.USAGE, run.exitCode(), run.all());
    // The same binaries, at the same place, as the e2e suite looks for (one rule: LocalControlPlane's).
    assertTrue(run.stderr().contains("--control-plane real needs kube-apiserver, etcd and kube-controller-manager: "
        + "e2e control plane binaries [etcd, kube-apiserver, kube-controller-manager] not found in "
        + tmp.resolve("empty-cache").resolve(dev.spaceone.testkit.LocalControlPlane.kubernetesVersion())
            .resolve("bin")), run.all());
  }

  /**
   * The same run on etcd, kube-apiserver and kube-controller-manager, when the e2e suite installed them, on a machine
   * that cannot run a real node (here: binaries without the kubelet): the sandbox says why in one line and runs the
   * pods as local processes. (The real node: SandboxRealNodeTest.)
   */
  @Test
  void theInventoryExampleOnTheRealControlPlane(@TempDir Path tmp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.spaceone.testkit.LocalControlPlane.unavailableReason()
        .isEmpty(), () -> dev.spaceone.testkit.LocalControlPlane.unavailableReason().orElse(""));
    Path bin = Files.createDirectories(tmp.resolve("bin-without-kubelet"));
    for (String binary : List.of("etcd", "kube-apiserver", "kube-controller-manager")) {
      Files.createSymbolicLink(bin.resolve(binary), dev.spaceone.testkit.LocalControlPlane.binDir().resolve(binary));
    }

    Run run;
    try {
      run = sandbox(tmp, java.util.Map.of("SPACEONE_E2E_BIN", bin.toString()), "--control-plane", "real",
          "examples/inventory");
    } finally {
      for (String binary : List.of("etcd", "kube-apiserver", "kube-controller-manager")) {
        Files.delete(bin.resolve(binary));
      }
    }

    assertEquals(0, run.exitCode(), run.all());
    List<String> said = run.stderr().lines().filter(l -> l.startsWith("sandbox: no real node: ")).toList();
    assertEquals(1, said.size(), run.all());
    assertTrue(said.get(0).contains("kubelet not in " + bin) && said.get(0)
        .endsWith("; task pods run as local processes instead (--node local)"), run.all());
    assertTrue(run.stdout().contains("sandbox: kube-apiserver https://127.0.0.1:"), run.all());
    assertEquals("SANDBOX inventory-aws SUCCESS tasks=3/3 created=12 updated=6 failures=0",
        run.lines().get(run.lines().size() - 1), run.all());
    assertTrue(run.stdout().lines().anyMatch(l -> l.trim().matches("SUCCESS\\s+3\\s+12")), run.all());
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("spaceone-")), run.all());
    }
  }

  @Test
  void theNodeFlag() throws Exception {
    assertEquals(null, SandboxOptions.parse(new String[] {"--control-plane", "real"}).node());
    assertEquals("local", SandboxOptions.parse(new String[] {"--control-plane", "real", "--node", "local"}).node());
    assertEquals("real", SandboxOptions.parse(new String[] {"--control-plane=real", "--node=real"}).node());
    assertEquals("--node real needs --control-plane real (the mock API has no scheduler or kubelet authentication"
        + " for a node)", org.junit.jupiter.api.Assertions.assertThrows(SandboxOptions.UsageException.class,
            () -> SandboxOptions.parse(new String[] {"--node", "real"})).getMessage());
    assertEquals("--node is real or local, not 'kind'", org.junit.jupiter.api.Assertions.assertThrows(
        SandboxOptions.UsageException.class, () -> SandboxOptions.parse(new String[] {"--node", "kind"})).getMessage());
  }

  @Test
  void aRealNodeImportsTheImagesItsJobsNeed() throws Exception {
    ManifestLoader.Loaded loaded = new ManifestLoader().load(List.of(REPO.resolve("examples/inventory"),
        REPO.resolve("examples/spaceone-grpc-inventory")));
    assertEquals(List.of(), loaded.problems());
    assertEquals(List.of("test", "operator", "example-plugin"), SandboxCommand.imageTargets(loaded.manifests()));
    assertEquals(List.of("test"), SandboxCommand.imageTargets(
        new ManifestLoader().load(List.of(REPO.resolve("examples/inventory"))).manifests()));
  }
}
