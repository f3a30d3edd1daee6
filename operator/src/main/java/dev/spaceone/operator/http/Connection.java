package dev.spaceone.operator.http;

import dev.spaceone.operator.http.HttpService.Admit;
import dev.spaceone.operator.http.HttpService.Answer;
import dev.spaceone.operator.http.HttpService.Call;
import dev.spaceone.operator.http.HttpService.Decision;
import dev.spaceone.operator.http.HttpService.Header;
import dev.spaceone.operator.http.HttpService.Request;
import dev.spaceone.operator.http.HttpService.RequestHead;
import dev.spaceone.operator.http.HttpService.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests, one at a time, on its I/O thread. Each step has its deadline: a request's
 * head within the header timeout of its first byte, its body within the body timeout, the next
 * request within the idle timeout. Requests pipelined behind one in progress wait, unread.
 */
final class Connection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** Bytes of a refused body read and dropped so that the client sees the answer; beyond that, close. */
  private static final long DRAIN_LIMIT = 16L * 1024 * 1024;
  /** Bodies larger than this are written in chunks of this size. */
  private static final int CHUNK = 64 * 1024;

  private enum State { IDLE, HEAD, BODY, DISCARD, PROCESSING }

  private final BoundedHttpServer server;
  private final boolean tls;
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private ScheduledFuture<?> timer;
  private RequestHead head;
  private boolean keepAlive;
  private boolean expectsContinue;
  private String caller;
  private Object attachment;
  private ByteArrayOutputStream body;
  private long discarded;
  private Call call;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();

  Connection(BoundedHttpServer server, boolean tls) {
    this.server = server;
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // With TLS the handshake has its own timeout, and the idle wait starts once it is done.
    if (!tls) {
      schedule(server.limits().idleTimeout().toMillis(), this::idleTimeout);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess() && state == State.IDLE) {
        schedule(server.limits().idleTimeout().toMillis(), this::idleTimeout);
      } else if (done.cause() instanceof SslHandshakeTimeoutException) {
        server.counters.timedOut.incrementAndGet();
      }
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Any bytes from the client (before HTTP decoding): a request has begun. */
  void bytesArrived() {
    if (state == State.IDLE) {
      state = State.HEAD;
      schedule(server.limits().headerTimeout().toMillis(), this::readTimeout);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.PROCESSING || !pipelined.isEmpty()) {
      pipelined.add(msg);
      if (msg instanceof LastHttpContent) {
        // Stop reading until the request in progress is answered.
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        if (request.decoderResult().isFailure()) {
          malformed(request.decoderResult().cause());
          return;
        }
        start(request);
      }
      if (msg instanceof HttpContent content) {
        if (content.decoderResult().isFailure()) {
          malformed(content.decoderResult().cause());
          return;
        }
        content(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(HttpRequest request) {
    if (state == State.IDLE) {
      bytesArrived();
    }
    keepAlive = HttpUtil.isKeepAlive(request);
    expectsContinue = HttpUtil.is100ContinueExpected(request);
    String uri = request.uri();
    int q = uri.indexOf('?');
    head = new RequestHead(request.method().name(), q < 0 ? uri : uri.substring(0, q),
        q < 0 ? null : uri.substring(q + 1), request.headers(), tls ? peerCertificates() : null);
    state = State.BODY;
    schedule(server.limits().bodyTimeout().toMillis(), this::readTimeout);
    Decision decision;
    try {
      decision = head.rawPath().startsWith("/") ? server.service().decide(head)
          : new Answer(server.service().error(400, "the request target must be a path"));
    } catch (RuntimeException e) {
      LOG.error("{}: deciding {} {} failed", server.name(), head.method(), head.rawPath(), e);
      server.counters.failed.incrementAndGet();
      decision = new Answer(server.service().error(500, "the server failed; see its log"));
    }
    if (decision instanceof Answer answer) {
      refuse(answer.response());
      return;
    }
    Admit admit = (Admit) decision;
    long declared = HttpUtil.getContentLength(request, -1L);
    if (declared > server.limits().maxBodyBytes()) {
      refuse(server.service().error(413, "Request entity too large: limit is " + server.limits().maxBodyBytes()));
      return;
    }
    switch (server.admission().tryAcquire(admit.caller())) {
      case TOTAL_CAP -> {
        tooMany("the server has more requests in progress than it allows (" + server.limits().maxInFlight()
            + "); please try again later");
        return;
      }
      case CALLER_CAP -> {
        tooMany("you have more requests in progress than one user may (" + server.limits().maxInFlightPerUser()
            + "); please try again later");
        return;
      }
      case ADMITTED -> {
        // go on below
      }
    }
    caller = admit.caller();
    attachment = admit.attachment();
    body = new ByteArrayOutputStream();
    if (expectsContinue) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
  }

  private void tooMany(String message) {
    server.counters.rejected.incrementAndGet();
    refuse(server.service().error(429, message)
        .withHeader("Retry-After", Integer.toString(server.limits().retryAfterSeconds())));
  }

  /** Answers now, before the body: the body that follows is read and dropped. */
  private void refuse(Response response) {
    state = State.DISCARD;
    discarded = 0;
    // A client waiting for 100 Continue sends no body: the connection cannot be reused.
    write(response, expectsContinue);
  }

  private void content(HttpContent content) {
    ByteBuf data = content.content();
    boolean last = content instanceof LastHttpContent;
    switch (state) {
      case BODY -> {
        if (body.size() + (long) data.readableBytes() > server.limits().maxBodyBytes()) {
          discarded = body.size();
          release();
          body = null;
          refuse(server.service().error(413, "Request entity too large: limit is "
              + server.limits().maxBodyBytes()));
          drop(data.readableBytes(), last);
          return;
        }
        body.writeBytes(ByteBufUtil.getBytes(data));
        if (last) {
          dispatch();
        }
      }
      case DISCARD -> drop(data.readableBytes(), last);
      default -> {
        // content without a request: the decoder does not produce it
      }
    }
  }

  private void drop(int bytes, boolean last) {
    discarded += bytes;
    if (last) {
      requestDone();
    } else if (discarded > DRAIN_LIMIT) {
      ctx.close();
    }
  }

  private void dispatch() {
    state = State.PROCESSING;
    cancelTimer();
    Request request = new Request(head, attachment, body.toByteArray());
    body = null;
    Call current = new Call();
    call = current;
    String who = caller;
    RequestHead requestHead = head;
    try {
      server.workers().execute(() -> {
        Response response;
        try {
          response = current.gone() ? null : server.service().serve(request, current);
        } catch (Throwable t) {
          // Errors too (a stack overflow in a user's query): answered, never a dropped connection.
          LOG.error("{}: {} {} failed", server.name(), requestHead.method(), requestHead.rawPath(), t);
          server.counters.failed.incrementAndGet();
          response = server.service().error(500, "the server failed; see its log");
        } finally {
          server.admission().release(who);
        }
        Response answer = response;
        ctx.executor().execute(() -> finish(current, answer));
      });
    } catch (RejectedExecutionException e) {
      server.admission().release(who);
      finish(current, server.service().error(503, "the server is shutting down"));
    }
  }

  private void finish(Call done, Response response) {
    if (done != call) {
      return;
    }
    call = null;
    caller = null;
    if (done.gone() || !ctx.channel().isActive()) {
      return;
    }
    write(response, !keepAlive);
    requestDone();
  }

  /** The request has been read (and, unless refused early, answered): wait for the next one. */
  private void requestDone() {
    if (!keepAlive) {
      state = State.IDLE;
      cancelTimer();
      // After what has been written: a close alone would drop a response still in the buffer.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    state = State.IDLE;
    schedule(server.limits().idleTimeout().toMillis(), this::idleTimeout);
    while (!pipelined.isEmpty() && state != State.PROCESSING) {
      Object next = pipelined.poll();
      if (next instanceof HttpRequest) {
        bytesArrived();
      }
      handle(next);
    }
    if (pipelined.isEmpty() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** Writes an answer; {@code closeAfter} closes the connection once it is written. */
  private void write(Response response, boolean closeAfter) {
    boolean head = this.head != null && "HEAD".equals(this.head.method());
    byte[] bytes = head ? new byte[0] : response.body();
    HttpResponse r = bytes.length > CHUNK
        ? new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.code()))
        : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.code()),
            bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    for (Header h : response.headers()) {
      r.headers().add(h.name(), headerSafe(h.value()));
    }
    if (closeAfter) {
      keepAlive = false;
    }
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture done;
    if (r instanceof FullHttpResponse) {
      done = ctx.writeAndFlush(r);
    } else {
      // A large body goes out a chunk at a time, as the client takes it: encrypting it never holds this
      // I/O thread (and the health checks of its other connections) for long.
      ctx.write(r);
      done = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedStream(new ByteArrayInputStream(bytes), CHUNK)));
    }
    done.addListener(closeAfter ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** A header value holds printable ASCII only: anything else (newlines from user input) is escaped. */
  static String headerSafe(String value) {
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = c == '\t' || (c >= 0x20 && c < 0x7f);
      if (!ok && out == null) {
        out = new StringBuilder(value.length() + 16).append(value, 0, i);
      }
      if (out != null) {
        if (ok) {
          out.append(c);
        } else {
          out.append(String.format("\\u%04x", (int) c));
        }
      }
    }
    return out == null ? value : out.toString();
  }

  private void malformed(Throwable cause) {
    server.counters.malformed.incrementAndGet();
    int code = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431 : 400;
    String message = code == 414 ? "the request line is too long"
        : code == 431 ? "the request headers are larger than " + server.limits().maxHeaderBytes() + " bytes"
        : "malformed request: " + (cause == null ? "cannot parse it" : String.valueOf(cause.getMessage()));
    if (head == null) {
      head = new RequestHead("GET", "/", null, EmptyHttpHeaders.INSTANCE, null);
    }
    release();
    cancelTimer();
    // The decoder drops everything after a malformed message: answer and close.
    keepAlive = false;
    state = State.DISCARD;
    write(server.service().error(code, message), true);
  }

  private void readTimeout() {
    server.counters.timedOut.incrementAndGet();
    release();
    keepAlive = false;
    if (head == null) {
      head = new RequestHead("GET", "/", null, EmptyHttpHeaders.INSTANCE, null);
    }
    state = State.DISCARD;
    write(server.service().error(408, "the request was not received in time"), true);
  }

  private void idleTimeout() {
    server.counters.timedOut.incrementAndGet();
    ctx.close();
  }

  /** Gives back an admission held while the body was being read. */
  private void release() {
    if (state == State.BODY && caller != null) {
      server.admission().release(caller);
      caller = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    release();
    Call current = call;
    if (current != null) {
      server.counters.cancelled.incrementAndGet();
      current.markGone();
    }
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WriteTimeoutException) {
      server.counters.timedOut.incrementAndGet();
    }
    LOG.debug("{}: connection closed: {}", server.name(), cause.toString());
    ctx.close();
  }

  private void schedule(long millis, Runnable action) {
    cancelTimer();
    timer = ctx.executor().schedule(action, millis, TimeUnit.MILLISECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private X509Certificate[] peerCertificates() {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] certs = ssl.engine().getSession().getPeerCertificates();
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
      return out.toArray(X509Certificate[]::new);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
