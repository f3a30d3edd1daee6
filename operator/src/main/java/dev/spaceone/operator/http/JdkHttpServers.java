package dev.spaceone.operator.http;

/** Settings for the JDK's built-in HTTP server, which serves /metrics and the query API. */
public final class JdkHttpServers {
  private JdkHttpServers() {
  }

  /**
   * Turns Nagle's algorithm off for every JDK HTTP server of this process. The JDK server writes a
   * response's headers and body apart; with Nagle on, the client's delayed ACK holds each answer back about
   * 40 ms. The JDK reads the property once, when the first server is created, so call this before that.
   */
  public static void noDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }
}
