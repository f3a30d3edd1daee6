package dev.spaceone.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.runner.grpc.PluginConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Runs the runner in this JVM on a task.json and a Secret directory it writes, capturing stdout and the result. */
final class RunnerHarness {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, String> SECRET = Map.of("aws_access_key_id", "AKIAEXAMPLE",
      "aws_secret_access_key", "s3cr3t-value-never-logged");

  final Path dir;
  Duration timeout = Duration.ofSeconds(60);
  Duration connectTimeout = Duration.ofSeconds(5);
  Duration unaryTimeout = Duration.ofSeconds(20);
  /** SPACEONE_SINK_DIR: the sink Secret's files (sink postgres). */
  Path sinkDir;
  /** Null: a minute after the timeout, so that the calls' own deadlines are what the tests see. */
  Duration watchdog;
  /** What the watchdog's halt does; by default it fails the test. */
  java.util.function.IntConsumer halt = status -> {
    throw new AssertionError("the deadline watchdog fired");
  };

  RunnerHarness(Path dir) {
    this.dir = dir;
  }

  record Outcome(int exitCode, JsonNode result, String resultText, String stdout) {
  }

  /** Runs {@code mode} on {@code taskJson} against {@code connector}. */
  Outcome run(String mode, String taskJson, Runner.Connector connector) throws IOException {
    Path task = dir.resolve("task.json");
    Files.writeString(task, taskJson);
    Path secret = Files.createDirectories(dir.resolve("secret"));
    for (Map.Entry<String, String> entry : SECRET.entrySet()) {
      Files.writeString(secret.resolve(entry.getKey()), entry.getValue());
    }
    // What a Secret volume also holds: Kubernetes' own entries, which are not secret_data.
    Files.createDirectories(secret.resolve("..data"));
    Path result = dir.resolve("result.json");
    Files.deleteIfExists(result);
    RunnerSettings settings = new RunnerSettings(mode, task, secret, result, sinkDir, "127.0.0.1:1", timeout,
        connectTimeout, unaryTimeout, watchdog != null ? watchdog : timeout.plusMinutes(1));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream systemErr = System.err;
    int code;
    // The runner logs on System.err: every run of every test checks that no secret value reaches the log.
    try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      System.setErr(err);
      code = new Runner(settings, connector, out, halt).run();
    } finally {
      System.setErr(systemErr);
    }
    String log = stderr.toString(StandardCharsets.UTF_8);
    systemErr.print(log);
    String text = Files.readString(result);
    for (String value : SECRET.values()) {
      if (log.contains(value) || text.contains(value)) {
        throw new AssertionError("secret data in the runner's log or result");
      }
    }
    return new Outcome(code, JSON.readTree(text), text, stdout.toString(StandardCharsets.UTF_8));
  }

  /** Runs against a started {@link FakePlugin}. */
  Outcome run(String mode, String taskJson, FakePlugin plugin, int maxInboundBytes) throws IOException {
    var channel = plugin.start(maxInboundBytes);
    return run(mode, taskJson, deadline -> PluginConnection.over(channel, deadline, unaryTimeout));
  }

  /** Runs against {@code plugin} served on 127.0.0.1, through the runner's real connection (TCP wait, Netty). */
  Outcome runOnLoopback(String mode, String taskJson, FakePlugin plugin, int maxInboundBytes) throws IOException {
    int port = plugin.startOnLoopback();
    return run(mode, taskJson, deadline -> PluginConnection.open("127.0.0.1:" + port, connectTimeout, deadline,
        unaryTimeout, maxInboundBytes));
  }

  Outcome run(String mode, String taskJson, FakePlugin plugin) throws IOException {
    return run(mode, taskJson, plugin, PluginConnection.MAX_INBOUND_BYTES);
  }

  static String inventoryTask(String extra) {
    return "{\"job_id\":\"j\",\"job_task_id\":\"j-0\",\"service\":\"inventory\",\"domain_id\":\"domain-1\","
        + "\"workspace_id\":\"ws-1\",\"options\":{\"region_filter\":\"all\"},\"task_options\":{}" + extra + "}";
  }

  static String costTask(String extra) {
    return "{\"job_id\":\"c\",\"job_task_id\":\"c-0\",\"service\":\"cost-analysis\",\"namespace\":\"team-a\","
        + "\"options\":{\"currency\":\"USD\"},\"task_options\":{\"month\":\"2026-01\"}" + extra + "}";
  }
}
