package dev.spaceone.operator;

import dev.spaceone.operator.runtime.OperatorSettings;
import dev.spaceone.operator.runtime.SpaceOneOperator;
import dev.spaceone.operator.sandbox.SandboxCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point. {@code operator} (the default) runs in a cluster: kubeconfig or in-cluster config as fabric8
 * finds them, settings from the environment the Helm chart sets. {@code sandbox} runs the whole product on this
 * machine without a cluster (see {@link SandboxCommand}).
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    String command = args.length == 0 ? "operator" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "operator" -> {
        configureLogging(System.getenv().getOrDefault("LOG_LEVEL", "info"));
        runOperator();
      }
      // The sandbox configures its own logging (to files): before any logger exists.
      case "sandbox" -> System.exit(SandboxCommand.run(rest));
      default -> {
        System.err.println("usage: spaceone-job-operator [operator | sandbox [--help]]  (unknown command '" + command
            + "', " + rest.length + " more arguments)");
        System.exit(2);
      }
    }
  }

  private static void runOperator() throws InterruptedException {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    SpaceOneOperator operator = SpaceOneOperator.start(client, settings);
    CountDownLatch stopped = new CountDownLatch(1);
    // Graceful shutdown: SIGTERM stops the controllers (in-flight reconciles finish) before the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
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
