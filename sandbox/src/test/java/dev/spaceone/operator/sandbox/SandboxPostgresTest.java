package dev.spaceone.operator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.operator.sandbox.ManifestLoader.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxPostgresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
