package dev.spaceone.operator.runtime;

import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.settings.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Entry point. {@code operator} (the default) runs in a cluster: kubeconfig or in-cluster config as fabric8
 * finds them, settings from the environment the Helm chart sets. (The sandbox, the whole product on one machine
 * without a cluster, is its own jar: the {@code sandbox} module.)
 *
 * <p>A start that fails (settings, API server unreachable, CRDs missing, RBAC, a port taken) is logged and ends
 * the JVM with {@link #START_FAILED}, so that Kubernetes restarts the container (CrashLoopBackOff) instead of
 * keeping a half-started process whose server threads hold the JVM up.
 */
public final class Main {
  /** Exit code of a start that failed; the reason is logged. */
  public static final int START_FAILED = 1;
  /** Exit code of an unknown command. */
  public static final int USAGE = 2;

  private Main() {
  }

  /**
   * What {@link #start} returned: a running command (exit code 0, to be closed on SIGTERM), or the exit code of
   * a start that failed, after everything it had started was closed.
   */
  public record Started(int exitCode, AutoCloseable running) {
    static Started failed(int exitCode) {
      return new Started(exitCode, null);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Started started = start(args, System.getenv(), ClusterClient::create, Clock.systemUTC());
    if (started.running() == null) {
      // Exit even if a library left a non-daemon thread behind.
      System.exit(started.exitCode());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Graceful shutdown: SIGTERM stops the controllers (in-flight reconciles finish) before the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll(started.running());
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  /**
   * Starts a command (the seam {@link #main} and tests share; it never calls {@code System.exit}).
   *
   * @param clients makes the API client for a User-Agent
   * @param clock the wall clock every timestamp and deadline reads
   */
  public static Started start(String[] args, Map<String, String> env, Function<String, KubernetesClient> clients,
      Clock clock) {
    String command = args.length == 0 ? "operator" : args[0];
    if (!command.equals("operator") && !command.equals("query-server")) {
      System.err.println("usage: spaceone-job-operator [operator | query-server]  (unknown command '" + command
          + "', " + (args.length - 1) + " more arguments)");
      return Started.failed(USAGE);
    }
    // Closed in reverse order when a later step fails.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Settings settings = Settings.fromEnvironment(env);
      configureLogging(settings.logLevel());
      if (command.equals("operator")) {
        startOperator(settings, clients, clock, opened);
      } else {
        startQueryServer(settings, clients, clock, opened);
      }
      AutoCloseable[] running = opened.toArray(AutoCloseable[]::new);
      return new Started(0, () -> closeAll(running));
    } catch (IOException | RuntimeException | Error e) {
      LoggerFactory.getLogger(Main.class).error("{} failed to start, exiting with {}: {}", command, START_FAILED,
          e.toString(), e);
      closeAll(opened.toArray(AutoCloseable[]::new));
      return Started.failed(START_FAILED);
    }
  }

  private static void startOperator(Settings settings, Function<String, KubernetesClient> clients, Clock clock,
      Deque<AutoCloseable> opened) throws IOException {
    // Our own User-Agent, so that audit logs and API server metrics name the operator.
    KubernetesClient client = clients.apply("spaceone-job-operator");
    opened.push(client);
    SpaceOneOperator operator = SpaceOneOperator.start(client, settings.operator(), clock);
    opened.push(operator);
    // The query API is served when the chart enables it (it then sets QUERY_PORT and mounts the certificate).
    if (settings.queryServer() != null) {
      opened.push(QueryServer.start(settings.queryServer(), client, operator.records(), clock));
    }
  }

  /**
   * The query API alone (the chart's {@code queryApi.separateDeployment}): its own informers, no
   * reconciling, no Lease.
   */
  private static void startQueryServer(Settings settings, Function<String, KubernetesClient> clients, Clock clock,
      Deque<AutoCloseable> opened) {
    if (settings.queryServer() == null) {
      throw new IllegalArgumentException("the query-server command needs QUERY_PORT");
    }
    KubernetesClient client = clients.apply("spaceone-job-operator-query");
    opened.push(client);
    opened.push(StandaloneQueryApi.start(client, settings.operator().watchNamespaces(), settings.queryServer(),
        settings.operator().managementPort(), clock));
  }

  /** Closes in the order given, each even if an earlier one failed. */
  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception | Error e) {
        LoggerFactory.getLogger(Main.class).warn("closing {} failed: {}", resource.getClass().getSimpleName(),
            e.toString());
      }
    }
  }

  static void configureLogging(String level) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    // The client's and the SDK's chatter is for debugging them, not for running the product.
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.javaoperatorsdk", "warn".equals(level) ? "warn" : "info");
  }
}
