package dev.spaceone.runner;

import static dev.spaceone.runner.RunnerHarness.inventoryTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.spaceone.runner.api.inventory.CollectRequest;
import dev.spaceone.runner.api.inventory.GetTaskRequest;
import dev.spaceone.runner.api.inventory.PluginInfo;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.api.inventory.TaskInfo;
import dev.spaceone.runner.api.inventory.TasksInfo;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.api.inventory.JobGrpc;
import dev.spaceone.runner.api.inventory.CollectorGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory flow against in-process plugins: one test per outcome. */
class InventoryRunnerTest {
  @TempDir
  Path dir;

  private static Struct region(String code) {
    return Struct.newBuilder().putFields("region_code", Value.newBuilder().setStringValue(code).build()).build();
  }

  private static FakePlugin plugin(List<Struct> tasks, List<ResourceInfo> perSubTask) {
    return new FakePlugin()
        .unary(CollectorGrpc.getInitMethod(), r -> PluginInfo.getDefaultInstance())
        .unary(JobGrpc.getGetTasksMethod(), r -> TasksInfo.newBuilder().addAllTasks(
            tasks.stream().map(t -> TaskInfo.newBuilder().setTaskOptions(t).build()).toList()).build())
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          perSubTask.forEach(out::onNext);
          out.onCompleted();
        });
  }

  @Test
  void subTasksAreCollectedAndSummedAndUncountedTypesAreLeftOut() throws Exception {
    List<ResourceInfo> records = List.of(Resources.of("inventory.CloudServiceType"), Resources.of("inventory.Region"),
        Resources.of("inventory.Namespace"), Resources.of("inventory.Metric"), Resources.cloudService("a"),
        Resources.cloudService("b"), Resources.cloudService("c"));
    try (FakePlugin plugin = plugin(List.of(region("r1"), region("r2")), records)) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(0, outcome.exitCode());
      JsonNode result = outcome.result();
      assertEquals(6, result.get("created_count").asInt(), outcome.resultText());
      assertEquals(0, result.get("updated_count").asInt());
      assertEquals(0, result.get("failure_count").asInt());
      assertEquals(6, result.get("total_count").asInt());
      assertEquals(0, result.get("errors").size());

      List<CollectRequest> collects = plugin.requests.stream()
          .filter(CollectRequest.class::isInstance).map(CollectRequest.class::cast).toList();
      assertEquals(List.of("r1", "r2"), collects.stream()
          .map(c -> c.getTaskOptions().getFieldsOrThrow("region_code").getStringValue()).toList());
      CollectRequest first = collects.get(0);
      assertTrue(first.hasFilter(), "filter must be set (plugins check it is present)");
      assertEquals("s3cr3t-value-never-logged",
          first.getSecretData().getFieldsOrThrow("aws_secret_access_key").getStringValue());
      assertFalse(first.getSecretData().containsFields("..data"), "Kubernetes' own Secret entries are not data");
      assertEquals("all", first.getOptions().getFieldsOrThrow("region_filter").getStringValue());
      GetTaskRequest getTasks = plugin.requests.stream().filter(GetTaskRequest.class::isInstance)
          .map(GetTaskRequest.class::cast).findFirst().orElseThrow();
      assertTrue(getTasks.hasSecretData() && getTasks.hasOptions());
      for (Metadata headers : plugin.headers) {
        assertEquals("NO_TOKEN", headers.get(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER)));
      }
      assertFalse(outcome.resultText().contains("s3cr3t"));
      assertEquals("", outcome.stdout(), "sink none prints nothing");
    }
  }

  @Test
  void getTasksUnimplementedMeansOneSubTaskWithoutTaskOptions() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          out.onNext(Resources.cloudService("a"));
          out.onCompleted();
        })) {
      // Neither Collector.init nor the Job service is served: both are UNIMPLEMENTED.
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      assertEquals(1, outcome.result().get("created_count").asInt());
      List<CollectRequest> collects = plugin.requests.stream()
          .filter(CollectRequest.class::isInstance).map(CollectRequest.class::cast).toList();
      assertEquals(1, collects.size());
      assertFalse(collects.get(0).hasTaskOptions(), "SpaceONE sends task_options only when it has some");
    }
  }

  @Test
  void getTasksFailingOtherwiseAlsoMeansOneSubTaskAsInSpaceOne() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .unary(JobGrpc.getGetTasksMethod(), r -> {
          throw Status.INTERNAL.withDescription("ERROR_UNKNOWN: 'NoneType' object is not callable").asRuntimeException();
        })
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          out.onNext(Resources.cloudService("a"));
          out.onCompleted();
        })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(0, outcome.exitCode());
      assertEquals(1, outcome.result().get("created_count").asInt());
    }
  }

  @Test
  void explicitTaskOptionsAreOneSubTaskWithoutGetTasks() throws Exception {
    try (FakePlugin plugin = plugin(List.of(region("r1"), region("r2")), List.of(Resources.cloudService("a")))) {
      String task = inventoryTask("").replace("\"task_options\":{}", "\"task_options\":{\"region_code\":\"r9\"}");
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", task, plugin);

      assertEquals(1, outcome.result().get("created_count").asInt());
      assertTrue(plugin.requests.stream().noneMatch(GetTaskRequest.class::isInstance));
      CollectRequest collect = plugin.requests.stream().filter(CollectRequest.class::isInstance)
          .map(CollectRequest.class::cast).findFirst().orElseThrow();
      assertEquals("r9", collect.getTaskOptions().getFieldsOrThrow("region_code").getStringValue());
    }
  }

  @Test
  void failingResourcesAreCountedWithSpaceOnesErrorShapeAndTheRunEndsNormally() throws Exception {
    ResourceInfo noRules = Resources.cloudService("x").toBuilder().clearMatchRules().build();
    ResourceInfo unknownType = Resources.of("inventory.Server");
    List<ResourceInfo> records = List.of(Resources.cloudService("a"), Resources.failure("access denied"),
        noRules, unknownType, Resources.cloudService("b"));
    try (FakePlugin plugin = plugin(List.of(), records)) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(0, outcome.exitCode(), "the collection ran to its end");
      JsonNode result = outcome.result();
      assertEquals(2, result.get("created_count").asInt());
      assertEquals(3, result.get("failure_count").asInt());
      assertEquals(5, result.get("total_count").asInt());
      JsonNode errors = result.get("errors");
      assertEquals("ERROR_PLUGIN", errors.get(0).get("error_code").asText());
      assertEquals("access denied", errors.get(0).get("message").asText());
      assertEquals("broken-1", errors.get(0).get("additional").get("resource_id").asText());
      assertEquals("domain-1", errors.get(0).get("additional").get("domain_id").asText());
      assertEquals("ERROR_MATCH_RULE", errors.get(1).get("error_code").asText());
      assertEquals("Match rule is not defined.", errors.get(1).get("message").asText());
      assertEquals("ERROR_UNKNOWN", errors.get(2).get("error_code").asText());
      assertEquals("inventory.Server", errors.get(2).get("additional").get("resource_type").asText());
    }
  }

  @Test
  void aStreamErrorKeepsTheCountsSoFarAndRecordsErrorCollectorPlugin() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          out.onNext(Resources.cloudService("a"));
          out.onNext(Resources.cloudService("b"));
          out.onError(Status.INTERNAL.withDescription("ERROR_AUTHENTICATION_FAILURE: token expired")
              .asRuntimeException());
        })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(1, outcome.exitCode());
      JsonNode result = outcome.result();
      assertEquals(2, result.get("created_count").asInt());
      assertEquals(1, result.get("failure_count").asInt());
      JsonNode error = result.get("errors").get(0);
      assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
      assertTrue(error.get("message").asText().contains("ERROR_AUTHENTICATION_FAILURE: token expired"),
          error.toString());
      assertTrue(error.get("message").asText().contains("Collector.collect"), error.toString());
    }
  }

  @Test
  void aUnaryCallThatNeverAnswersEndsAtItsBound() throws Exception {
    try (FakePlugin plugin = new FakePlugin().silent(CollectorGrpc.getInitMethod())) {
      RunnerHarness harness = new RunnerHarness(dir);
      harness.unaryTimeout = Duration.ofSeconds(1);
      RunnerHarness.Outcome outcome = harness.run("collect", inventoryTask(""), plugin);

      assertEquals(1, outcome.exitCode());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_PLUGIN_TIMEOUT", error.get("error_code").asText());
      assertEquals("Collector.init did not answer within 1 s", error.get("message").asText());
    }
  }

  @Test
  void aStreamThatStallsEndsAtTheTaskDeadlineKeepingItsCounts() throws Exception {
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> out.onNext(Resources.cloudService("a")))) {
      RunnerHarness harness = new RunnerHarness(dir);
      harness.timeout = Duration.ofSeconds(3);
      RunnerHarness.Outcome outcome = harness.run("collect", inventoryTask(""), plugin);

      assertEquals(1, outcome.exitCode());
      assertEquals(1, outcome.result().get("created_count").asInt());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_PLUGIN_TIMEOUT", error.get("error_code").asText());
      assertEquals("task deadline reached during Collector.collect", error.get("message").asText());
    }
  }

  @Test
  void aMessageOverTheInboundLimitBreaksTheStreamWithTheReason() throws Exception {
    ResourceInfo big = Resources.cloudService("big").toBuilder().setResource(Struct.newBuilder()
        .putFields("blob", Value.newBuilder().setStringValue("x".repeat(64 * 1024)).build())).build();
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          out.onNext(Resources.cloudService("a"));
          out.onNext(big);
          out.onCompleted();
        })) {
      RunnerHarness.Outcome outcome =
          new RunnerHarness(dir).runOnLoopback("collect", inventoryTask(""), plugin, 16 * 1024);

      assertEquals(1, outcome.exitCode());
      assertEquals(1, outcome.result().get("created_count").asInt());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
      assertTrue(error.get("message").asText().contains("RESOURCE_EXHAUSTED"), error.toString());
    }
  }

  @Test
  void aResourceOverGrpcJavasDefaultLimitPasses() throws Exception {
    ResourceInfo big = Resources.cloudService("big").toBuilder().setResource(Struct.newBuilder()
        .putFields("blob", Value.newBuilder().setStringValue("x".repeat(6 * 1024 * 1024)).build())).build();
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          out.onNext(big);
          out.onCompleted();
        })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).runOnLoopback("collect", inventoryTask(""), plugin,
          PluginConnection.MAX_INBOUND_BYTES);

      assertEquals(0, outcome.exitCode(), outcome.resultText());
      assertEquals(1, outcome.result().get("created_count").asInt());
    }
  }

  @Test
  void theLogSinkPrintsEveryStoredRecordAsOneJsonLine() throws Exception {
    List<ResourceInfo> records = List.of(Resources.of("inventory.Region"), Resources.cloudService("a"),
        Resources.failure("nope"));
    try (FakePlugin plugin = plugin(List.of(), records)) {
      RunnerHarness.Outcome outcome =
          new RunnerHarness(dir).run("collect", inventoryTask(",\"sink\":\"log\""), plugin);

      List<String> lines = outcome.stdout().lines().toList();
      assertEquals(2, lines.size(), outcome.stdout());
      JsonNode service = RunnerHarness.JSON.readTree(lines.get(1));
      assertEquals("inventory.CloudService", service.get("resource_type").asText());
      assertEquals("a", service.get("resource").get("reference").get("resource_id").asText());
      assertEquals("inventory.Region", RunnerHarness.JSON.readTree(lines.get(0)).get("resource_type").asText());
    }
  }

  @Test
  void thousandsOfFailuresStillGiveAResultWithin4096Bytes() throws Exception {
    ResourceInfo failure = Resources.failure("y".repeat(300));
    try (FakePlugin plugin = new FakePlugin()
        .stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
          for (int i = 0; i < 5000; i++) {
            out.onNext(failure);
          }
          out.onCompleted();
        })) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertTrue(outcome.resultText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 4096);
      JsonNode result = outcome.result();
      assertEquals(5000, result.get("failure_count").asInt());
      assertEquals(5000, result.get("errors").size() + result.get("errors_truncated").asInt());
    }
  }
}
