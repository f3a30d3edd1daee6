package dev.spaceone.operator.image;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Run in its own JVM by {@link ApiResponseThreadsTest}: makes {@value #REQUESTS} GETs with the operator's fabric8
 * client (JDK HTTP client) against a tiny local server and prints how many threads the JVM started meanwhile.
 */
public final class ApiResponseThreadsProbe {
  static final int REQUESTS = 200;
  private static final byte[] CONFIG_MAP = """
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}"""
      .getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "probe-server");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, CONFIG_MAP.length);
      exchange.getResponseBody().write(CONFIG_MAP);
      exchange.close();
    });
    server.start();
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort()).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      for (int i = 0; i < 20; i++) {
        client.configMaps().inNamespace("default").withName("x").get();
      }
      long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      for (int i = 0; i < REQUESTS; i++) {
        client.configMaps().inNamespace("default").withName("x").get();
      }
      long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
      System.out.println("THREADS_STARTED " + started);
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }
}
