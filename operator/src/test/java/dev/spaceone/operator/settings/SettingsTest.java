package dev.spaceone.operator.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.query.QueryLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
  static final Path README = Path.of("..", "README.md");

  @Test
  void defaultsWhenNothingIsSet() {
    Settings settings = Settings.fromEnvironment(Map.of("HOSTNAME", "op-0", "POD_NAMESPACE", "ops"));
    assertEquals(new OperatorSettings(Set.of(), true, "ops", Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofSeconds(360), 50, 8080, "op-0", PluginRunner.DEFAULT), settings.operator());
    assertEquals("info", settings.logLevel());
    assertNull(settings.queryServer(), "no QUERY_PORT, no query API");
  }

  @Test
  void everyVariableReachesItsSetting() {
    Settings settings = Settings.fromEnvironment(Map.ofEntries(
        Map.entry("WATCH_NAMESPACES", "a, b"), Map.entry("LEADER_ELECTION", "false"),
        Map.entry("LEADER_ELECTION_NAMESPACE", "lease"), Map.entry("JOB_STATUS_INTERVAL_MS", "250"),
        Map.entry("TASK_RETRY_BACKOFF_SECONDS", "3"), Map.entry("TASK_RETRY_BACKOFF_LIMIT_SECONDS", "30"),
        Map.entry("RECONCILE_THREADS", "7"), Map.entry("MANAGEMENT_PORT", "-1"), Map.entry("HOSTNAME", "op-1"),
        Map.entry("LOG_LEVEL", "debug"), Map.entry("QUERY_PORT", "8443"), Map.entry("QUERY_TLS_DIR", "/tls"),
        Map.entry("QUERY_WORKER_THREADS", "3"), Map.entry("QUERY_MAX_BODY_BYTES", "2048"),
        Map.entry("QUERY_SAR_CACHE_TTL_SECONDS", "5"), Map.entry("QUERY_SAR_CACHE_SIZE", "9"),
        Map.entry("QUERY_MAX_CONDITIONS", "4"), Map.entry("GRPC_POD_GRACE_SECONDS", "2")));
    assertEquals(new OperatorSettings(Set.of("a", "b"), false, "lease", Duration.ofMillis(250),
        Duration.ofSeconds(3), Duration.ofSeconds(30), 7, -1, "op-1", PluginRunner.DEFAULT.withPodGraceSeconds(2)),
        settings.operator());
    assertEquals("debug", settings.logLevel());
    QueryServerConfig query = settings.queryServer();
    assertEquals(List.of(8443, Path.of("/tls"), 3, 2048L, Duration.ofSeconds(5), 9),
        List.of(query.port(), query.tlsDir(), query.limits().workerThreads(), query.limits().maxBodyBytes(), query.sarCacheTtl(),
            query.sarCacheSize()));
    assertEquals(4, query.queryLimits().get(QueryLimits.Limit.CONDITIONS));
  }

  @Test
  void aMalformedNumberNamesItsVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Settings.fromEnvironment(Map.of("RECONCILE_THREADS", "many")));
    assertEquals("RECONCILE_THREADS must be a whole number, not 'many'", e.getMessage());
  }

  @Test
  void everyVariableIsInReadmesTables() throws IOException {
    List<String> tableRows = Files.readAllLines(README).stream().filter(l -> l.startsWith("|")).toList();
    Set<String> variables = Settings.variables();
    assertTrue(variables.containsAll(Set.of("WATCH_NAMESPACES", "QUERY_PORT", "QUERY_MAX_CONDITIONS", "HOSTNAME")),
        variables.toString());
    List<String> undocumented = variables.stream()
        .filter(v -> tableRows.stream().noneMatch(row -> row.contains("`" + v + "`"))).toList();
    assertEquals(List.of(), undocumented, "README's tables (Settings, Query limits) miss these");
  }

  @Test
  void theQueryServersLimitsFromTheEnvironment() {
    QueryServerConfig c = Settings.fromEnvironment(Map.of("QUERY_PORT", "9443", "QUERY_WORKER_THREADS", "3",
        "QUERY_MAX_IN_FLIGHT", "20", "QUERY_MAX_IN_FLIGHT_PER_USER", "2", "QUERY_IDLE_TIMEOUT_SECONDS", "15",
        "QUERY_DEADLINE_MS", "5000")).queryServer();
    assertEquals(9443, c.port());
    assertEquals(3, c.limits().workerThreads());
    assertEquals(20, c.limits().maxInFlight());
    assertEquals(2, c.limits().maxInFlightPerUser());
    assertEquals(Duration.ofSeconds(15), c.limits().idleTimeout());
    assertEquals(Duration.ofSeconds(5), c.queryLimits().deadline());
    assertEquals(dev.spaceone.operator.http.HttpLimits.defaultWorkers(),
        Settings.fromEnvironment(Map.of("QUERY_PORT", "1", "QUERY_WORKER_THREADS", "0")).queryServer().limits().workerThreads());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Settings.fromEnvironment(Map.of("QUERY_MAX_IN_FLIGHT", "lots")));
    assertTrue(bad.getMessage().contains("QUERY_MAX_IN_FLIGHT"), bad.getMessage());
  }
}
