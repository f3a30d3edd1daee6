package dev.spaceone.operator.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server (Netty) that a slow, silent or greedy client cannot stall: connections, TLS
 * handshakes and keep-alive waits are non-blocking on a few I/O threads and each has a timeout;
 * answers that need no work (health checks) are given on the I/O thread, so they never wait behind
 * requests; every other request runs on a bounded worker pool once admitted under the total and
 * per-caller in-flight caps, and beyond them is a 429 with {@code Retry-After}. When a client goes
 * away, its request's {@link HttpService.Call} says so.
 */
public final class BoundedHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedHttpServer.class);

  private final String name;
  private final HttpLimits limits;
  private final HttpService service;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup io;
  private final ThreadPoolExecutor workers;
  private final Admission admission;
  private final Channel listener;
  private final AtomicInteger connections = new AtomicInteger();
  final Counters counters = new Counters();

  /** What happened to requests so far, for metrics and tests. */
  public static final class Counters {
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
  }

  /**
   * Starts listening.
   *
   * @param name names the threads and log lines
   * @param ssl TLS (client certificates asked for, not required), or null for plain HTTP
   * @param ioThreads threads that do all network I/O, TLS and the immediate answers
   */
  public BoundedHttpServer(String name, String bindAddress, int port, SSLContext ssl, int ioThreads,
      HttpLimits limits, HttpService service) throws IOException {
    this.name = name;
    this.limits = limits;
    this.service = service;
    this.admission = new Admission(limits.maxInFlight(), limits.maxInFlightPerUser());
    this.acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true));
    this.io = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(name + "-io", true));
    // The queue is unbounded in type only: admission holds it to maxInFlight.
    this.workers = new ThreadPoolExecutor(limits.workerThreads(), limits.workerThreads(), 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), new DefaultThreadFactory(name + "-worker", true));
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptor, io)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (connections.incrementAndGet() > limits.maxConnections()) {
              connections.decrementAndGet();
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> connections.decrementAndGet());
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              SSLEngine engine = ssl.createSSLEngine();
              engine.setUseClientMode(false);
              // Asked for, not required: health checks come without one; verification is per request.
              engine.setWantClientAuth(true);
              SslHandler tls = new SslHandler(engine);
              tls.setHandshakeTimeoutMillis(limits.handshakeTimeout().toMillis());
              p.addLast("tls", tls);
            }
            p.addLast("write-timeout", new WriteTimeoutHandler(limits.writeTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
            Connection connection = new Connection(BoundedHttpServer.this, ssl != null);
            p.addLast("first-bytes", new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                connection.bytesArrived();
                ctx.fireChannelRead(msg);
              }
            });
            p.addLast("http", new HttpServerCodec(8192, limits.maxHeaderBytes(), 64 * 1024));
            p.addLast("chunked-writes", new ChunkedWriteHandler());
            p.addLast("service", connection);
          }
        });
    try {
      this.listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      shutdown();
      throw new IOException(name + ": cannot listen on " + bindAddress + ":" + port, e);
    }
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Requests admitted and not yet done. */
  public int inFlight() {
    return admission.inFlight();
  }

  /** Requests turned away with a 429. */
  public long rejected() {
    return counters.rejected.get();
  }

  /** Admitted requests whose client went away before the answer. */
  public long cancelled() {
    return counters.cancelled.get();
  }

  /** Connections closed by a timeout. */
  public long timedOut() {
    return counters.timedOut.get();
  }

  /** Open connections. */
  public int connections() {
    return connections.get();
  }

  HttpLimits limits() {
    return limits;
  }

  HttpService service() {
    return service;
  }

  Admission admission() {
    return admission;
  }

  ExecutorService workers() {
    return workers;
  }

  String name() {
    return name;
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    shutdown();
  }

  private void shutdown() {
    workers.shutdownNow();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("{}: workers still running after 5 s", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
