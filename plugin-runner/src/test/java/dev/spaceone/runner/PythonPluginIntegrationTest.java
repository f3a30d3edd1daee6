package dev.spaceone.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.runner.grpc.PluginConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner against the example plugins on spaceone-core, each a real Python process started as SpaceONE images
 * start (console script, SPACEONE_PORT): once as its own JVM (Main, environment, exit code), otherwise in this
 * JVM over its real TCP connection. The counts are the ones examples/plugin/python/README.md promises.
 */
class PythonPluginIntegrationTest {
  private static Process inventory;
  private static Process cost;
  private static int inventoryPort;
  private static int costPort;
  private static Path logs;

  @TempDir
  Path dir;

  @BeforeAll
  static void startPlugins() throws IOException {
    PythonVenv.assume();
    logs = Files.createTempDirectory("python-plugins");
    inventoryPort = freePort();
    inventory = startPlugin("inventory", inventoryPort);
    costPort = freePort();
    cost = startPlugin("cost", costPort);
  }

  @AfterAll
  static void stopPlugins() throws InterruptedException {
    for (Process process : new Process[] {inventory, cost}) {
      if (process != null) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static Process startPlugin(String kind, int port) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(
        PythonVenv.dir().resolve("bin/spaceone-example-plugin").toString(), kind)
        .redirectErrorStream(true).redirectOutput(logs.resolve(kind + ".log").toFile());
    builder.environment().put("SPACEONE_PORT", Integer.toString(port));
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  record Run(int exitCode, JsonNode result, String stdout, String stderr) {
  }

  /** Runs {@code java dev.spaceone.runner.Main mode} as its own JVM, as the task pod's main container would. */
  private Run runnerProcess(String mode, int port, String taskJson) throws Exception {
    Path task = dir.resolve("task.json");
    Files.writeString(task, taskJson);
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(secret.resolve("api_key"), "python-plugin-secret");
    Path result = dir.resolve("result.json");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), mode)
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().putAll(Map.of("SPACEONE_TASK_FILE", task.toString(), "SPACEONE_SECRET_DIR",
        secret.toString(), "SPACEONE_RESULT_FILE", result.toString(), "SPACEONE_PLUGIN_ENDPOINT",
        "127.0.0.1:" + port, "SPACEONE_TASK_TIMEOUT_SECONDS", "120"));
    Process process = builder.start();
    assertTrue(process.waitFor(150, TimeUnit.SECONDS), "the runner ends by its own deadline");
    String err = Files.readString(stderr);
    assertFalse(err.contains("python-plugin-secret"), "secret data in the runner's log");
    return new Run(process.exitValue(), RunnerHarness.JSON.readTree(Files.readString(result)),
        Files.readString(stdout, StandardCharsets.UTF_8), err);
  }

  /** Runs the runner in this JVM (a JVM start per case costs seconds) over its real connection to the plugin. */
  private Run runner(String mode, int port, String taskJson) throws Exception {
    RunnerHarness harness = new RunnerHarness(dir);
    harness.connectTimeout = Duration.ofSeconds(60);
    RunnerHarness.Outcome outcome = harness.run(mode, taskJson, deadline -> PluginConnection.open(
        "127.0.0.1:" + port, harness.connectTimeout, deadline, harness.unaryTimeout,
        PluginConnection.MAX_INBOUND_BYTES));
    return new Run(outcome.exitCode(), outcome.result(), outcome.stdout(), "");
  }

  private static String inventoryTask(String options, String sink) {
    return "{\"job_id\":\"inv\",\"job_task_id\":\"inv-0\",\"service\":\"inventory\",\"domain_id\":\"domain-1\","
        + "\"options\":" + options + ",\"task_options\":{},\"sink\":\"" + sink + "\"}";
  }

  private static String costTask(String options, String taskOptions) {
    return "{\"job_id\":\"cost\",\"job_task_id\":\"cost-0\",\"service\":\"cost-analysis\",\"namespace\":\"team-a\","
        + "\"options\":" + options + ",\"task_options\":" + taskOptions + "}";
  }

