package dev.spaceone.operator.query;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the private key of a serving certificate from PEM with the JDK alone, in the three forms Kubernetes tools
 * write: PKCS#8 ({@code PRIVATE KEY}), and OpenSSL's traditional PKCS#1 ({@code RSA PRIVATE KEY}, cert-manager's
 * and Helm's default) and SEC1 ({@code EC PRIVATE KEY}). The traditional forms are the inner part of a PKCS#8 key:
 * they are wrapped in a PKCS#8 envelope whose algorithm is the certificate's (for EC it names the curve, which a
 * SEC1 key may leave out). This keeps BouncyCastle (about 7,500 classes) out of the operator's jar.
 */
final class PrivateKeyPem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PrivateKeyPem() {
  }

  /** The first private key in {@code pem}, for the key pair of {@code certificate}. */
  static PrivateKey read(String pem, X509Certificate certificate) throws IOException {
    Matcher block = BLOCK.matcher(pem);
    if (!block.find()) {
      throw new IOException("no private key in tls.key (PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(block.group(2));
    } catch (IllegalArgumentException e) {
      throw new IOException("tls.key is not valid base64", e);
    }
    String algorithm = certificate.getPublicKey().getAlgorithm();
    String type = block.group(1);
    if (!type.equals("PRIVATE KEY")) {
      String keyAlgorithm = type.startsWith("RSA") ? "RSA" : "EC";
      if (!keyAlgorithm.equals(algorithm)) {
        throw new IOException("tls.key does not match tls.crt (an " + keyAlgorithm + " key, a " + algorithm
            + " certificate)");
      }
      der = pkcs8(algorithmIdentifier(certificate), der);
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException("tls.key is not a " + algorithm + " private key: " + e.getMessage(), e);
    }
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING privateKey } (RFC 5208). */
  private static byte[] pkcs8(byte[] algorithmIdentifier, byte[] privateKey) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithmIdentifier);
    body.writeBytes(tlv(0x04, privateKey));
    return tlv(0x30, body.toByteArray());
  }

  /**
   * The AlgorithmIdentifier of the certificate's SubjectPublicKeyInfo, SEQUENCE { SEQUENCE algorithm, BIT STRING }:
   * rsaEncryption, or id-ecPublicKey with the curve.
   */
  private static byte[] algorithmIdentifier(X509Certificate certificate) throws IOException {
    byte[] spki = certificate.getPublicKey().getEncoded();
    int inner = headerLength(spki, 0);
    int end = inner + headerLength(spki, inner) + contentLength(spki, inner);
    if (spki[0] != 0x30 || spki[inner] != 0x30 || end > spki.length) {
      throw new IOException("tls.crt's public key is not a SubjectPublicKeyInfo");
    }
    return Arrays.copyOfRange(spki, inner, end);
  }

  private static int headerLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    return first < 0x80 ? 2 : 2 + (first & 0x7f);
  }

  private static int contentLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xff);
    }
    return length;
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
