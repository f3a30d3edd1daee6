package dev.spaceone.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicLong;

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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The little PKI of a test control plane, made with BouncyCastle: RSA keys, X.509 v3
 * certificates, PEM files (certificates as CERTIFICATE, private keys as PKCS#1
 * RSA PRIVATE KEY, public keys as PUBLIC KEY), as kube-apiserver, kubectl and fabric8 read them.
 */
public final class Pki {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final Duration VALIDITY = Duration.ofDays(2);

  private Pki() {}

  /** A certificate with its key pair, and where both were written (null paths when kept in memory). */
  public record Issued(X509Certificate certificate, KeyPair keyPair, Path certPath, Path keyPath) {

    public PrivateKey key() {
      return keyPair.getPrivate();
    }

    /** The certificate as PEM text. */
    public String certPem() {
      return pem(certificate);
    }

    /** The private key as PEM text. */
    public String keyPem() {
      return pem(keyPair.getPrivate());
    }

    /** Writes the certificate and the key (readable by the owner only) as PEM files; returns them written. */
    public Issued write(Path certFile, Path keyFile) {
      writeString(certFile, certPem());
      // The key is readable by its owner only from the moment it exists.
      try {
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      writeString(keyFile, keyPem());
      return new Issued(certificate, keyPair, certFile, keyFile);
    }

    /** An SSLContext that presents this certificate as a TLS client and trusts {@code trusted}. */
    public SSLContext sslContext(X509Certificate trusted) {
      return Pki.sslContext(this, trusted);
    }
  }

  /** A self-signed CA, in memory. */
  public static Issued ca(String commonName) {
    KeyPair keyPair = rsaKeyPair();
    X500Name subject = subject(commonName, List.of());
    return new Issued(sign(subject, keyPair, subject, keyPair, null, true, List.of(), List.of()), keyPair, null,
        null);
  }

  /** A TLS client certificate signed by {@code ca}: CN=user, one O per group (Kubernetes' groups). */
  public static Issued client(Issued ca, String user, String... groups) {
    KeyPair keyPair = rsaKeyPair();
    return new Issued(sign(subject(user, List.of(groups)), keyPair, x500(ca.certificate()), ca.keyPair(),
        ca.certificate(), false, List.of(KeyPurposeId.id_kp_clientAuth), List.of()), keyPair, null, null);
  }

  /** A TLS server certificate signed by {@code ca} for localhost, 127.0.0.1 and the given names and addresses. */
  public static Issued server(Issued ca, String commonName, List<String> dnsNames, List<String> ipAddresses) {
    return server(ca, commonName, dnsNames, ipAddresses, rsaKeyPair());
  }

  /** As above, for a key pair of the caller's (an EC key, say). */
  public static Issued server(Issued ca, String commonName, List<String> dnsNames, List<String> ipAddresses,
      KeyPair keyPair) {
    List<GeneralName> sans = new ArrayList<>();
    Stream.concat(Stream.of("localhost"), dnsNames.stream()).distinct()
        .forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    Stream.concat(Stream.of("127.0.0.1"), ipAddresses.stream()).distinct()
        .forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    return new Issued(sign(subject(commonName, List.of()), keyPair, x500(ca.certificate()), ca.keyPair(),
        ca.certificate(), false, List.of(KeyPurposeId.id_kp_serverAuth), sans), keyPair, null, null);
  }

  /**
   * A TLS server certificate signed by {@code ca} for exactly these DNS names (no localhost or 127.0.0.1 added):
   * a client that checks host names refuses it for any other name or address.
   */
  public static Issued serverForNames(Issued ca, String commonName, List<String> dnsNames) {
    KeyPair keyPair = rsaKeyPair();
    List<GeneralName> sans = dnsNames.stream().map(d -> new GeneralName(GeneralName.dNSName, d)).toList();
    return new Issued(sign(subject(commonName, List.of()), keyPair, x500(ca.certificate()), ca.keyPair(),
        ca.certificate(), false, List.of(KeyPurposeId.id_kp_serverAuth), sans), keyPair, null, null);
  }

  /** A TLS server certificate for localhost and 127.0.0.1. */
  public static Issued server(Issued ca, String commonName) {
    return server(ca, commonName, List.of(), List.of());
  }

  /** The PEM text of several certificates, one after the other (a CA bundle). */
  public static String bundle(List<Issued> certificates) {
    StringBuilder out = new StringBuilder();
    certificates.forEach(c -> out.append(c.certPem()));
    return out.toString();
  }

  /** A certificate authority that issues leaf certificates into a folder. */
  public static final class CertificateAuthority {
    private final Issued ca;

    private CertificateAuthority(Issued ca) {
      this.ca = ca;
    }

    /** Creates a self-signed CA and writes {@code <name>.crt} and {@code <name>.key} into {@code dir}. */
    public static CertificateAuthority create(Path dir, String name, String commonName) {
      return new CertificateAuthority(ca(commonName).write(dir.resolve(name + ".crt"), dir.resolve(name + ".key")));
    }

    public Issued issued() {
      return ca;
    }

    public X509Certificate certificate() {
      return ca.certificate();
    }

    public Path certPath() {
      return ca.certPath();
    }

    /** A TLS client certificate: CN=user, one O per group (Kubernetes reads them as the user's groups). */
    public Issued issueClient(Path dir, String name, String user, List<String> groups) {
      return client(ca, user, groups.toArray(String[]::new)).write(dir.resolve(name + ".crt"),
          dir.resolve(name + ".key"));
    }

    /** A TLS server certificate for the given DNS names and IP addresses. */
    public Issued issueServer(Path dir, String name, String commonName, List<String> dnsNames,
        List<String> ipAddresses) {
      return server(ca, commonName, dnsNames, ipAddresses).write(dir.resolve(name + ".crt"),
          dir.resolve(name + ".key"));
    }
  }

  /** A 2048-bit RSA key pair. */
  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a key pair as {@code <name>.key} (private, PKCS#1) and {@code <name>.pub} (PKIX). */
  public static KeyPair writeKeyPair(Path dir, String name) {
    KeyPair keyPair = rsaKeyPair();
    writeString(dir.resolve(name + ".key"), pem(keyPair.getPrivate()));
    writeString(dir.resolve(name + ".pub"), pem(keyPair.getPublic()));
    return keyPair;
  }

  /** PEM text of a certificate, key or public key. */
  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static SSLContext sslContext(Issued client, X509Certificate trusted) {
    try {
      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (client != null) {
        keys.setKeyEntry("client", client.keyPair().getPrivate(), password,
            new Certificate[] {client.certificate()});
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext", e);
    }
  }

  private static X500Name subject(String commonName, List<String> organizations) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    organizations.forEach(o -> builder.addRDN(BCStyle.O, o));
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X500Name x500(X509Certificate cert) {
    return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      KeyPair issuerKeys, X509Certificate issuerCert, boolean isCa, List<KeyPurposeId> purposes,
      List<GeneralName> sans) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      builder.addExtension(Extension.keyUsage, true, isCa
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      if (issuerCert != null) {
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(issuerCert));
      }
      if (!purposes.isEmpty()) {
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
      }
      if (!sans.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot sign a certificate for " + subject, e);
    }
  }

  static void writeString(Path path, String text) {
    try {
      Files.writeString(path, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
