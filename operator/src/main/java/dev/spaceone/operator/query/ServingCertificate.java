package dev.spaceone.operator.query;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate and key, read from {@code tls.crt} / {@code tls.key} in a directory (a
 * mounted Secret) and read again when either file changes, at most once a second, so a rotated
 * certificate is served from the next handshake on without a restart. A half-written or malformed
 * pair keeps the previous one.
 */
public final class ServingCertificate extends X509ExtendedKeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(ServingCertificate.class);
  private static final long CHECK_INTERVAL_MILLIS = 1000;

  private record Loaded(int generation, byte[] certBytes, byte[] keyBytes, X509Certificate[] chain, PrivateKey key) {
  }

  private final Path certFile;
  private final Path keyFile;
  private final Clock clock;
  private volatile Loaded current;
  private volatile Loaded previous;
  private volatile long checkedAt;

  /** Loads the pair now; throws when it cannot. */
  public ServingCertificate(Path tlsDir, Clock clock) throws IOException {
    this.clock = clock;
    this.certFile = tlsDir.resolve("tls.crt");
    this.keyFile = tlsDir.resolve("tls.key");
    byte[] cert = Files.readAllBytes(certFile);
    byte[] key = Files.readAllBytes(keyFile);
    this.current = parse(0, cert, key);
    this.checkedAt = clock.millis();
  }

  /** The certificate served now (after reloading it if its files changed). */
  public X509Certificate certificate() {
    return fresh().chain()[0];
  }

  private Loaded fresh() {
    long now = clock.millis();
    if (now - checkedAt >= CHECK_INTERVAL_MILLIS) {
      synchronized (this) {
        if (now - checkedAt >= CHECK_INTERVAL_MILLIS) {
          checkedAt = now;
          reload();
        }
      }
    }
    return current;
  }

  private void reload() {
    Loaded c = current;
    try {
      byte[] cert = Files.readAllBytes(certFile);
      byte[] key = Files.readAllBytes(keyFile);
      if (Arrays.equals(cert, c.certBytes()) && Arrays.equals(key, c.keyBytes())) {
        return;
      }
      Loaded next = parse(c.generation() + 1, cert, key);
      previous = c;
      current = next;
      LOG.info("serving certificate reloaded: {}", next.chain()[0].getSubjectX500Principal());
    } catch (IOException | RuntimeException e) {
      LOG.warn("keeping the previous serving certificate: {}", e.toString());
    }
  }

  private static Loaded parse(int generation, byte[] certBytes, byte[] keyBytes) throws IOException {
    List<X509Certificate> chain = AuthenticationConfig.certificates(new String(certBytes, StandardCharsets.US_ASCII));
    if (chain.isEmpty()) {
      throw new IOException("no certificate in tls.crt");
    }
    PrivateKey key = PrivateKeyPem.read(new String(keyBytes, StandardCharsets.US_ASCII), chain.get(0));
    return new Loaded(generation, certBytes, keyBytes, chain.toArray(X509Certificate[]::new), key);
  }

  private String alias(String keyType) {
    Loaded l = fresh();
    return l.key().getAlgorithm().equals(keyType) ? "serving-" + l.generation() : null;
  }

  private Loaded byAlias(String alias) {
    Loaded c = current;
    Loaded p = previous;
    if (c != null && ("serving-" + c.generation()).equals(alias)) {
      return c;
    }
    if (p != null && ("serving-" + p.generation()).equals(alias)) {
      return p;
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
