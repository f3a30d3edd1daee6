package dev.spaceone.runner;

import static dev.spaceone.runner.RunnerHarness.costTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.spaceone.runner.api.costanalysis.AccountInfo;
import dev.spaceone.runner.api.costanalysis.AccountsInfo;
import dev.spaceone.runner.api.costanalysis.ChangedInfo;
import dev.spaceone.runner.api.costanalysis.CostInfo;
import dev.spaceone.runner.api.costanalysis.CostsInfo;
import dev.spaceone.runner.api.costanalysis.GetDataRequest;
import dev.spaceone.runner.api.costanalysis.GetLinkedAccountsRequest;
import dev.spaceone.runner.api.costanalysis.GetTasksRequest;
import dev.spaceone.runner.api.costanalysis.InitRequest;
import dev.spaceone.runner.api.costanalysis.PluginInfo;
import dev.spaceone.runner.api.costanalysis.SyncedAccountInfo;
import dev.spaceone.runner.api.costanalysis.TaskInfo;
import dev.spaceone.runner.api.costanalysis.TasksInfo;
import dev.spaceone.runner.api.costanalysis.CostGrpc;
import dev.spaceone.runner.api.costanalysis.DataSourceGrpc;
import dev.spaceone.runner.api.costanalysis.JobGrpc;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost-analysis collect (rows are created_count) and plan (the plugin divides the Job). */
class CostRunnerTest {
  @TempDir
  Path dir;

  private static CostInfo row(String billedDate) {
    return CostInfo.newBuilder().setCost(1.5).setProvider("example").setBilledDate(billedDate).build();
  }

