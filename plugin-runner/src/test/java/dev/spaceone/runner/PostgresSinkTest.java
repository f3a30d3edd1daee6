package dev.spaceone.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.api.inventory.CollectorGrpc;
import dev.spaceone.store.LocalPostgres;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sink: postgres end to end: the runner, an in-process plugin, and a real PostgreSQL server. */
class PostgresSinkTest {
  private static LocalPostgres server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws IOException {
    server = LocalPostgres.start();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  private Path sinkDir(Map<String, String> keys) throws IOException {
    Path sink = Files.createDirectories(dir.resolve("sink"));
    for (Map.Entry<String, String> e : keys.entrySet()) {
      Files.writeString(sink.resolve(e.getKey()), e.getValue());
    }
    return sink;
  }

  private static String task(String jobUid) {
    return RunnerHarness.inventoryTask(",\"sink\":\"postgres\",\"namespace\":\"team-a\",\"job_uid\":\"" + jobUid
        + "\",\"collector_id\":\"collector-1\",\"secret_id\":\"cred-1\",\"provider\":\"example\"");
  }

  private JsonNode collect(String jobUid, List<ResourceInfo> records, boolean breakAtEnd) throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
      records.forEach(out::onNext);
      if (breakAtEnd) {
        out.onError(Status.UNAVAILABLE.withDescription("plugin went away").asRuntimeException());
      } else {
        out.onCompleted();
      }
    })) {
      RunnerHarness harness = new RunnerHarness(dir);
      harness.sinkDir = sinkDir(server.settingsKeys());
      RunnerHarness.Outcome outcome = harness.run("collect", task(jobUid), plugin);
      assertEquals(breakAtEnd ? 1 : 0, outcome.exitCode(), outcome.resultText());
      assertEquals("", outcome.stdout());
      return outcome.result();
    }
  }

  private static List<ResourceInfo> resources(String... ids) {
    List<ResourceInfo> list = new ArrayList<>();
    list.add(Resources.of("inventory.Region"));
    list.add(Resources.of("inventory.Namespace"));
    for (String id : ids) {
      list.add(Resources.cloudService(id));
    }
    return list;
  }

  private static String counts(JsonNode result) {
    return "created=" + result.get("created_count") + " updated=" + result.get("updated_count") + " disconnected="
        + result.get("disconnected_count") + " deleted=" + result.get("deleted_count") + " failure="
        + result.get("failure_count");
  }

  @Test
  void runsOfAJobGiveCreatedUpdatedAndDisconnected() throws Exception {
    assertEquals("created=3 updated=0 disconnected=0 deleted=0 failure=0",
        counts(collect("uid-1", resources("a", "b", "c"), false)));
    assertEquals("created=0 updated=3 disconnected=0 deleted=0 failure=0",
        counts(collect("uid-2", resources("a", "b", "c"), false)));
    assertEquals("created=0 updated=1 disconnected=2 deleted=0 failure=0",
        counts(collect("uid-3", resources("a", "a"), false)), "a streamed twice counts once");
    // the same run again (a restarted runner): the same counts, nothing missed twice
    assertEquals("created=0 updated=1 disconnected=2 deleted=0 failure=0",
        counts(collect("uid-3", resources("a"), false)));
    // a broken stream keeps what was stored and counted, and marks nothing
    JsonNode broken = collect("uid-4", resources("a", "b"), true);
    assertEquals("created=0 updated=2 disconnected=0 deleted=0 failure=1", counts(broken));
    assertEquals("ERROR_COLLECTOR_PLUGIN", broken.get("errors").get(0).get("error_code").asText());
    try (Connection c = server.dataSource(LocalPostgres.DATABASE).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT string_agg(document->'reference'->>'resource_id' || '=' || state || '/'"
            + " || miss_count || ' ' || first_seen_job, ', ' ORDER BY id) FROM resource"
            + " WHERE resource_type = 'inventory.CloudService'")) {
      rs.next();
      assertEquals("a=ACTIVE/0 team-a/j/uid-1, b=ACTIVE/0 team-a/j/uid-1, c=DISCONNECTED/1 team-a/j/uid-1",
          rs.getString(1));
    }
  }

  @Test
  void withoutTheJobsUidTheTaskFailsBeforeWriting() throws Exception {
    try (FakePlugin plugin = new FakePlugin().stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
      out.onNext(Resources.cloudService("a"));
      out.onCompleted();
    })) {
      RunnerHarness harness = new RunnerHarness(dir);
      harness.sinkDir = sinkDir(server.settingsKeys());
      RunnerHarness.Outcome outcome = harness.run("collect", task(""), plugin);
      assertEquals(1, outcome.exitCode());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_SINK_CONFIG", error.get("error_code").asText(), outcome.resultText());
      assertTrue(error.get("message").asText().contains("job_uid"), outcome.resultText());
    }
  }

  @Test
  void anUnreachableDatabaseFailsTheTaskWithItsCode() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (FakePlugin plugin = new FakePlugin().stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
      out.onNext(Resources.cloudService("a"));
      out.onCompleted();
    })) {
      RunnerHarness harness = new RunnerHarness(dir);
      harness.sinkDir = sinkDir(Map.of("host", "127.0.0.1", "port", String.valueOf(closed), "database", "x",
          "user", "collector", "password", "db-password-never-shown"));
      RunnerHarness.Outcome outcome = harness.run("collect", task("uid-x"), plugin);
      assertEquals(1, outcome.exitCode());
      assertEquals("ERROR_SINK_UNREACHABLE", outcome.result().get("errors").get(0).get("error_code").asText(),
          outcome.resultText());
      assertFalse(outcome.resultText().contains("db-password-never-shown"));
    }
  }
}
