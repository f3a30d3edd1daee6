package dev.spaceone.operator.http;

import java.time.Duration;

/**
 * Every bound of one {@link BoundedHttpServer}: how long a client may take at each step, how many
 * connections and requests it may hold, and how big a request may be.
 *
 * @param handshakeTimeout a TLS handshake must finish within this after the connection opens
 * @param idleTimeout a connection with no request under way is closed after this
 * @param headerTimeout a request's head (line and headers) must arrive within this of its first byte
 * @param bodyTimeout a request's body must arrive within this of its head
 * @param writeTimeout one response write must be taken by the client within this
 * @param maxConnections open connections; more are closed as soon as they are accepted
 * @param maxHeaderBytes request line and headers; more is a 431
 * @param maxBodyBytes request body; more is a 413
 * @param workerThreads threads that run admitted requests (health checks never use them)
 * @param maxInFlight admitted requests at once, running or waiting for a worker; more is a 429
 * @param maxInFlightPerUser admitted requests of one user at once; more is a 429
 * @param retryAfterSeconds the {@code Retry-After} of a 429
 */
public record HttpLimits(
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration writeTimeout,
    int maxConnections,
    int maxHeaderBytes,
    long maxBodyBytes,
    int workerThreads,
    int maxInFlight,
    int maxInFlightPerUser,
    int retryAfterSeconds) {

  public HttpLimits {
    if (workerThreads < 1 || maxInFlight < 1 || maxInFlightPerUser < 1 || maxConnections < 1) {
      throw new IllegalArgumentException("threads, connections and in-flight caps must be at least 1");
    }
  }

  /** The query API's defaults (see README, "Query API limits"). */
  public static HttpLimits queryDefaults() {
    return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(30), 1000, 64 * 1024, 1024 * 1024, defaultWorkers(), 16, 4, 1);
  }

  /**
   * Half the processors the JVM may use (its container's CPU limit), at least one: queries never take
   * every core from the reconcilers in the same process.
   */
  public static int defaultWorkers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** The management endpoint's: small, for probes and a Prometheus scrape. */
  public static HttpLimits managementDefaults() {
    return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(30), 64, 16 * 1024, 0, 1, 4, 4, 1);
  }

  public HttpLimits withTimeouts(Duration handshake, Duration idle, Duration header, Duration body,
      Duration write) {
    return new HttpLimits(handshake, idle, header, body, write, maxConnections, maxHeaderBytes, maxBodyBytes,
        workerThreads, maxInFlight, maxInFlightPerUser, retryAfterSeconds);
  }

  public HttpLimits withMaxBodyBytes(long value) {
    return new HttpLimits(handshakeTimeout, idleTimeout, headerTimeout, bodyTimeout, writeTimeout, maxConnections,
        maxHeaderBytes, value, workerThreads, maxInFlight, maxInFlightPerUser, retryAfterSeconds);
  }

  public HttpLimits withWorkers(int threads, int inFlight, int inFlightPerUser) {
    return new HttpLimits(handshakeTimeout, idleTimeout, headerTimeout, bodyTimeout, writeTimeout, maxConnections,
        maxHeaderBytes, maxBodyBytes, threads, inFlight, inFlightPerUser, retryAfterSeconds);
  }

  public HttpLimits withMaxConnections(int value) {
    return new HttpLimits(handshakeTimeout, idleTimeout, headerTimeout, bodyTimeout, writeTimeout, value,
        maxHeaderBytes, maxBodyBytes, workerThreads, maxInFlight, maxInFlightPerUser, retryAfterSeconds);
  }
}
