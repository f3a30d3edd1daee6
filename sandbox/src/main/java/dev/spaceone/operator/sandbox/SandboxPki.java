package dev.spaceone.operator.sandbox;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox's throwaway PKI, made fresh for each run and valid for a day: one CA that signs the query API's serving
 * certificate (localhost, 127.0.0.1) and the sandbox user's client certificate, written as PEM files (keys 0600)
 * into the sandbox's folder, for the query server and for kubectl.
 */
final class SandboxPki {
  /** The user the client certificate names; the sandbox's query API authorizes only this user. */
  static final String USER = "sandbox-admin";

  record Issued(KeyPair keys, X509Certificate certificate) {
  }

  final Issued ca;
  final Issued server;
  final Issued client;
  final Path caFile;
  final Path tlsDir;
  final Path clientCertFile;
  final Path clientKeyFile;

  SandboxPki(Path dir) throws IOException {
    this(dir, List.of(), List.of());
  }

  /** With more names in the serving certificate than localhost and 127.0.0.1 (a Service's, a host's address). */
  SandboxPki(Path dir, List<String> dnsNames, List<String> ipAddresses) throws IOException {
    ca = ca("spaceone-sandbox-ca");
    List<GeneralName> names = new java.util.ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
    server = leaf(ca, "spaceone-sandbox-query-api", KeyPurposeId.id_kp_serverAuth, names);
    client = leaf(ca, USER, KeyPurposeId.id_kp_clientAuth, List.of());
    Files.createDirectories(dir);
    tlsDir = Files.createDirectories(dir.resolve("query-tls"));
    caFile = dir.resolve("ca.crt");
    clientCertFile = dir.resolve("client.crt");
    clientKeyFile = dir.resolve("client.key");
    write(caFile, pem(ca.certificate()));
    write(tlsDir.resolve("tls.crt"), pem(server.certificate()));
    write(tlsDir.resolve("tls.key"), keyPem(server));
    write(clientCertFile, pem(client.certificate()));
    write(clientKeyFile, keyPem(client));
  }

  /** A TLS context that trusts the sandbox CA and presents the client certificate. */
  SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      char[] password = "sandbox".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", client.keys().getPrivate(), password, new Certificate[] {client.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the sandbox's TLS client", e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String keyPem(Issued issued) {
    try {
      return pem(new JcaPKCS8Generator(issued.keys().getPrivate(), null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued ca(String commonName) {
    KeyPair keys = keyPair();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    return new Issued(keys, sign(name, keys, name, keys, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }));
  }

  private static Issued leaf(Issued ca, String commonName, KeyPurposeId purpose, List<GeneralName> names) {
    KeyPair keys = keyPair();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    return new Issued(keys, sign(name, keys, issuer, ca.keys(), builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
    }));
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      Extensions extensions) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(63, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
          Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
      extensions.add(builder);
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
