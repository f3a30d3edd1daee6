package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spaceone.operator.testing.MutableClock;
import dev.spaceone.testkit.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving certificate is read again when its files change, at most once a second of the injected clock. */
class ServingCertificateTest {
  @TempDir
  Path dir;

  @Test
  void aRotatedPairIsServedOnceTheCheckIntervalHasPassed() throws Exception {
    Pki.Issued ca = Pki.ca("serving-ca");
    Pki.Issued first = Pki.server(ca, "first").write(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    MutableClock clock = new MutableClock();
    ServingCertificate serving = new ServingCertificate(dir, clock);
    assertEquals(first.certificate(), serving.certificate());

    Pki.Issued second = Pki.server(ca, "second").write(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    clock.advance(Duration.ofMillis(999));
    assertEquals(first.certificate(), serving.certificate(), "checked at most once a second");
    clock.advance(Duration.ofMillis(1));
    assertEquals(second.certificate(), serving.certificate());

    Files.writeString(dir.resolve("tls.key"), "not a key");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(second.certificate(), serving.certificate(), "a malformed pair keeps the previous one");
  }
}
