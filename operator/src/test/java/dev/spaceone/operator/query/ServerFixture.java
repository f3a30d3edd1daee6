package dev.spaceone.operator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.testkit.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A running QueryServer for tests: its own PKI (serving CA, client CA, front-proxy CA, and an
 * unrelated CA) in a temp dir, an authentication config the test may change, a stub authorizer,
 * and HTTP clients that present a chosen client certificate.
 */
public final class ServerFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FRONT_PROXY_CN = "front-proxy-client";

  final Path dir;
  final Pki.Issued servingCa = Pki.ca("serving-ca");
  final Pki.Issued clientCa = Pki.ca("client-ca");
  final Pki.Issued frontProxyCa = Pki.ca("front-proxy-ca");
  final Pki.Issued otherCa = Pki.ca("other-ca");
  final Pki.Issued frontProxy = Pki.client(frontProxyCa, FRONT_PROXY_CN);
  final AtomicReference<AuthenticationConfig> authentication = new AtomicReference<>();
  final StubAuthorizer authorizer = new StubAuthorizer();
  final RecordStore store = new RecordStore();
  final QueryServer server;

  ServerFixture(Path dir) throws IOException {
    this(dir, QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withThreads(4));
  }

  ServerFixture(Path dir, QueryServerConfig config) throws IOException {
    this.dir = dir;
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Pki.server(servingCa, "query-server").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    Files.writeString(dir.resolve("serving-ca.crt"), servingCa.certPem());
    authentication.set(new AuthenticationConfig(List.of(frontProxyCa.certificate()), List.of(FRONT_PROXY_CN),
        List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"),
        List.of(clientCa.certificate())));
    server = QueryServer.start(config.withTlsDir(tls), authentication::get, authorizer, store,
        Clock.systemUTC());
  }

  String base() {
    return "https://127.0.0.1:" + server.port();
  }

  /** A client that trusts the serving CA and presents the given certificate (or none) whatever the server asks. */
  HttpClient client(Pki.Issued clientCert) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl(servingCa, clientCert))
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A TLS context that trusts one CA and presents one client certificate. */
  public static SSLContext ssl(Pki.Issued trusted, Pki.Issued clientCert) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", trusted.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      KeyManager[] kms = clientCert == null ? null : new KeyManager[] {new FixedKeyManager(clientCert)};
      ctx.init(kms, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  record Answer(int code, JsonNode body, Map<String, List<String>> headers) {
  }

  Answer post(Pki.Issued cert, String path, Object body, Map<String, String> headers) {
    try {
      byte[] bytes = body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
      headers.forEach(b::header);
      return send(cert, b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Answer get(Pki.Issued cert, String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60)).GET();
    headers.forEach(b::header);
    return send(cert, b.build());
  }

  Answer send(Pki.Issued cert, HttpRequest request) {
    try {
      HttpResponse<byte[]> r = client(cert).send(request, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = r.body().length == 0 ? null
          : r.headers().firstValue("Content-Type").orElse("").contains("json") ? JSON.readTree(r.body())
          : JSON.getNodeFactory().textNode(new String(r.body()));
      return new Answer(r.statusCode(), body, r.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A query object as kubectl would send it. */
  static Map<String, Object> query(String kind, String resource, Object query) {
    return Map.of("apiVersion", "query.spaceone.dev/v1alpha1", "kind", kind, "metadata", Map.of("name", "q"),
        "spec", Map.of("resource", resource, "query", query));
  }

  @Override
  public void close() {
    server.close();
  }

  /** Presents one certificate, whatever issuers the server names. */
  private static final class FixedKeyManager extends X509ExtendedKeyManager {
    private final Pki.Issued cert;

    FixedKeyManager(Pki.Issued cert) {
      this.cert = cert;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {cert.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return cert.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
