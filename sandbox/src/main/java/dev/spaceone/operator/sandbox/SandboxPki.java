package dev.spaceone.operator.sandbox;

import dev.spaceone.testkit.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The sandbox's throwaway PKI (made by the test kit's {@link Pki}), fresh for each run: one CA that signs the query
 * API's serving certificate (localhost, 127.0.0.1 and any given names) and the sandbox user's client certificate,
 * written as PEM files (keys 0600) into the sandbox's folder, for the query server and for kubectl.
 */
final class SandboxPki {
  /** The user the client certificate names; the sandbox's query API authorizes only this user. */
  static final String USER = "sandbox-admin";

  final Pki.Issued ca;
  final Pki.Issued server;
  final Pki.Issued client;
  final Path caFile;
  final Path tlsDir;
  final Path clientCertFile;
  final Path clientKeyFile;

  SandboxPki(Path dir) throws IOException {
    this(dir, List.of(), List.of());
  }

  /** With more names in the serving certificate than localhost and 127.0.0.1 (a Service's, a host's address). */
  SandboxPki(Path dir, List<String> dnsNames, List<String> ipAddresses) throws IOException {
    Files.createDirectories(dir);
    tlsDir = Files.createDirectories(dir.resolve("query-tls"));
    caFile = dir.resolve("ca.crt");
    clientCertFile = dir.resolve("client.crt");
    clientKeyFile = dir.resolve("client.key");
    ca = Pki.ca("spaceone-sandbox-ca");
    Files.writeString(caFile, ca.certPem());
    server = Pki.server(ca, "spaceone-sandbox-query-api", dnsNames, ipAddresses)
        .write(tlsDir.resolve("tls.crt"), tlsDir.resolve("tls.key"));
    client = Pki.client(ca, USER).write(clientCertFile, clientKeyFile);
  }

  /** A TLS context that trusts the sandbox CA and presents the client certificate. */
  SSLContext clientContext() {
    return client.sslContext(ca.certificate());
  }
}
