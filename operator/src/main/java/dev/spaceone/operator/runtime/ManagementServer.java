package dev.spaceone.operator.runtime;

import dev.spaceone.operator.http.BoundedHttpServer;
import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.operator.http.HttpService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves /metrics (Prometheus text), /healthz and /readyz for the kubelet's probes. The probes are
 * answered on the I/O thread, so neither a scrape nor a stalled client delays them. The readiness check
 * (JOSDK's event source health) runs on its own thread every {@link #READY_INTERVAL} and /readyz answers its
 * last result: a check that blocks can then hold neither the I/O thread nor /healthz, and /readyz says it is
 * stuck (and the log shows where) instead of timing out.
 */
public final class ManagementServer implements AutoCloseable, HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  static final Duration READY_INTERVAL = Duration.ofSeconds(1);
  /** A check running longer than this makes /readyz answer 503: well below the kubelet's 5 s probe timeout. */
  static final Duration READY_STUCK = Duration.ofSeconds(3);

  private final BoundedHttpServer server;
  private final Supplier<String> metrics;
  private final BooleanSupplier ready;
  private final ScheduledExecutorService readiness;
  private volatile Thread checking;
  private volatile long checkStartedNanos;
  private volatile boolean lastReady;
  private volatile boolean stuckLogged;

  public ManagementServer(int port, Supplier<String> metrics, BooleanSupplier ready) throws IOException {
    this(port, HttpLimits.managementDefaults(), metrics, ready);
  }

  public ManagementServer(int port, HttpLimits limits, Supplier<String> metrics, BooleanSupplier ready)
      throws IOException {
    this.metrics = metrics;
    this.ready = ready;
    this.readiness = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "management-readiness");
      t.setDaemon(true);
      return t;
    });
    this.server = new BoundedHttpServer("management", "0.0.0.0", port, null, 1, limits, this);
    readiness.scheduleWithFixedDelay(this::check, 0, READY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    checkStartedNanos = System.nanoTime();
    checking = Thread.currentThread();
    boolean value;
    try {
      value = ready.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("readiness check failed", e);
      value = false;
    }
    checking = null;
    lastReady = value;
    if (stuckLogged) {
      LOG.info("readiness check answers again");
      stuckLogged = false;
    }
  }

  /** The /readyz answer: the last check's result, or 503 while a check has run longer than {@link #READY_STUCK}. */
  private Response readyAnswer() {
    Thread running = checking;
    if (running != null) {
      long runningMs = (System.nanoTime() - checkStartedNanos) / 1_000_000;
      if (runningMs > READY_STUCK.toMillis()) {
        if (!stuckLogged) {
          stuckLogged = true;
          LOG.warn("readiness check stuck for {} ms at:\n\t{}", runningMs, Arrays.stream(running.getStackTrace())
              .map(StackTraceElement::toString).collect(Collectors.joining("\n\t")));
        }
        return Response.text(503, "readiness check stuck for " + runningMs + " ms");
      }
    }
    return lastReady ? Response.text(200, "ok") : Response.text(503, "not ready");
  }

  public int port() {
    return server.port();
  }

  @Override
  public Decision decide(RequestHead head) {
    return switch (head.rawPath()) {
      case "/healthz" -> new Answer(Response.text(200, "ok"));
      case "/readyz" -> new Answer(readyAnswer());
      // One scrape at a time, on the worker: a slow one never holds the probes.
      case "/metrics" -> new Admit("metrics", null);
      default -> new Answer(Response.text(404, "not found"));
    };
  }

  @Override
  public Response serve(Request request, Call call) {
    return new Response(200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.get().getBytes(StandardCharsets.UTF_8), List.of());
  }

  @Override
  public Response error(int code, String message) {
    return Response.text(code, message);
  }

  @Override
  public void close() {
    readiness.shutdownNow();
    server.close();
  }
}
