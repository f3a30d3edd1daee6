package dev.spaceone.runner.grpc;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.result.ErrorInfo;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;

/**
 * The runner's calls to one plugin, as SpaceONE's SpaceConnector makes them (metadata {@code token: NO_TOKEN},
 * 256 MiB inbound, unary calls bounded and retried twice on UNAVAILABLE, streams not retried) but with the
 * runner's own deadline on every call: SpaceONE sets none on streams.
 */
public final class PluginConnection implements AutoCloseable {
  /** SpaceONE's client allows 256 MiB messages; grpc-java's default of 4 MiB would break on big resources. */
  public static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;
  private static final int UNARY_ATTEMPTS = 3;
  private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel managed;
  private final Channel channel;
  private final String endpoint;
  private final Deadline taskDeadline;
  private final Duration unaryTimeout;

  PluginConnection(ManagedChannel channel, String endpoint, Deadline taskDeadline, Duration unaryTimeout) {
    this.managed = channel;
    this.channel = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(noToken()));
    this.endpoint = endpoint;
    this.taskDeadline = taskDeadline;
    this.unaryTimeout = unaryTimeout;
  }

  /**
   * Waits until something accepts TCP connections on {@code host:port} (bounded by {@code connectTimeout} and the
   * task deadline), then opens a plain-text channel to it.
   */
  public static PluginConnection open(String endpoint, Duration connectTimeout, Deadline taskDeadline,
      Duration unaryTimeout, int maxInboundBytes) throws PluginCallException {
    InetSocketAddress address = address(endpoint);
    awaitListening(address, endpoint, connectTimeout, taskDeadline);
    ManagedChannel channel = NettyChannelBuilder.forAddress(address)
        .usePlaintext()
        .maxInboundMessageSize(maxInboundBytes)
        .build();
    return new PluginConnection(channel, endpoint, taskDeadline, unaryTimeout);
  }

  /** Over a channel made elsewhere (tests: in-process transport). */
  public static PluginConnection over(ManagedChannel channel, Deadline taskDeadline, Duration unaryTimeout) {
    return new PluginConnection(channel, channel.authority(), taskDeadline, unaryTimeout);
  }

  private static Metadata noToken() {
    Metadata headers = new Metadata();
    headers.put(TOKEN, "NO_TOKEN");
    return headers;
  }

  private static InetSocketAddress address(String endpoint) throws PluginCallException {
    int colon = endpoint.lastIndexOf(':');
    try {
      String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
      return new InetSocketAddress(host, Integer.parseInt(endpoint.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new PluginCallException(new ErrorInfo(ErrorCodes.INVALID_TASK,
          "SPACEONE_PLUGIN_ENDPOINT must be host:port, not '" + endpoint + "'"), false, e);
    }
  }

  private static void awaitListening(InetSocketAddress address, String endpoint, Duration connectTimeout,
      Deadline taskDeadline) throws PluginCallException {
    Deadline connectDeadline = Deadline.after(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).minimum(taskDeadline);
    IOException last;
    do {
      try (Socket socket = new Socket()) {
        socket.connect(address, 1000);
        return;
      } catch (IOException e) {
        last = e;
      }
      // A plugin (a Python server takes about 2 s) may still be starting: try again shortly.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    } while (!connectDeadline.isExpired());
    String code = taskDeadline.isExpired() ? ErrorCodes.PLUGIN_TIMEOUT : ErrorCodes.PLUGIN_UNREACHABLE;
    throw new PluginCallException(new ErrorInfo(code, "no plugin accepted connections on " + endpoint + " within "
        + connectTimeout.toSeconds() + " s: " + last.getMessage()), false, last);
  }

  /**
   * One unary call through a generated blocking stub ({@code stubs}: e.g. {@code CollectorGrpc::newBlockingStub}),
   * bounded by the unary timeout and the task deadline; UNAVAILABLE is tried again twice. {@code method} (the
   * generated descriptor) names the call in errors.
   */
  public <S extends AbstractBlockingStub<S>, R> R unary(MethodDescriptor<?, R> method, Function<Channel, S> stubs,
      Function<S, R> call) throws PluginCallException {
    S stub = stubs.apply(channel);
    StatusRuntimeException last = null;
    for (int attempt = 0; attempt < UNARY_ATTEMPTS && !taskDeadline.isExpired(); attempt++) {
      Deadline deadline = Deadline.after(unaryTimeout.toMillis(), TimeUnit.MILLISECONDS).minimum(taskDeadline);
      try {
        return call.apply(stub.withDeadline(deadline));
      } catch (StatusRuntimeException e) {
        last = e;
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          break;
        }
      }
    }
    throw failure(method, last);
  }

  /** {@link #unary}, or empty when the plugin does not serve the method (UNIMPLEMENTED): optional methods. */
  public <S extends AbstractBlockingStub<S>, R> Optional<R> unaryIfServed(MethodDescriptor<?, R> method,
      Function<Channel, S> stubs, Function<S, R> call) throws PluginCallException {
    try {
      return Optional.of(unary(method, stubs, call));
    } catch (PluginCallException e) {
      if (e.unimplemented()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A server stream through a generated blocking stub under the task deadline; close it to cancel the call. */
  public <S extends AbstractBlockingStub<S>, R> PluginStream<R> serverStream(MethodDescriptor<?, R> method,
      Function<Channel, S> stubs, Function<S, Iterator<R>> call) {
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<R> iterator = call.apply(stubs.apply(channel).withDeadline(taskDeadline));
      return new PluginStream<>(this, method, iterator, context);
    } finally {
      context.detach(previous);
    }
  }

  /** The method's name as SpaceONE writes it in errors and logs: {@code Collector.collect}. */
  public static String displayName(MethodDescriptor<?, ?> method) {
    String service = method.getServiceName();
    return service.substring(service.lastIndexOf('.') + 1) + "." + method.getBareMethodName();
  }

  /** The error a failed call reports: timeout (ours), or the plugin's status as ERROR_COLLECTOR_PLUGIN. */
  PluginCallException failure(MethodDescriptor<?, ?> method, StatusRuntimeException e) {
    String name = displayName(method);
    if (e == null) {
      return new PluginCallException(new ErrorInfo(ErrorCodes.PLUGIN_TIMEOUT,
          "task deadline reached before " + name + " was called"), false, null);
    }
    Status status = e.getStatus();
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      String message = taskDeadline.isExpired()
          ? "task deadline reached during " + name
          : name + " did not answer within " + unaryTimeout.toSeconds() + " s";
      return new PluginCallException(new ErrorInfo(ErrorCodes.PLUGIN_TIMEOUT, message), false, e);
    }
    String description = status.getDescription() == null ? "" : ": " + status.getDescription();
    if (status.getCause() != null && status.getDescription() == null) {
      description = ": " + status.getCause().getMessage();
    }
    return new PluginCallException(new ErrorInfo(ErrorCodes.COLLECTOR_PLUGIN,
        name + " on " + endpoint + " failed with " + status.getCode() + description), 
        status.getCode() == Status.Code.UNIMPLEMENTED, e);
  }

  @Override
  public void close() {
    managed.shutdownNow();
    try {
      managed.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
