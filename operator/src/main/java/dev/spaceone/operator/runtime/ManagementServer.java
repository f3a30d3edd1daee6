package dev.spaceone.operator.runtime;

import dev.spaceone.operator.http.BoundedHttpServer;
import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.operator.http.HttpService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves /metrics (Prometheus text), /healthz and /readyz for the kubelet's probes. The probes are
 * answered on the I/O thread, so neither a scrape nor a stalled client delays them.
 */
public final class ManagementServer implements AutoCloseable, HttpService {
  private final BoundedHttpServer server;
  private final Supplier<String> metrics;
  private final BooleanSupplier ready;

  public ManagementServer(int port, Supplier<String> metrics, BooleanSupplier ready) throws IOException {
    this(port, HttpLimits.managementDefaults(), metrics, ready);
  }

  public ManagementServer(int port, HttpLimits limits, Supplier<String> metrics, BooleanSupplier ready)
      throws IOException {
    this.metrics = metrics;
    this.ready = ready;
    this.server = new BoundedHttpServer("management", "0.0.0.0", port, null, 1, limits, this);
  }

  public int port() {
    return server.port();
  }

  @Override
  public Decision decide(RequestHead head) {
    return switch (head.rawPath()) {
      case "/healthz" -> new Answer(Response.text(200, "ok"));
      case "/readyz" -> {
        boolean isReady = ready.getAsBoolean();
        yield new Answer(Response.text(isReady ? 200 : 503, isReady ? "ok" : "not ready"));
      }
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
    server.close();
  }
}
