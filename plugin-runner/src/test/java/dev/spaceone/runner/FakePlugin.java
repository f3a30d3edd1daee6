package dev.spaceone.runner;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** A SpaceONE plugin stand-in on grpc-java's in-process transport, serving the methods a test gives it. */
final class FakePlugin implements AutoCloseable {
  private final Map<String, ServerServiceDefinition.Builder> services = new LinkedHashMap<>();
  private final List<ServerServiceDefinition> extra = new CopyOnWriteArrayList<>();
  /** Every request, in arrival order. */
  final List<Object> requests = new CopyOnWriteArrayList<>();
  /** The metadata of every call. */
  final List<Metadata> headers = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  <Q, R> FakePlugin unary(MethodDescriptor<Q, R> method, Function<Q, R> handler) {
    service(method).addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
      requests.add(request);
      try {
        response.onNext(handler.apply(request));
        response.onCompleted();
      } catch (RuntimeException e) {
        response.onError(e);
      }
    }));
    return this;
  }

  <Q, R> FakePlugin stream(MethodDescriptor<Q, R> method, BiConsumer<Q, StreamObserver<R>> handler) {
    service(method).addMethod(method, ServerCalls.asyncServerStreamingCall((request, response) -> {
      requests.add(request);
      handler.accept(request, response);
    }));
    return this;
  }

  /** A service built by the test (e.g. with other marshallers). */
  FakePlugin with(ServerServiceDefinition service) {
    extra.add(service);
    return this;
  }

  /** A method that never answers. */
  <Q, R> FakePlugin silent(MethodDescriptor<Q, R> method) {
    service(method).addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> requests.add(request)));
    return this;
  }

  private ServerServiceDefinition.Builder service(MethodDescriptor<?, ?> method) {
    return services.computeIfAbsent(method.getServiceName(), ServerServiceDefinition::builder);
  }

  /** Starts the server; the channel accepts inbound messages up to {@code maxInboundBytes}. */
  ManagedChannel start(int maxInboundBytes) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = addServices(InProcessServerBuilder.forName(name)).build().start();
    channel = InProcessChannelBuilder.forName(name).maxInboundMessageSize(maxInboundBytes).build();
    return channel;
  }

  /**
   * Starts the server on 127.0.0.1 over HTTP/2 (Netty), as a plugin sidecar listens, for what the in-process
   * transport does not do (message size limits); returns its port.
   */
  int startOnLoopback() throws IOException {
    server = addServices(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(64 * 1024 * 1024)).build().start();
    return server.getPort();
  }

  private <T extends ServerBuilder<T>> T addServices(T builder) {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
          ServerCallHandler<Q, R> next) {
        headers.add(metadata);
        return next.startCall(call, metadata);
      }
    };
    services.values().forEach(s -> builder.addService(ServerInterceptors.intercept(s.build(), capture)));
    extra.forEach(builder::addService);
    return builder;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }
}
