package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.testkit.Pki;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The serving key in each PEM form Kubernetes tools write, read with the JDK alone. The traditional forms are
 * written by BouncyCastle (the test kit's), an independent encoder.
 */
class PrivateKeyPemTest {
  static final Pki.Issued CA = Pki.ca("pem-ca");

  @Test
  void rsaAsPkcs1AndAsPkcs8() throws Exception {
    Pki.Issued server = Pki.server(CA, "rsa");
    assertTrue(server.keyPem().startsWith("-----BEGIN RSA PRIVATE KEY-----"), server.keyPem());
    assertSigns(server, PrivateKeyPem.read(server.keyPem(), server.certificate()), "SHA256withRSA");
    assertSigns(server, PrivateKeyPem.read(pkcs8(server.key()), server.certificate()), "SHA256withRSA");
  }

  @Test
  void ecAsSec1WithAndWithoutTheCurveAndAsPkcs8() throws Exception {
    for (String curve : List.of("secp256r1", "secp384r1")) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      KeyPair pair = generator.generateKeyPair();
      Pki.Issued server = Pki.server(CA, "ec", List.of(), List.of(), pair);
      String sec1 = Pki.pem(pair.getPrivate());
      assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1);
      assertSigns(server, PrivateKeyPem.read(sec1, server.certificate()), "SHA256withECDSA");
      assertSigns(server, PrivateKeyPem.read(pkcs8(pair.getPrivate()), server.certificate()), "SHA256withECDSA");
      // The JDK's own PKCS#8 holds a SEC1 key without the curve: only the certificate names it.
      byte[] inner = innerOctetString(pair.getPrivate().getEncoded());
      String bare = pem("EC PRIVATE KEY", inner);
      assertSigns(server, PrivateKeyPem.read(bare, server.certificate()), "SHA256withECDSA");
    }
  }

  @Test
  void aKeyOfAnotherKindOrNoKeyIsAClearError() throws Exception {
    Pki.Issued rsa = Pki.server(CA, "rsa");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    String ecKey = Pki.pem(generator.generateKeyPair().getPrivate());
    IOException mismatch = assertThrows(IOException.class, () -> PrivateKeyPem.read(ecKey, rsa.certificate()));
    assertTrue(mismatch.getMessage().contains("does not match"), mismatch.getMessage());
    IOException none = assertThrows(IOException.class, () -> PrivateKeyPem.read(rsa.certPem(), rsa.certificate()));
    assertTrue(none.getMessage().contains("no private key"), none.getMessage());
    assertThrows(IOException.class, () -> PrivateKeyPem.read(pem("PRIVATE KEY", new byte[] {0x30, 0x00}),
        rsa.certificate()));
  }

  /** The key signs what the certificate's public key verifies: the pair belongs together. */
  private static void assertSigns(Pki.Issued server, PrivateKey key, String algorithm) throws Exception {
    byte[] data = "spaceone".getBytes();
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(server.certificate().getPublicKey());
    verifier.update(data);
    assertTrue(verifier.verify(signer.sign()));
  }

  private static String pkcs8(PrivateKey key) {
    assertEquals("PKCS#8", key.getFormat());
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** PrivateKeyInfo's last element (the first OCTET STRING reaching the end), the algorithm's own key structure. */
  private static byte[] innerOctetString(byte[] pkcs8) {
    for (int i = 2; i < pkcs8.length - 2; i++) {
      if (pkcs8[i] == 0x04) {
        int length = pkcs8[i + 1] & 0xff;
        if (length < 0x80 && i + 2 + length == pkcs8.length) {
          return Arrays.copyOfRange(pkcs8, i + 2, pkcs8.length);
        }
      }
    }
    throw new IllegalStateException("no trailing OCTET STRING");
  }
}