  @Test
  void everyRowIsCreatedAndTheRequestCarriesSecretTypeAndDomain() throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CostGrpc.getGetDataMethod(), (request, out) -> {
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-01")).addResults(row("2026-01-02")).build());
      out.onNext(CostsInfo.getDefaultInstance());
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-03")).build());
      out.onCompleted();
    })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", costTask(""), plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      assertEquals(3, outcome.result().get("created_count").asInt());
      assertEquals(3, outcome.result().get("total_count").asInt());
      assertEquals(0, outcome.result().get("failure_count").asInt());
      GetDataRequest request = (GetDataRequest) plugin.requests.get(0);
      assertEquals("MANUAL", request.getOptions().getFieldsOrThrow("secret_type").getStringValue());
      assertEquals("USD", request.getOptions().getFieldsOrThrow("currency").getStringValue());
      assertEquals("team-a", request.getDomainId(), "no domain_id: the namespace stands in (never empty)");
      assertEquals("2026-01", request.getTaskOptions().getFieldsOrThrow("month").getStringValue());
      assertTrue(request.getSecretData().containsFields("aws_access_key_id"));
    }
  }

  @Test
  void theSecretTypeOfTaskJsonIsSentWhenTheJobPlannedWithSeveralSecrets() throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CostGrpc.getGetDataMethod(), (request, out) -> {
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-01")).build());
      out.onCompleted();
    })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect",
          costTask(",\"protocol\":\"grpc\",\"secret_type\":\"USE_SERVICE_ACCOUNT_SECRET\""), plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      GetDataRequest request = (GetDataRequest) plugin.requests.get(0);
      assertEquals("USE_SERVICE_ACCOUNT_SECRET", request.getOptions().getFieldsOrThrow("secret_type").getStringValue());
    }
  }

  @Test
  void aRowWithoutBilledDateFailsTheTaskAndEndsTheStream() throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CostGrpc.getGetDataMethod(), (request, out) -> {
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-01")).addResults(row("")).build());
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-03")).build());
      out.onCompleted();
    })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", costTask(""), plugin);

      assertEquals(0, outcome.exitCode(), "a valid result: the operator marks the task FAILURE");
      JsonNode result = outcome.result();
      assertEquals(1, result.get("created_count").asInt());
      assertEquals(1, result.get("failure_count").asInt());
      assertEquals("ERROR_REQUIRED_PARAMETER", result.get("errors").get(0).get("error_code").asText());
      assertEquals("Required parameter. (key = plugin_cost_data.billed_date)",
          result.get("errors").get(0).get("message").asText());
    }
  }

  @Test
  void theLogSinkPrintsEachRow() throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CostGrpc.getGetDataMethod(), (request, out) -> {
      out.onNext(CostsInfo.newBuilder().addResults(row("2026-01-01")).addResults(row("2026-01-02")).build());
      out.onCompleted();
    })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", costTask(",\"sink\":\"log\""), plugin);

      List<String> lines = outcome.stdout().lines().toList();
      assertEquals(2, lines.size());
      assertEquals("2026-01-02", RunnerHarness.JSON.readTree(lines.get(1)).get("billed_date").asText());
    }
  }

  @Test
  void planPrintsTheJobTheTasksInOrderAndTheEndAndItsDigest() throws Exception {
    Struct filter = Struct.newBuilder().putFields("account", Value.newBuilder().setStringValue("a1").build()).build();
    TasksInfo plan = TasksInfo.newBuilder()
        .addTasks(TaskInfo.newBuilder().setTaskOptions(Struct.newBuilder().putFields("month",
            Value.newBuilder().setStringValue("2026-01").build())).setTaskChanged(
            ChangedInfo.newBuilder().setStart("2026-01").setEnd("2026-01").setFilter(filter)))
        .addTasks(TaskInfo.newBuilder().setTaskOptions(Struct.newBuilder().putFields("month",
            Value.newBuilder().setStringValue("2026-02").build())))
        .addChanged(ChangedInfo.newBuilder().setStart("2026-01"))
        .addSyncedAccounts(SyncedAccountInfo.newBuilder().setAccountId("a1"))
        .build();
    try (FakePlugin plugin = new FakePlugin()
        .unary(DataSourceGrpc.getInitMethod(), r -> PluginInfo.getDefaultInstance())
        .unary(JobGrpc.getGetTasksMethod(), r -> plan)) {
      String task = costTask(",\"start\":\"2026-01\",\"last_synchronized_at\":\"2026-02-01T00:00:00Z\"")
          .replace("\"job_task_id\":\"c-0\"", "\"job_task_id\":\"\"");
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("plan", task, plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      List<String> lines = outcome.stdout().lines().toList();
      assertEquals(4, lines.size(), outcome.stdout());
      assertTrue(lines.stream().allMatch(l -> l.startsWith("SPACEONE_PLAN ")));
      List<JsonNode> records = lines.stream().map(l -> read(l.substring("SPACEONE_PLAN ".length()))).toList();
      assertEquals("job", records.get(0).get("kind").asText());
      assertEquals("2026-01", records.get(0).get("changed").get(0).get("start").asText());
      assertEquals("a1", records.get(0).get("synced_accounts").get(0).get("account_id").asText());
      assertEquals("2026-01", records.get(1).get("task_options").get("month").asText());
      assertEquals("a1", records.get(1).get("task_changed").get("filter").get("account").asText());
      assertTrue(records.get(2).get("task_changed").isNull());
      assertEquals(2, records.get(3).get("tasks").asInt());
      assertEquals("end", records.get(3).get("kind").asText());

      String taskLines = lines.get(1).substring(14) + "\n" + lines.get(2).substring(14);
      assertEquals(2, outcome.result().get("plan_tasks").asInt());
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(taskLines.getBytes(StandardCharsets.UTF_8))), outcome.result().get("plan_sha256").asText());

      InitRequest init = (InitRequest) plugin.requests.get(0);
      assertEquals("team-a", init.getDomainId());
      GetTasksRequest getTasks = (GetTasksRequest) plugin.requests.get(1);
      assertEquals("2026-01", getTasks.getStart());
      assertEquals("2026-02-01T00:00:00Z", getTasks.getLastSynchronizedAt());
      assertEquals("team-a", getTasks.getDomainId());
      assertEquals("MANUAL", getTasks.getOptions().getFieldsOrThrow("secret_type").getStringValue());
      assertTrue(getTasks.getSecretData().containsFields("aws_secret_access_key"));
    }
  }

  @Test
  void useAccountRoutingPassesTheLinkedAccountsToGetTasks() throws Exception {
    PluginInfo routing = PluginInfo.newBuilder().setMetadata(Struct.newBuilder().putFields("use_account_routing",
        Value.newBuilder().setBoolValue(true).build())).build();
    try (FakePlugin plugin = new FakePlugin()
        .unary(DataSourceGrpc.getInitMethod(), r -> routing)
        .unary(CostGrpc.getGetLinkedAccountsMethod(), r -> AccountsInfo.newBuilder()
            .addResults(AccountInfo.newBuilder().setAccountId("111").setName("prod"))
            .addResults(AccountInfo.newBuilder().setAccountId("222").setName("dev")).build())
        .unary(JobGrpc.getGetTasksMethod(), r -> TasksInfo.getDefaultInstance())) {
      String task = costTask("").replace("\"job_task_id\":\"c-0\"", "\"job_task_id\":\"\"");
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("plan", task, plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      GetLinkedAccountsRequest linked = (GetLinkedAccountsRequest) plugin.requests.get(1);
      assertEquals("MANUAL", linked.getOptions().getFieldsOrThrow("secret_type").getStringValue());
      assertTrue(linked.getSecretData().containsFields("aws_secret_access_key"));
      assertEquals("team-a", linked.getDomainId());
      GetTasksRequest getTasks = (GetTasksRequest) plugin.requests.get(2);
      assertEquals(List.of("{\"account_id\":\"111\",\"name\":\"prod\",\"is_sync\":false}",
              "{\"account_id\":\"222\",\"name\":\"dev\",\"is_sync\":false}"),
          getTasks.getLinkedAccountsList().stream().map(a -> Structs.json(a).toString()).toList());
    }
  }

  @Test
  void withoutUseAccountRoutingNoLinkedAccountsAreAskedFor() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .unary(DataSourceGrpc.getInitMethod(), r -> PluginInfo.newBuilder().setMetadata(Struct.newBuilder()
            .putFields("use_account_routing", Value.newBuilder().setBoolValue(false).build())).build())
        .unary(JobGrpc.getGetTasksMethod(), r -> TasksInfo.getDefaultInstance())) {
      String task = costTask("").replace("\"job_task_id\":\"c-0\"", "\"job_task_id\":\"\"");
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("plan", task, plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      assertEquals(2, plugin.requests.size(), "init and get_tasks only");
      assertEquals(0, ((GetTasksRequest) plugin.requests.get(1)).getLinkedAccountsCount());
    }
  }

  @Test
  void aPlanOfTenThousandTasksIsPrintedWhole() throws Exception {
    TasksInfo.Builder plan = TasksInfo.newBuilder();
    for (int i = 0; i < 10_000; i++) {
      plan.addTasks(TaskInfo.newBuilder().setTaskOptions(Struct.newBuilder().putFields("account",
          Value.newBuilder().setStringValue("account-" + i).build())));
    }
    try (FakePlugin plugin = new FakePlugin().unary(JobGrpc.getGetTasksMethod(), r -> plan.build())) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("plan", costTask(""), plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      List<String> lines = outcome.stdout().lines().toList();
      assertEquals(10_002, lines.size());
      assertEquals("account-9999", read(lines.get(10_000).substring(14)).get("task_options").get("account").asText());
      assertEquals(10_000, outcome.result().get("plan_tasks").asInt());
      String taskLines = String.join("\n", lines.subList(1, 10_001).stream().map(l -> l.substring(14)).toList());
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(taskLines.getBytes(StandardCharsets.UTF_8))), outcome.result().get("plan_sha256").asText());
    }
  }

  @Test
  void aFailedPlanPrintsNothingAndReportsTheError() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .unary(DataSourceGrpc.getInitMethod(), r -> PluginInfo.getDefaultInstance())
        .unary(JobGrpc.getGetTasksMethod(), r -> {
          throw Status.INVALID_ARGUMENT.withDescription("ERROR_REQUIRED_PARAMETER: Required parameter. (key = start)")
              .asRuntimeException();
        })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("plan", costTask(""), plugin);

      assertEquals(1, outcome.exitCode());
      assertEquals("", outcome.stdout());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
      assertTrue(error.get("message").asText().contains("Job.get_tasks"), error.toString());
      assertTrue(error.get("message").asText().contains("(key = start)"), error.toString());
    }
  }

  private static JsonNode read(String json) {
    try {
      return RunnerHarness.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
