package dev.spaceone.operator.query;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The extension-apiserver-authentication ConfigMap, read and followed; and what it makes trusted. */
@EnableKubernetesMockClient(crud = true)
class AuthenticationConfigSourceTest {
  KubernetesClient client;

  static ConfigMap configMap(Pki.Issued frontProxyCa, Pki.Issued clientCa) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace("kube-system")
        .withName("extension-apiserver-authentication").endMetadata()
        .withData(Map.of(
            "requestheader-client-ca-file", frontProxyCa.certPem(),
            "requestheader-allowed-names", "[\"front-proxy-client\"]",
            "requestheader-username-headers", "[\"X-Remote-User\"]",
            "requestheader-group-headers", "[\"X-Remote-Group\"]",
            "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]",
            "client-ca-file", clientCa.certPem()))
        .build();
  }

  @Test
  void followsTheConfigMap() {
    Pki.Issued frontProxyCa = Pki.ca("fp");
    Pki.Issued clientCa = Pki.ca("client");
    Pki.Issued rotatedCa = Pki.ca("client-2");
    client.resource(configMap(frontProxyCa, clientCa)).create();
    try (AuthenticationConfigSource source = new AuthenticationConfigSource(client, "kube-system",
        "extension-apiserver-authentication")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> source.get().clientCAs().size() == 1);
      AuthenticationConfig c = source.get();
      assertEquals(List.of(clientCa.certificate()), c.clientCAs());
      assertEquals(List.of(frontProxyCa.certificate()), c.requestHeaderCAs());
      assertEquals(List.of("front-proxy-client"), c.allowedNames());
      assertEquals(List.of("X-Remote-User"), c.usernameHeaders());
      assertEquals(List.of("X-Remote-Group"), c.groupHeaders());
      assertEquals(List.of("X-Remote-Extra-"), c.extraHeaderPrefixes());

      Authenticator authenticator = new Authenticator(source);
      Pki.Issued carol = Pki.client(rotatedCa, "carol");
      assertEquals(Optional.empty(), authenticator.authenticate(new java.security.cert.X509Certificate[] {
          carol.certificate()}, Map.of()));

      // the client CA is rotated: carol is now trusted, without a restart
      client.resource(configMap(frontProxyCa, rotatedCa)).update();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> source.get().clientCAs().equals(List.of(rotatedCa.certificate())));
      assertEquals("carol", authenticator.authenticate(new java.security.cert.X509Certificate[] {
          carol.certificate()}, Map.of()).orElseThrow().name());

      client.resource(configMap(frontProxyCa, rotatedCa)).delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> source.get().equals(AuthenticationConfig.NONE));
    }
  }
}
