package dev.spaceone.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.testkit.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL server with TLS on (its certificate, for the name {@code localhost} only, signed by a test CA),
 * reached as a task pod reaches it: the sink Secret's files, {@code sslmode=verify-full} and the CA's PEM in
 * {@code sslrootcert}.
 */
class TlsTest {
  private static final String PASSWORD = "tls-pass-never-shown-31";
  private static Pki.Issued ca;
  private static LocalPostgres server;
  @TempDir
  static Path pki;
  @TempDir
  Path secret;

  @BeforeAll
  static void start() throws Exception {
    ca = Pki.ca("spaceone-store-test-ca");
    Pki.Issued cert = Pki.serverForNames(ca, "localhost", List.of("localhost"))
        .write(pki.resolve("server.crt"), pki.resolve("server.key"));
    server = LocalPostgres.startTls(cert.certPath(), cert.keyPath());
    try (Connection c = server.dataSource(LocalPostgres.DATABASE).getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE tls_writer LOGIN PASSWORD '" + PASSWORD + "'");
      st.execute("CREATE DATABASE tls_store OWNER tls_writer");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /** The sink Secret as mounted in the pod: one file per key. */
  private StoreSettings secret(String host, String rootCertPem) throws Exception {
    Map<String, String> keys = Map.of("host", host, "port", String.valueOf(server.port()), "database", "tls_store",
        "user", "tls_writer", "password", PASSWORD, "sslmode", "verify-full", "sslrootcert", rootCertPem);
    for (Map.Entry<String, String> e : keys.entrySet()) {
      Files.writeString(secret.resolve(e.getKey()), e.getValue());
    }
    return StoreSettings.fromDirectory(secret);
  }

  @Test
  void verifyFullWithTheRightCaConnectsOverTls() throws Exception {
    ResourceStore store = ResourceStore.open(secret("localhost", ca.certPem()));
    try (Connection c = store.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertTrue(rs.next() && rs.getBoolean(1), "the connection is encrypted");
    }
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    StoreSettings settings = secret("localhost", Pki.ca("another-ca").certPem());
    StoreException e = assertThrows(StoreException.class, () -> ResourceStore.open(settings));
    assertEquals(ErrorCodes.SINK_TLS, e.errorCode(), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void aHostNameTheCertificateDoesNotNameIsRefused() throws Exception {
    // 127.0.0.1 is the same server, but the certificate names localhost only.
    StoreException e = assertThrows(StoreException.class,
        () -> ResourceStore.open(secret("127.0.0.1", ca.certPem())));
    assertEquals(ErrorCodes.SINK_TLS, e.errorCode(), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }
}