  @Test
  void inventoryCollectsTwoRegionsAsSubTasks() throws Exception {
    Run run = runnerProcess("collect", inventoryPort, inventoryTask("{}", "log"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(6, run.result().get("created_count").asInt(), run.result().toString());
    assertEquals(0, run.result().get("updated_count").asInt());
    assertEquals(0, run.result().get("failure_count").asInt());
    assertEquals(6, run.result().get("total_count").asInt());
    List<JsonNode> lines = run.stdout().lines().map(PythonPluginIntegrationTest::read).toList();
    assertEquals(10, lines.size(), "2 cloud service types, 2 regions, 6 cloud services");
    assertEquals(6, lines.stream().filter(l -> l.get("resource_type").asText().equals("inventory.CloudService"))
        .count());
    assertTrue(lines.stream().anyMatch(l -> l.path("resource").path("reference").path("resource_id").asText()
        .equals("ex-south-1/i-0003")));
  }

  @Test
  void inventoryDropResourcesLeavesThemOut() throws Exception {
    Run run = runner("collect", inventoryPort, inventoryTask("{\"drop_resources\":2}", "none"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(4, run.result().get("created_count").asInt());
  }

  @Test
  void inventoryFailuresArriveWithSpaceOnesErrorShape() throws Exception {
    Run run = runner("collect", inventoryPort, inventoryTask("{\"fail_resources\":1}", "none"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(6, run.result().get("created_count").asInt());
    assertEquals(2, run.result().get("failure_count").asInt());
    JsonNode error = run.result().get("errors").get(0);
    assertEquals("ERROR_PLUGIN", error.get("error_code").asText());
    assertEquals("example failure 1 in ex-north-1", error.get("message").asText());
    assertEquals("ex-north-1/broken-1", error.get("additional").get("resource_id").asText());
  }

  @Test
  void inventoryStreamBrokenByThePluginKeepsTheCountsSoFar() throws Exception {
    // CloudServiceType, Region, instance-1, then the plugin raises.
    Run run = runner("collect", inventoryPort, inventoryTask("{\"break_after\":3}", "none"));

    assertEquals(1, run.exitCode());
    assertEquals(1, run.result().get("created_count").asInt(), run.result().toString());
    JsonNode error = run.result().get("errors").get(0);
    assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
    assertTrue(error.get("message").asText().contains("ERROR_EXAMPLE_STREAM_BROKEN"), error.toString());
  }

  @Test
  void costPlanGivesThreeMonthlyTasksAndEachTaskStreamsFourRows() throws Exception {
    Run plan = runner("plan", costPort, costTask("{}", "{}").replace("\"cost-0\"", "\"\""));

    assertEquals(0, plan.exitCode(), plan.stderr());
    assertEquals(3, plan.result().get("plan_tasks").asInt());
    List<JsonNode> lines = plan.stdout().lines().map(l -> read(l.substring("SPACEONE_PLAN ".length()))).toList();
    assertEquals(5, lines.size());
    assertEquals("example-account", lines.get(0).get("synced_accounts").get(0).get("account_id").asText());
    JsonNode firstTask = lines.get(1);
    assertEquals("2026-01", firstTask.get("task_options").get("month").asText());
    assertEquals("2026-01", firstTask.get("task_changed").get("start").asText());

    Run collect = runner("collect", costPort, costTask("{}", firstTask.get("task_options").toString()));

    assertEquals(0, collect.exitCode(), collect.stderr());
    assertEquals(4, collect.result().get("created_count").asInt());
    assertEquals(0, collect.result().get("failure_count").asInt());
  }

  @Test
  void costRowWithoutBilledDateFailsTheTask() throws Exception {
    Run run = runner("collect", costPort, costTask("{\"missing_billed_date\":true}", "{\"month\":\"2026-02\"}"));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(3, run.result().get("created_count").asInt());
    assertEquals(1, run.result().get("failure_count").asInt());
    assertEquals("ERROR_REQUIRED_PARAMETER", run.result().get("errors").get(0).get("error_code").asText());
  }

  private static JsonNode read(String json) {
    try {
      return RunnerHarness.JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(json, e);
    }
  }
}
