package dev.spaceone.operator.settings;

import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.query.QueryLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the operator process is configured with, read from its environment once, at start, here and nowhere
 * else. Every variable is documented in README ("Settings") and set by the Helm chart from {@code values.yaml}
 * (HelmChartTest checks both against what this class reads).
 *
 * @param operator the controllers' settings
 * @param logLevel {@code LOG_LEVEL}: error, warn, info, debug or trace
 * @param queryServer the query API's settings, or null when it is off ({@code QUERY_PORT} unset)
 */
public record Settings(OperatorSettings operator, String logLevel, QueryServerConfig queryServer) {

  /** Reads the settings; a malformed value is an {@link IllegalArgumentException} naming the variable. */
  public static Settings fromEnvironment(Map<String, String> env) {
    Reader read = new Reader(env);
    String namespaces = read.text("WATCH_NAMESPACES", "").trim();
    OperatorSettings operator = new OperatorSettings(
        namespaces.isEmpty() ? Set.of() : Set.of(namespaces.split("\\s*,\\s*")),
        Boolean.parseBoolean(read.text("LEADER_ELECTION", "true")),
        read.text("LEADER_ELECTION_NAMESPACE", read.text("POD_NAMESPACE", null)),
        Duration.ofMillis(read.number("JOB_STATUS_INTERVAL_MS", 1000)),
        Duration.ofSeconds(read.number("TASK_RETRY_BACKOFF_SECONDS", 10)),
        Duration.ofSeconds(read.number("TASK_RETRY_BACKOFF_LIMIT_SECONDS", 360)),
        (int) read.number("RECONCILE_THREADS", 50),
        (int) read.number("MANAGEMENT_PORT", 8080),
        read.text("HOSTNAME", localHostName()),
        PluginRunner.fromEnvironment(env).withPodGraceSeconds(
            read.count("GRPC_POD_GRACE_SECONDS", PluginRunner.DEFAULT_POD_GRACE_SECONDS)));
    String queryPort = read.text("QUERY_PORT", "");
    QueryServerConfig defaults = QueryServerConfig.defaults();
    HttpLimits d = defaults.limits();
    long workers = read.number("QUERY_WORKER_THREADS", 0);
    HttpLimits server = new HttpLimits(
        Duration.ofSeconds(read.count("QUERY_HANDSHAKE_TIMEOUT_SECONDS", d.handshakeTimeout().toSeconds())),
        Duration.ofSeconds(read.count("QUERY_IDLE_TIMEOUT_SECONDS", d.idleTimeout().toSeconds())),
        Duration.ofSeconds(read.count("QUERY_HEADER_TIMEOUT_SECONDS", d.headerTimeout().toSeconds())),
        Duration.ofSeconds(read.count("QUERY_BODY_TIMEOUT_SECONDS", d.bodyTimeout().toSeconds())),
        Duration.ofSeconds(read.count("QUERY_WRITE_TIMEOUT_SECONDS", d.writeTimeout().toSeconds())),
        (int) read.count("QUERY_MAX_CONNECTIONS", d.maxConnections()), d.maxHeaderBytes(),
        read.count("QUERY_MAX_BODY_BYTES", d.maxBodyBytes()),
        workers > 0 ? (int) workers : HttpLimits.defaultWorkers(), // 0 = auto
        (int) read.count("QUERY_MAX_IN_FLIGHT", d.maxInFlight()),
        (int) read.count("QUERY_MAX_IN_FLIGHT_PER_USER", d.maxInFlightPerUser()), d.retryAfterSeconds());
    // The query limits are defined (names, defaults) by the query engine; read here with the rest.
    QueryLimits limits = QueryLimits.fromEnvironment(env);
    QueryServerConfig query = queryPort.isBlank() ? null : new QueryServerConfig(
        defaults.bindAddress(),
        (int) read.count("QUERY_PORT", defaults.port()),
        Path.of(read.text("QUERY_TLS_DIR", defaults.tlsDir().toString())),
        defaults.authenticationConfigMapNamespace(),
        defaults.authenticationConfigMapName(),
        Duration.ofSeconds(read.count("QUERY_SAR_CACHE_TTL_SECONDS", defaults.sarCacheTtl().toSeconds())),
        (int) read.count("QUERY_SAR_CACHE_SIZE", defaults.sarCacheSize()),
        server,
        limits);
    return new Settings(operator, read.text("LOG_LEVEL", "info"), query);
  }

  /** The name of every environment variable {@link #fromEnvironment} reads (for the chart's and README's checks). */
  public static Set<String> variables() {
    Set<String> names = new TreeSet<>();
    Map<String, String> recording = new HashMap<>() {
      @Override
      public String get(Object key) {
        names.add((String) key);
        return super.get(key);
      }

      @Override
      public String getOrDefault(Object key, String fallback) {
        names.add((String) key);
        return super.getOrDefault(key, fallback);
      }
    };
    recording.put("QUERY_PORT", "1"); // so that the query API's settings are read too
    fromEnvironment(recording);
    return names;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "spaceone-job-operator";
    }
  }

  private record Reader(Map<String, String> env) {
    String text(String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value;
    }

    long number(String name, long fallback) {
      String value = text(name, null);
      if (value == null) {
        return fallback;
      }
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
      }
    }

    /** A number that must not be negative. */
    long count(String name, long fallback) {
      long n = number(name, fallback);
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative, not " + n);
      }
      return n;
    }
  }
}
