package dev.spaceone.operator.runtime;

import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.settings.Settings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point. {@code operator} (the default) runs in a cluster: kubeconfig or in-cluster config as fabric8
 * finds them, settings from the environment the Helm chart sets. (The sandbox, the whole product on one machine
 * without a cluster, is its own jar: the {@code sandbox} module.)
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws InterruptedException, IOException {
    String command = args.length == 0 ? "operator" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "operator" -> {
        Settings settings = Settings.fromEnvironment(System.getenv());
        configureLogging(settings.logLevel());
        runOperator(settings, Clock.systemUTC());
      }
      case "query-server" -> {
        Settings settings = Settings.fromEnvironment(System.getenv());
        configureLogging(settings.logLevel());
        runQueryServer(settings, Clock.systemUTC());
      }
      default -> {
        System.err.println("usage: spaceone-job-operator [operator | query-server]  (unknown command '" + command
            + "', " + rest.length + " more arguments)");
        System.exit(2);
      }
    }
  }

  private static void runOperator(Settings settings, Clock clock) throws InterruptedException, IOException {
    // Our own User-Agent, so that audit logs and API server metrics name the operator.
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(Config.autoConfigure(null)).withUserAgent("spaceone-job-operator").build())
        .build();
    SpaceOneOperator operator = SpaceOneOperator.start(client, settings.operator(), clock);
    // The query API is served when the chart enables it (it then sets QUERY_PORT and mounts the certificate).
    QueryServer query = settings.queryServer() == null ? null
        : QueryServer.start(settings.queryServer(), client, operator.records(), clock);
    CountDownLatch stopped = new CountDownLatch(1);
    // Graceful shutdown: SIGTERM stops the controllers (in-flight reconciles finish) before the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (query != null) {
        query.close();
      }
      operator.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  /**
   * The query API alone (the chart's {@code queryApi.separateDeployment}): its own informers, no
   * reconciling, no Lease.
   */
  private static void runQueryServer(Settings settings, Clock clock) throws InterruptedException {
    if (settings.queryServer() == null) {
      throw new IllegalArgumentException("the query-server command needs QUERY_PORT");
    }
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(Config.autoConfigure(null)).withUserAgent("spaceone-job-operator-query").build())
        .build();
    StandaloneQueryApi api = StandaloneQueryApi.start(client, settings.operator().watchNamespaces(),
        settings.queryServer(), settings.operator().managementPort(), clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      api.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
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
