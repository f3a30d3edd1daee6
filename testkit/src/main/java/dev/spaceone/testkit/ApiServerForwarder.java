package dev.spaceone.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays TCP connections from an address on the node's bridge to the apiserver on loopback, byte for byte (TLS
 * stays end to end), standing in for kube-proxy's rule for the {@code kubernetes} Service. See
 * {@link RealNode#KUBERNETES_SERVICE_IP}.
 */
final class ApiServerForwarder implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiServerForwarder.class);

  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ApiServerForwarder(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  static ApiServerForwarder start(String address, int port, int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 64);
      ApiServerForwarder forwarder = new ApiServerForwarder(server, targetPort);
      thread("spaceone-apiserver-forwarder", forwarder::accept).start();
      return forwarder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        thread("spaceone-apiserver-forwarder-in", () -> pump(client, upstream)).start();
        thread("spaceone-apiserver-forwarder-out", () -> pump(upstream, client)).start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("apiserver forwarder: " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ended) {
      // either side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    open.forEach(this::closeQuietly);
  }
}
