package dev.spaceone.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between one client (an operator process, speaking plain HTTP to it)
 * and kube-apiserver (over TLS, with that client's own certificate, so the audit log names it). A share of the
 * requests is not forwarded but answered with 500 or 429 (with Retry-After), or its connection is reset; the rest,
 * watches included, pass through unchanged. Which request fails is drawn from a seeded {@link Random}.
 *
 * <p>It parses only the client's side (request line, headers, body by Content-Length or chunked): HTTP/1.1 clients
 * send the next request on a connection only once the previous response is complete, so the response bytes are
 * relayed as they come. A protocol upgrade (WebSocket) turns the connection into a plain relay.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault { INTERNAL_ERROR, TOO_MANY_REQUESTS, RESET }

  private final ServerSocket server;
  private final SSLContext upstreamTls;
  private final int upstreamPort;
  private final double failureRate;
  private final Random random;
  private final Supplier<Boolean> enabled;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param upstreamTls TLS for kube-apiserver: the client certificate to present and the CA to trust
   * @param enabled whether faults are injected now (checked per request)
   */
  FaultProxy(SSLContext upstreamTls, int upstreamPort, double failureRate, long seed, Supplier<Boolean> enabled)
      throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamTls = upstreamTls;
    this.upstreamPort = upstreamPort;
    this.failureRate = failureRate;
    this.random = new Random(seed);
    this.enabled = enabled;
    for (Fault fault : Fault.values()) {
      injected.put(fault, new AtomicLong());
    }
    Thread acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  long injected(Fault fault) {
    return injected.get(fault).get();
  }

  long requests() {
    return requests.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread thread = new Thread(() -> serve(client), "fault-proxy-conn");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("[chaos] proxy accept failed: " + e);
        }
      }
    }
  }

  private Fault draw() {
    synchronized (random) {
      if (!enabled.get() || random.nextDouble() >= failureRate) {
        return null;
      }
      return Fault.values()[random.nextInt(Fault.values().length)];
    }
  }

  private void serve(Socket client) {
    SSLSocket upstream = null;
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (true) {
        Request request = Request.read(in);
        if (request == null) {
          return;
        }
        requests.incrementAndGet();
        Fault fault = draw();
        if (fault != null) {
          injected.get(fault).incrementAndGet();
          if (fault == Fault.RESET) {
            client.setSoLinger(true, 0);
            return;
          }
          respond(out, fault);
          continue;
        }
        if (upstream == null) {
          upstream = (SSLSocket) upstreamTls.getSocketFactory().createSocket("127.0.0.1", upstreamPort);
          sockets.add(upstream);
          upstream.startHandshake();
          SSLSocket from = upstream;
          Thread relay = new Thread(() -> relay(from, client), "fault-proxy-relay");
          relay.setDaemon(true);
          relay.start();
        }
        OutputStream up = upstream.getOutputStream();
        up.write(request.head());
        up.write(request.body());
        up.flush();
        if (request.upgrade()) {
          in.transferTo(up);
          return;
        }
      }
    } catch (IOException e) {
      // The client or kube-apiserver closed the connection: nothing to report.
    } finally {
      if (upstream != null) {
        closeQuietly(upstream);
        sockets.remove(upstream);
      }
      sockets.remove(client);
    }
  }

  /** Copies kube-apiserver's responses to the client until either side closes. */
  private static void relay(Socket upstream, Socket client) {
    try {
      upstream.getInputStream().transferTo(client.getOutputStream());
    } catch (IOException e) {
      // closed
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void respond(OutputStream out, Fault fault) throws IOException {
    int code = fault == Fault.INTERNAL_ERROR ? 500 : 429;
    String reason = fault == Fault.INTERNAL_ERROR ? "Internal Server Error" : "Too Many Requests";
    String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + "\"injected by the chaos test's proxy\",\"reason\":\"" + (code == 500 ? "InternalError" : "TooManyRequests")
        + "\",\"code\":" + code + "}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
        + bytes.length + "\r\n" + (code == 429 ? "Retry-After: 1\r\n" : "") + "\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(FaultProxy::closeQuietly);
  }

  /** One request as read from the client: its head (hop-by-hop upgrade headers to h2c removed) and body. */
  private record Request(byte[] head, byte[] body, boolean upgrade) {
    static Request read(InputStream in) throws IOException {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = readLine(in)) != null && !line.isEmpty()) {
        lines.add(line);
      }
      if (line == null) {
        return null;
      }
      long length = 0;
      boolean chunked = false;
      boolean upgrade = false;
      StringBuilder head = new StringBuilder(lines.get(0)).append("\r\n");
      for (String header : lines.subList(1, lines.size())) {
        String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(header.indexOf(':') + 1).trim();
        if (name.equals("upgrade") && value.equalsIgnoreCase("h2c") || name.equals("http2-settings")) {
          continue;
        }
        if (name.equals("connection") && value.toLowerCase(Locale.ROOT).contains("upgrade")) {
          continue;
        }
        if (name.equals("upgrade")) {
          upgrade = true;
        }
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        }
        if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
        head.append(header).append("\r\n");
      }
      if (upgrade) {
        // Keep the Connection: Upgrade header the WebSocket handshake needs.
        head.append("Connection: Upgrade\r\n");
      }
      head.append("\r\n");
      byte[] body = chunked ? readChunked(in) : in.readNBytes((int) length);
      return new Request(head.toString().getBytes(StandardCharsets.ISO_8859_1), body, upgrade);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        if (size == null) {
          throw new IOException("end of stream in a chunked body");
        }
        raw.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          String trailer;
          while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
            raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          }
          raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          return raw.toByteArray();
        }
        raw.write(in.readNBytes(n));
        raw.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
    }

    /** A line without its CRLF, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
        }
        line.append((char) c);
      }
      return line.length() == 0 ? null : line.toString();
    }
  }
}
