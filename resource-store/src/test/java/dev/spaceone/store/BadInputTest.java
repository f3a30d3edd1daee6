package dev.spaceone.store;

import static dev.spaceone.store.Resources.cloudService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.contract.ErrorCodes;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the store does with a database it cannot use and resources it cannot store. */
class BadInputTest {
  private static final TaskScope SCOPE = new TaskScope("domain-1", "collector-1", "secret-a", null, "aws", "job-1",
      "job-1-0");

  private static StoreSettings with(String key, String value) throws StoreException {
    Map<String, String> keys = new HashMap<>(TestDatabases.server().settingsKeys());
    keys.put(key, value);
    return StoreSettings.fromMap(keys, null);
  }

  @Test
  void anUnreachableDatabaseFailsTheTask() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(with("port", "" + closedPort)));
    assertEquals(ErrorCodes.SINK_UNREACHABLE, e.errorCode(), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
  }

  @Test
  void wrongCredentialsFailTheTaskWithoutShowingThePassword() throws Exception {
    TestDatabases.sql("DO $$ BEGIN CREATE ROLE store_writer LOGIN PASSWORD 'right-pass-42'; "
        + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    StoreSettings wrong = TestDatabases.settings(LocalPostgres.DATABASE, "store_writer", "wrong-pass-17");
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(wrong));
    assertEquals(ErrorCodes.SINK_AUTH, e.errorCode(), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-pass-17") || e.getMessage().contains("right-pass-42"));
    assertFalse(wrong.toString().contains("wrong-pass-17"), wrong.toString());
    assertFalse(wrong.jdbcUrl().contains("wrong-pass-17"));
  }

  @Test
  void aMissingDatabaseIsAConfigurationError() throws Exception {
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(with("database", "no_such_db")));
    assertEquals(ErrorCodes.SINK_CONFIG, e.errorCode(), e.getMessage());
  }

  @Test
  void sslModeIsHonoured() throws Exception {
    // The test server speaks no TLS: "require" must refuse to go on in clear text.
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(with("sslmode", "require")));
    assertEquals(ErrorCodes.SINK_TLS, e.errorCode(), e.getMessage());
  }

  @Test
  void aSchemaThatCannotBeCreatedFailsTheTask() throws Exception {
    StoreSettings fresh = TestDatabases.fresh();
    TestDatabases.sql("DO $$ BEGIN CREATE ROLE store_reader LOGIN PASSWORD 'reader-pass'; "
        + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    TestDatabases.sql(fresh.database(), "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    StoreSettings reader = TestDatabases.settings(fresh.database(), "store_reader", "reader-pass");
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(reader));
    assertEquals(ErrorCodes.SINK_SCHEMA, e.errorCode(), e.getMessage());
    assertFalse(e.getMessage().contains("reader-pass"));
  }

  @Test
  void resourcesTheStoreCannotTakeAreFailuresAndTheRestIsWritten() throws Exception {
    ResourceStore store = ResourceStore.open(TestDatabases.fresh());
    try (TaskWriter writer = store.openTask(SCOPE)) {
      writer.add(cloudService("good-1"));
      ObjectNode nul = (ObjectNode) cloudService("nul").resource();
      nul.putObject("data").put("description", "a\u0000b");
      writer.add(new CollectedResource(CollectedResource.CLOUD_SERVICE, cloudService("nul").matchRules(), nul));
      writer.add(new CollectedResource(CollectedResource.CLOUD_SERVICE, null, cloudService("no-rules").resource()));
      ObjectNode emptyKeys = Resources.JSON.createObjectNode().put("name", "");
      writer.add(Resources.withRules(emptyKeys, "name", "reference.resource_id"));
      writer.add(cloudService("good-2"));
      TaskCounts counts = writer.finish(true);
      assertEquals(2, counts.created());
      List<String> codes = counts.failures().stream().map(ResourceFailure::errorCode).sorted().toList();
      assertEquals(List.of(ErrorCodes.MATCH_RULE, ErrorCodes.MATCH_RULE, ErrorCodes.RESOURCE_NOT_STORABLE),
          codes, counts.failures().toString());
      ResourceFailure nulFailure = counts.failures().stream()
          .filter(f -> f.errorCode().equals(ErrorCodes.RESOURCE_NOT_STORABLE)).findFirst().orElseThrow();
      assertTrue(nulFailure.message().contains("\\u0000"), nulFailure.message());
      assertEquals("instance nul", nulFailure.additional().get("name"));
      // the rows that were written, and nothing of the refused one
      assertEquals(0, counts.disconnected());
    }
  }

  @Test
  void aTaskWithRefusedResourcesMarksNothingDisconnected() throws Exception {
    ResourceStore store = ResourceStore.open(TestDatabases.fresh());
    try (TaskWriter first = store.openTask(SCOPE)) {
      first.add(cloudService("a"));
      first.add(cloudService("b"));
      first.finish(true);
    }
    try (TaskWriter second = store.openTask(new TaskScope("domain-1", "collector-1", "secret-a", null, "aws", "job-2",
        "job-2-0"))) {
      second.add(cloudService("a"));
      second.add(new CollectedResource(CollectedResource.CLOUD_SERVICE, null, cloudService("x").resource()));
      TaskCounts counts = second.finish(true);
      assertEquals(List.of(0L, 1L, 0L), List.of(counts.created(), counts.updated(), counts.disconnected()));
    }
  }

  @Test
  void settingsFromTheSecretFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("host"), "db.example\n");
    java.nio.file.Files.writeString(dir.resolve("database"), "inventory");
    java.nio.file.Files.writeString(dir.resolve("user"), "collector");
    java.nio.file.Files.writeString(dir.resolve("password"), " pass with spaces \n");
    java.nio.file.Files.writeString(dir.resolve("sslrootcert"), "-----BEGIN CERTIFICATE-----\n");
    StoreSettings s = StoreSettings.fromDirectory(dir);
    assertEquals(5432, s.port());
    assertEquals("prefer", s.sslMode());
    assertEquals(dir.resolve("sslrootcert"), s.sslRootCert());
    assertEquals(" pass with spaces ", s.connectionProperties().getProperty("password"));
    assertEquals("jdbc:postgresql://db.example:5432/inventory", s.jdbcUrl());
    assertFalse(s.toString().contains("pass with spaces"));

    java.nio.file.Files.writeString(dir.resolve("sslmode"), "verify-everything");
    StoreException e = assertThrows(StoreException.class, () -> StoreSettings.fromDirectory(dir));
    assertEquals(ErrorCodes.SINK_CONFIG, e.errorCode());
    java.nio.file.Files.delete(dir.resolve("sslmode"));
    java.nio.file.Files.delete(dir.resolve("host"));
    e = assertThrows(StoreException.class, () -> StoreSettings.fromDirectory(dir));
    assertEquals("sink setting host is missing", e.getMessage());
  }

}
