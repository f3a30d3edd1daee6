package dev.spaceone.store;

import dev.spaceone.contract.ErrorCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the store's PostgreSQL is and how to reach it: the keys of the sink Secret ({@code host}, {@code port}
 * (default 5432), {@code database}, {@code user}, {@code password}, {@code sslmode} (default {@code prefer}),
 * optional {@code sslrootcert}, a PEM file). {@link #toString()} never shows the password.
 */
public final class StoreSettings {
  static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final String sslMode;
  private final Path sslRootCert;

  public StoreSettings(String host, int port, String database, String user, String password, String sslMode,
      Path sslRootCert) throws StoreException {
    this.host = required("host", host);
    this.database = required("database", database);
    this.user = required("user", user);
    if (port < 1 || port > 65535) {
      throw new StoreException(ErrorCodes.SINK_CONFIG, "sink setting port must be 1..65535, not " + port);
    }
    this.port = port;
    this.password = password == null ? "" : password;
    this.sslMode = sslMode == null || sslMode.isBlank() ? "prefer" : sslMode.trim();
    if (!SSL_MODES.contains(this.sslMode)) {
      throw new StoreException(ErrorCodes.SINK_CONFIG,
          "sink setting sslmode must be one of " + String.join(", ", SSL_MODES.stream().sorted().toList())
              + ", not '" + this.sslMode + "'");
    }
    this.sslRootCert = sslRootCert;
  }

  /** The mounted sink Secret: one file per key (SPACEONE_SINK_DIR). */
  public static StoreSettings fromDirectory(Path dir) throws StoreException {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new StoreException(ErrorCodes.SINK_CONFIG, "sink settings folder " + dir + " does not exist");
    }
    Path cert = dir.resolve("sslrootcert");
    return fromMap(Map.of(
        "host", read(dir, "host"), "port", read(dir, "port"), "database", read(dir, "database"),
        "user", read(dir, "user"), "password", read(dir, "password"), "sslmode", read(dir, "sslmode")),
        Files.isRegularFile(cert) ? cert : null);
  }

  /** The same keys as the Secret; missing keys are empty strings. */
  public static StoreSettings fromMap(Map<String, String> keys, Path sslRootCert) throws StoreException {
    String portText = keys.getOrDefault("port", "").trim();
    int port;
    try {
      port = portText.isEmpty() ? 5432 : Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new StoreException(ErrorCodes.SINK_CONFIG, "sink setting port is not a number: '" + portText + "'");
    }
    return new StoreSettings(keys.get("host"), port, keys.get("database"), keys.get("user"), keys.get("password"),
        keys.get("sslmode"), sslRootCert);
  }

  private static String read(Path dir, String key) throws StoreException {
    Path file = dir.resolve(key);
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8);
      // A Secret made with `kubectl create secret --from-file` often ends in a newline; a password never does.
      return key.equals("password") ? value.replaceAll("\\R\\z", "") : value.trim();
    } catch (IOException e) {
      throw new StoreException(ErrorCodes.SINK_CONFIG, "sink setting " + key + " cannot be read: " + e.getMessage());
    }
  }

  private static String required(String key, String value) throws StoreException {
    if (value == null || value.isBlank()) {
      throw new StoreException(ErrorCodes.SINK_CONFIG, "sink setting " + key + " is missing");
    }
    return value.trim();
  }

  public String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
  }

  /** pgjdbc connection properties; the password travels only here, never in the URL. */
  public Properties connectionProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", sslMode);
    if (sslRootCert != null) {
      p.setProperty("sslrootcert", sslRootCert.toString());
    }
    p.setProperty("ApplicationName", "spaceone-resource-store");
    p.setProperty("connectTimeout", "10");
    p.setProperty("loginTimeout", "20");
    // Without this a dead server mid-write would hang the task until its own deadline.
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("socketTimeout", "300");
    return p;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public String sslMode() {
    return sslMode;
  }

  public Path sslRootCert() {
    return sslRootCert;
  }

  @Override
  public String toString() {
    return "postgres " + user + "@" + host + ":" + port + "/" + database + " sslmode=" + sslMode
        + (sslRootCert == null ? "" : " sslrootcert=" + sslRootCert);
  }
}
