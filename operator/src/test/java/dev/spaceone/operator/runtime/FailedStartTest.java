package dev.spaceone.operator.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spaceone.operator.runtime.Main.Started;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails ends in a non-zero exit code (Kubernetes then restarts the container) after closing what
 * it had started: no server port stays bound and no non-daemon thread is left to keep the JVM up. Runs
 * {@link Main#start}, the seam {@code main} calls before {@code System.exit}.
 */
class FailedStartTest {
  @TempDir
  Path dir;
  private Set<Thread> before;
  private int managementPort;

  @BeforeEach
  void snapshot() throws IOException {
    before = liveNonDaemonThreads();
    managementPort = freePort();
  }

  @Test
  void anUnreachableApiServerExitsNonZero() throws Exception {
    int closed = freePort();
    Started started = Main.start(new String[] {"operator"}, env(), agent -> new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closed).withUserAgent(agent)
            .withRequestRetryBackoffLimit(0).build()).build(), Clock.systemUTC());
    assertFailedAndCleanedUp(started);
  }

  @Test
  void missingCrdsExitNonZero() throws Exception {
    // A server that knows no Jobs or JobTasks answers 404 to their lists, as a cluster without the CRDs does.
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    try {
      assertFailedAndCleanedUp(Main.start(new String[] {"operator"}, env(), clients(server), Clock.systemUTC()));
      assertFailedAndCleanedUp(Main.start(new String[] {"query-server"}, withQueryPort(env(), freePort()),
          clients(server), Clock.systemUTC()));
    } finally {
      server.destroy();
    }
  }

  @Test
  void aTakenManagementPortExitsNonZero() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      Started started;
      try (ServerSocket taken = new ServerSocket()) {
        taken.bind(new InetSocketAddress("0.0.0.0", managementPort));
        started = Main.start(new String[] {"operator"}, env(), cluster::client, Clock.systemUTC());
      }
      assertFailedAndCleanedUp(started);
    }
  }

  /** The operator and its management server were running when the query server failed: both are stopped. */
  @Test
  void aTakenQueryPortAfterTheOperatorStartedExitsNonZero() throws Exception {
    try (MockCluster cluster = new MockCluster(); ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      assertFailedAndCleanedUp(Main.start(new String[] {"operator"}, withQueryPort(env(), taken.getLocalPort()),
          cluster::client, Clock.systemUTC()));
      assertFailedAndCleanedUp(Main.start(new String[] {"query-server"},
          withQueryPort(env(), taken.getLocalPort()), cluster::client, Clock.systemUTC()));
    }
  }

  @Test
  void badSettingsAndUnknownCommandsExitNonZero() {
    Map<String, String> env = env();
    env.put("RECONCILE_THREADS", "many");
    assertEquals(Main.START_FAILED, Main.start(new String[] {"operator"}, env, agent -> {
      throw new AssertionError("no client is made before the settings are read");
    }, Clock.systemUTC()).exitCode());
    assertEquals(Main.USAGE, Main.start(new String[] {"operate"}, env(), agent -> null, Clock.systemUTC()).exitCode());
  }

  /** The same seam starts a good configuration; closing it leaves nothing behind either. */
  @Test
  void aGoodConfigurationRunsUntilClosed() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      Started started = Main.start(new String[] {"operator"}, withQueryPort(env(), freePort()), cluster::client, Clock.systemUTC());
      assertEquals(0, started.exitCode());
      assertNotNull(started.running());
      try (Socket probe = new Socket("127.0.0.1", managementPort)) {
        // listening
      }
      started.running().close();
      assertNothingLeft();
    }
  }

  private void assertFailedAndCleanedUp(Started started) throws IOException {
    assertEquals(Main.START_FAILED, started.exitCode());
    assertNull(started.running());
    assertNothingLeft();
  }

  private void assertNothingLeft() throws IOException {
    try (ServerSocket free = new ServerSocket()) {
      free.setReuseAddress(true);
      free.bind(new InetSocketAddress("0.0.0.0", managementPort));
    }
    // Threads end shortly after their executors are shut down.
    try {
      await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> leftover().isEmpty());
    } catch (ConditionTimeoutException e) {
      assertEquals(List.of(), leftover(), "non-daemon threads left running");
    }
  }

  private List<String> leftover() {
    return liveNonDaemonThreads().stream().filter(t -> !before.contains(t))
        // The mock API server's own threads, started on demand when it serves.
        .filter(t -> !t.getName().startsWith("vert.x-") && !t.getName().startsWith("MockWebServer"))
        .map(Thread::getName).sorted().collect(Collectors.toList());
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("LEADER_ELECTION", "false");
    env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("WATCH_NAMESPACES", "team-a");
    env.put("HOSTNAME", "failed-start-test");
    return env;
  }

  private Map<String, String> withQueryPort(Map<String, String> env, int port) throws IOException {
    Path tls = dir.resolve("tls");
    if (!Files.exists(tls.resolve("tls.crt"))) {
      Files.createDirectories(tls);
      Pki.server(Pki.ca("serving-ca"), "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    }
    env.put("QUERY_PORT", Integer.toString(port));
    env.put("QUERY_TLS_DIR", tls.toString());
    return env;
  }

  private static Function<String, KubernetesClient> clients(KubernetesMockServer server) {
    return agent -> server.createClient(b -> b.editOrNewConfig().withUserAgent(agent)
        .withRequestRetryBackoffLimit(0).endConfig());
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
