package dev.spaceone.operator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.sandbox.ManifestLoader.Manifest;
import dev.spaceone.store.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxPostgresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The example's three runs as its header promises, each run a sandbox of its own (a new JVM and API server, as
   * a user runs them) on one PostgreSQL: created 6, then updated 6, then (drop-two/) disconnected 2. Each sandbox
   * numbers its objects afresh, so this fails when two runs of the Job get the same uid.
   */
  @Test
  void theStoreExamplesThreeRunsShowCreatedThenUpdatedThenDisconnected(@TempDir Path tmp) throws Exception {
    String runner = SandboxCommandTest.grpcRunnerCommand();
    String example = "examples/spaceone-grpc-inventory/postgres/";
    try (LocalPostgres server = LocalPostgres.start()) {
      String url = "postgresql://" + LocalPostgres.USER + "@127.0.0.1:" + server.port() + "/" + LocalPostgres.DATABASE;
      // what each run's arguments are, and what its manifest's header promises
      List<List<String>> runs = List.of(List.of(example), List.of(example),
          List.of(example + "secrets.yaml", example + "drop-two/"));
      List<String> promised = List.of("createdCount 6, updatedCount 0, deletedCount 0, disconnectedCount 0",
          "createdCount 0, updatedCount 6", "createdCount 0, updatedCount 4, deletedCount 0, disconnectedCount 2");
      List<String> counts = List.of("created 6, updated 0, deleted 0, disconnected 0,",
          "created 0, updated 6, deleted 0, disconnected 0,", "created 0, updated 4, deleted 0, disconnected 2,");
      assertTrue(Files.readString(SandboxCommandTest.REPO.resolve(example + "job.yaml")).contains(promised.get(0)));
      assertTrue(Files.readString(SandboxCommandTest.REPO.resolve(example + "job.yaml")).contains(promised.get(1)));
      assertTrue(Files.readString(SandboxCommandTest.REPO.resolve(example + "drop-two/job.yaml"))
          .contains(promised.get(2)));
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        List<String> args = new ArrayList<>(List.of("--postgres", url));
        args.addAll(runs.get(i));
        SandboxCommandTest.Run run = SandboxCommandTest.sandbox(tmp, Map.of("RUNNER_COMMAND", runner),
            Duration.ofMinutes(5), args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.all());
        String line = run.lines().stream().map(String::trim).filter(l -> l.startsWith("counts: ")).findFirst()
            .orElse("");
        seen.add(line);
        assertTrue(line.contains(counts.get(i)), "run " + (i + 1) + ": expected " + counts.get(i) + " but " + seen
            + "\n" + run.all());
      }
    }
  }

  /**
   * Each created object gets a random (version 4) uid, kept by updates and the same in the create's answer, a read
   * and a watch. fabric8's own uids ({@code new UUID(0, n)}, counted from 1 in every JVM, so the same in every
   * sandbox run) fail this.
   */
  @Test
  void eachCreatedObjectGetsARandomUidAsKubeApiserverGivesIt() throws Exception {
    try (MockApiServer api = MockApiServer.start(0)) {
      var client = api.client("test");
      var configMaps = client.configMaps().inNamespace("default");
      java.util.concurrent.BlockingQueue<String> watched = new java.util.concurrent.LinkedBlockingQueue<>();
      try (var watch = configMaps.watch(new io.fabric8.kubernetes.client.Watcher<>() {
        @Override
        public void eventReceived(Action action, io.fabric8.kubernetes.api.model.ConfigMap cm) {
          watched.add(action + " " + cm.getMetadata().getName() + " " + cm.getMetadata().getUid());
        }

        @Override
        public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
        }
      })) {
        List<String> uids = new ArrayList<>();
        for (String name : List.of("a", "b")) {
          String uid = configMaps.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
              .withName(name).endMetadata().build()).create().getMetadata().getUid();
          java.util.UUID parsed = java.util.UUID.fromString(uid);
          assertEquals(4, parsed.version(), uid);
          assertEquals(2, parsed.variant(), uid);
          assertEquals(uid, configMaps.withName(name).get().getMetadata().getUid(), "read back");
          assertEquals("ADDED " + name + " " + uid, watched.poll(10, java.util.concurrent.TimeUnit.SECONDS));
          uids.add(uid);
        }
        assertFalse(uids.get(0).equals(uids.get(1)), uids.toString());
        String updated = configMaps.withName("a").edit(cm -> {
          cm.setData(Map.of("k", "v"));
          return cm;
        }).getMetadata().getUid();
        assertEquals(uids.get(0), updated, "an update keeps the uid");
      }
    }
  }

  private static Manifest manifest(String json) throws Exception {
    return new Manifest(Path.of("m.yaml"), 0, JSON.readTree(json.replace('\'', '"')));
  }

  @Test
  void sinkSecretsTheManifestsDoNotDefine() throws Exception {
    List<Manifest> manifests = List.of(
        manifest("{'apiVersion': 'spaceone.dev/v1alpha1', 'kind': 'Job', 'metadata': {'name': 'a'},"
            + " 'spec': {'sink': {'type': 'postgres', 'secretRef': {'name': 'inventory-db'}}}}"),
        manifest("{'apiVersion': 'spaceone.dev/v1alpha1', 'kind': 'Job', 'metadata': {'name': 'b', 'namespace': 'x'},"
            + " 'spec': {'sink': {'type': 'postgres', 'secretRef': {'name': 'own-db'}}}}"),
        manifest("{'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'own-db', 'namespace': 'x'}}"),
        manifest("{'apiVersion': 'spaceone.dev/v1alpha1', 'kind': 'Job', 'metadata': {'name': 'c'},"
            + " 'spec': {'sink': {'type': 'log'}}}"));
    assertEquals(List.of(new SandboxPostgres.SinkSecret("default", "inventory-db")),
        SandboxPostgres.missingSinkSecrets(manifests, "default"));
  }

  @Test
  void urlToSecretKeys(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ca.pem"), "PEM");
    Map<String, String> keys = SandboxPostgres.keysFromUrl("postgresql://collector:p%40ss@db.example:6543/inventory"
        + "?sslmode=verify-full&sslrootcert=" + dir.resolve("ca.pem"));
    assertEquals(Map.of("host", "db.example", "port", "6543", "database", "inventory", "user", "collector",
        "password", "p@ss", "sslmode", "verify-full", "sslrootcert", "PEM"), keys);
    assertEquals("5432", SandboxPostgres.keysFromUrl("postgres://u@h/d").get("port"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SandboxPostgres.keysFromUrl("postgresql://u:secret-pw@h/d?sslmod=require"));
    assertFalse(e.getMessage().contains("secret-pw"));
    assertThrows(IllegalArgumentException.class, () -> SandboxPostgres.keysFromUrl("mysql://u@h/d"));
    assertThrows(IllegalArgumentException.class, () -> SandboxPostgres.keysFromUrl("postgresql://h/d"));
  }
}
