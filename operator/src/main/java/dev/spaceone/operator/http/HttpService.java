package dev.spaceone.operator.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a {@link BoundedHttpServer} serves. A request's head is first {@link #decide decided} on the
 * connection's I/O thread, which must be quick and never block: it answers at once (health checks,
 * 401, discovery) or admits the request under a caller's name, counted against the in-flight caps.
 * An admitted request is then {@link #serve served} on a worker thread, with its body.
 */
public interface HttpService {
  /** On the I/O thread: an answer now, or the caller to admit the request for. */
  Decision decide(RequestHead head);

  /** On a worker thread: the answer to an admitted request. {@code call} tells when the client has gone. */
  Response serve(Request request, Call call);

  /** The answer the server itself gives (400, 408, 413, 429, 431, 500, 503) in this service's format. */
  Response error(int code, String message);

  /** A request's line and headers; {@code peerCertificates} is null without TLS or a client certificate. */
  record RequestHead(String method, String rawPath, String rawQuery, HttpHeaders headers,
      X509Certificate[] peerCertificates) {
  }

  /** An admitted request: its head, what {@link #decide} attached, and its body. */
  record Request(RequestHead head, Object attachment, byte[] body) {
  }

  /** Either an answer or an admission. */
  sealed interface Decision permits Answer, Admit {
  }

  /** Answer at once, on the I/O thread. */
  record Answer(Response response) implements Decision {
  }

  /**
   * Admit the request under {@code caller} (the per-user cap counts by it), with {@code attachment}
   * handed to {@link #serve}.
   */
  record Admit(String caller, Object attachment) implements Decision {
  }

  /** A response header; the server escapes any character a header may not hold. */
  record Header(String name, String value) {
  }

  /** An answer. */
  record Response(int code, String contentType, byte[] body, List<Header> headers) {
    public Response {
      headers = List.copyOf(headers);
    }

    public static Response text(int code, String body) {
      return new Response(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), List.of());
    }

    public Response withHeader(String name, String value) {
      List<Header> all = new ArrayList<>(headers);
      all.add(new Header(name, value));
      return new Response(code, contentType, body, all);
    }
  }

  /** One admitted request in progress: tells the service when its client has gone away. */
  final class Call {
    private final AtomicBoolean gone = new AtomicBoolean();
    private final List<Runnable> onGone = new CopyOnWriteArrayList<>();

    /** True once the client closed the connection before the answer was written. */
    public boolean gone() {
      return gone.get();
    }

    /** Runs {@code action} when the client goes away (at once if it has); it may run on any thread. */
    public void onGone(Runnable action) {
      onGone.add(action);
      if (gone.get()) {
        action.run();
      }
    }

    void markGone() {
      if (gone.compareAndSet(false, true)) {
        onGone.forEach(Runnable::run);
      }
    }
  }
}
