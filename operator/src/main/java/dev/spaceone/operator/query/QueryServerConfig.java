package dev.spaceone.operator.query;

import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.query.QueryLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the query API server (in a cluster from {@code Settings.fromEnvironment}).
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
