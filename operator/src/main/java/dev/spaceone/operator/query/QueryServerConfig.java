package dev.spaceone.operator.query;

import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.query.QueryLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the query API server.
 *
 * @param bindAddress address to listen on, e.g. {@code 0.0.0.0}
 * @param port HTTPS port; 0 picks a free one (see {@link QueryServer#port()})
 * @param tlsDir directory with {@code tls.crt} and {@code tls.key}, re-read when they change
 * @param authenticationConfigMapNamespace namespace of the authentication ConfigMap
 * @param authenticationConfigMapName name of the authentication ConfigMap
 * @param sarCacheTtl how long SubjectAccessReview answers are reused
 * @param sarCacheSize most SubjectAccessReview answers kept
 * @param limits timeouts, connection and in-flight caps, body size, worker threads
 * @param queryLimits each query's size limits, deadline and memory budget
 */
public record QueryServerConfig(
    String bindAddress,
    int port,
    Path tlsDir,
    String authenticationConfigMapNamespace,
    String authenticationConfigMapName,
    Duration sarCacheTtl,
    int sarCacheSize,
    HttpLimits limits,
    QueryLimits queryLimits) {

  public static final int DEFAULT_PORT = 6443;
  public static final Path DEFAULT_TLS_DIR = Path.of("/etc/spaceone/query-tls");

  /** Port 6443 on all addresses, TLS from /etc/spaceone/query-tls, kube-system/extension-apiserver-authentication. */
  public static QueryServerConfig defaults() {
    return new QueryServerConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_TLS_DIR, "kube-system",
        "extension-apiserver-authentication", Duration.ofSeconds(10), 10_000, HttpLimits.queryDefaults(), QueryLimits.defaults());
  }

  /**
   * The settings the chart sets (README, "Query server limits" and "Query limits"): {@code QUERY_PORT},
   * {@code QUERY_TLS_DIR}, the server's {@code QUERY_WORKER_THREADS} ... {@code QUERY_WRITE_TIMEOUT_SECONDS} and
   * the engine's {@code QUERY_MAX_*}; absent or blank means the default, a bad value throws naming the variable.
   */
  public static QueryServerConfig fromEnvironment(Map<String, String> env) {
    HttpLimits d = HttpLimits.queryDefaults();
    int threads = number(env, "QUERY_WORKER_THREADS", 0);
    HttpLimits limits = new HttpLimits(
        Duration.ofSeconds(number(env, "QUERY_HANDSHAKE_TIMEOUT_SECONDS", (int) d.handshakeTimeout().toSeconds())),
        Duration.ofSeconds(number(env, "QUERY_IDLE_TIMEOUT_SECONDS", (int) d.idleTimeout().toSeconds())),
        Duration.ofSeconds(number(env, "QUERY_HEADER_TIMEOUT_SECONDS", (int) d.headerTimeout().toSeconds())),
        Duration.ofSeconds(number(env, "QUERY_BODY_TIMEOUT_SECONDS", (int) d.bodyTimeout().toSeconds())),
        Duration.ofSeconds(number(env, "QUERY_WRITE_TIMEOUT_SECONDS", (int) d.writeTimeout().toSeconds())),
        number(env, "QUERY_MAX_CONNECTIONS", d.maxConnections()), d.maxHeaderBytes(), d.maxBodyBytes(),
        threads > 0 ? threads : HttpLimits.defaultWorkers(),
        number(env, "QUERY_MAX_IN_FLIGHT", d.maxInFlight()),
        number(env, "QUERY_MAX_IN_FLIGHT_PER_USER", d.maxInFlightPerUser()), d.retryAfterSeconds());
    String port = env.get("QUERY_PORT");
    String tls = env.get("QUERY_TLS_DIR");
    return defaults()
        .withPort(port == null || port.isBlank() ? DEFAULT_PORT : number(env, "QUERY_PORT", DEFAULT_PORT))
        .withTlsDir(tls == null || tls.isBlank() ? DEFAULT_TLS_DIR : Path.of(tls))
        .withLimits(limits)
        .withQueryLimits(QueryLimits.fromEnvironment(env));
  }

  private static int number(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative, not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
    }
  }

  public QueryServerConfig withBindAddress(String value) {
    return new QueryServerConfig(value, port, tlsDir, authenticationConfigMapNamespace, authenticationConfigMapName,
        sarCacheTtl, sarCacheSize, limits, queryLimits);
  }

  public QueryServerConfig withPort(int value) {
    return new QueryServerConfig(bindAddress, value, tlsDir, authenticationConfigMapNamespace,
        authenticationConfigMapName, sarCacheTtl, sarCacheSize, limits, queryLimits);
  }

  public QueryServerConfig withTlsDir(Path value) {
    return new QueryServerConfig(bindAddress, port, value, authenticationConfigMapNamespace,
        authenticationConfigMapName, sarCacheTtl, sarCacheSize, limits, queryLimits);
  }

  public QueryServerConfig withAuthenticationConfigMap(String namespace, String name) {
    return new QueryServerConfig(bindAddress, port, tlsDir, namespace, name, sarCacheTtl, sarCacheSize, limits,
        queryLimits);
  }

  public QueryServerConfig withSarCacheTtl(Duration value) {
    return new QueryServerConfig(bindAddress, port, tlsDir, authenticationConfigMapNamespace,
        authenticationConfigMapName, value, sarCacheSize, limits, queryLimits);
  }

  public QueryServerConfig withLimits(HttpLimits value) {
    return new QueryServerConfig(bindAddress, port, tlsDir, authenticationConfigMapNamespace,
        authenticationConfigMapName, sarCacheTtl, sarCacheSize, value, queryLimits);
  }

  public QueryServerConfig withQueryLimits(QueryLimits value) {
    return new QueryServerConfig(bindAddress, port, tlsDir, authenticationConfigMapNamespace,
        authenticationConfigMapName, sarCacheTtl, sarCacheSize, limits, value);
  }

  /** Worker threads, keeping the in-flight caps. */
  public QueryServerConfig withThreads(int value) {
    return withLimits(limits.withWorkers(value, limits.maxInFlight(), limits.maxInFlightPerUser()));
  }
}
