package dev.spaceone.e2e;

import dev.spaceone.testkit.Pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Proves the {@link ControlPlane} fixture: a real apiserver and kubectl, the namespace,
 * service-account and garbage-collector controllers, CRD selectableFields with kubectl
 * --field-selector, per-user client certificates under RBAC, and front-proxy request headers.
 */
@ExtendWith(ControlPlaneExtension.class)
class ControlPlaneSmokeE2ETest {

  private static final Duration CONTROLLER_TIMEOUT = Duration.ofSeconds(60);
  private static String namespace;

  private final ControlPlane plane;
  private final KubernetesClient client;

  ControlPlaneSmokeE2ETest(ControlPlane plane) {
    this.plane = plane;
    this.client = plane.client();
  }

  @BeforeAll
  static void createNamespace(ControlPlane plane) {
    namespace = "smoke-" + shortId();
    plane.client().namespaces().resource(
        new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
  }

  @AfterAll
  static void deleteNamespace(ControlPlane plane) {
    if (namespace != null) {
      plane.client().namespaces().withName(namespace).delete();
    }
  }

  @Test
  void apiServerIsReadyAndReportsThePinnedVersion() throws Exception {
    HttpResponse<String> readyz = plane.adminHttpClient().send(
        HttpRequest.newBuilder(URI.create(plane.apiServerUrl() + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, readyz.statusCode(), readyz.body());
    assertEquals("ok", readyz.body());

    assertEquals(ControlPlane.kubernetesVersion(), client.getKubernetesVersion().getGitVersion());
    for (Path file : List.of(plane.kubeconfigPath(), plane.frontProxyCaPath(), plane.frontProxyClientCertPath(),
        plane.frontProxyClientKeyPath(), plane.clientCaPath())) {
      assertTrue(Files.isRegularFile(file), file + " exists");
    }
  }

  @Test
  void kubectlVersionAndGetNamespacesWork() {
    ControlPlane.KubectlResult version = plane.runKubectl("version", "-o", "json").assertSuccess();
    assertTrue(version.stdout().contains("\"serverVersion\""), version.toString());
    assertTrue(version.stdout().contains("\"gitVersion\": \"" + ControlPlane.kubernetesVersion() + "\""),
        version.toString());

    ControlPlane.KubectlResult namespaces = plane.runKubectl("get", "ns", "-o", "name").assertSuccess();
    assertTrue(namespaces.stdout().lines().collect(Collectors.toList())
        .containsAll(List.of("namespace/default", "namespace/kube-system", "namespace/" + namespace)),
        namespaces.toString());
  }

  @Test
  void serviceAccountControllerCreatesTheDefaultServiceAccount() {
    awaitUntil("default ServiceAccount in " + namespace, () -> {
      ServiceAccount sa = client.serviceAccounts().inNamespace(namespace).withName("default").get();
      return sa != null;
    });
  }

  @Test
  void namespaceDeletionCompletes() {
    String ns = "smoke-delete-" + shortId();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    client.configMaps().inNamespace(ns).resource(configMap("content", Map.of("a", "b"))).create();

    // kubectl's delete waits for the namespace to be gone: that takes the namespace controller
    // (it empties the namespace and removes the "kubernetes" finalizer).
    plane.runKubectl("delete", "namespace", ns, "--wait=true", "--timeout=60s").assertSuccess();
    awaitUntil("namespace " + ns + " gone", () -> client.namespaces().withName(ns).get() == null);
  }

  @Test
  void garbageCollectorDeletesDependentsOfADeletedOwner() {
    ConfigMap owner = client.configMaps().inNamespace(namespace)
        .resource(configMap("owner-" + shortId(), Map.of("role", "owner"))).create();
    Secret dependent = client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata()
          .withName("dependent-" + shortId())
          .addNewOwnerReference()
            .withApiVersion("v1").withKind("ConfigMap")
            .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
          .endOwnerReference()
        .endMetadata()
        .addToStringData("k", "v")
        .build()).create();
    ConfigMap unrelated = client.configMaps().inNamespace(namespace)
        .resource(configMap("unrelated-" + shortId(), Map.of())).create();

    client.configMaps().inNamespace(namespace).withName(owner.getMetadata().getName()).delete();

    String dependentName = dependent.getMetadata().getName();
    awaitUntil("dependent Secret " + dependentName + " collected",
        () -> client.secrets().inNamespace(namespace).withName(dependentName).get() == null);
    assertNotNull(client.configMaps().inNamespace(namespace).withName(unrelated.getMetadata().getName()).get());
  }

  @Test
  void crdWithSelectableFieldsIsAcceptedAndKubectlFieldSelectorFilters() {
    String group = "e2e.spaceone.dev";
    String plural = "widgets";
    String crdName = plural + "." + group;
    String crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %1$s
        spec:
          group: %2$s
          scope: Namespaced
          names:
            plural: %3$s
            singular: %4$s
            kind: %5$s
            listKind: %5$sList
          versions:
          - name: v1
            served: true
            storage: true
            selectableFields:
            - jsonPath: .spec.color
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      color:
                        type: string
                      size:
                        type: integer
        """.formatted(crdName, group, plural, "widget", "Widget");
    plane.runKubectlWithInput(crd, "apply", "-f", "-").assertSuccess();
    plane.runKubectl("wait", "--for=condition=Established", "crd/" + crdName, "--timeout=60s").assertSuccess();

    CustomResourceDefinition stored = client.apiextensions().v1().customResourceDefinitions()
        .withName(crdName).get();
    assertEquals(List.of(".spec.color"), stored.getSpec().getVersions().get(0).getSelectableFields().stream()
        .map(f -> f.getJsonPath()).collect(Collectors.toList()));

    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
        .withGroup(group).withVersion("v1").withPlural(plural).withNamespaced(true)
        .withKind(stored.getSpec().getNames().getKind()).build();
    for (String[] widget : List.of(new String[] {"blue-1", "blue"}, new String[] {"red-1", "red"},
        new String[] {"blue-2", "blue"})) {
      GenericKubernetesResource resource = new GenericKubernetesResourceBuilder()
          .withApiVersion(group + "/v1").withKind(stored.getSpec().getNames().getKind())
          .withMetadata(new ObjectMeta())
          .build();
      resource.getMetadata().setName(widget[0]);
      resource.setAdditionalProperty("spec", Map.of("color", widget[1], "size", 1));
      // The discovery of a just-established CRD can lag a moment behind its condition.
      awaitUntil("create " + widget[0], () -> {
        try {
          client.genericKubernetesResources(context).inNamespace(namespace).resource(resource).create();
          return true;
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) {
            return false;
          }
          throw e;
        }
      });
    }

    ControlPlane.KubectlResult blue = plane.runKubectl("get", plural + "." + group, "-n", namespace,
        "--field-selector", "spec.color=blue", "-o", "name").assertSuccess();
    assertEquals(List.of("blue-1", "blue-2"), names(blue), blue.toString());

    ControlPlane.KubectlResult notRed = plane.runKubectl("get", plural + "." + group, "-n", namespace,
        "--field-selector", "spec.color!=red", "-o", "name").assertSuccess();
    assertEquals(List.of("blue-1", "blue-2"), names(notRed), notRed.toString());

    // The same selector from fabric8, server-side.
    assertEquals(List.of("red-1"), client.genericKubernetesResources(context).inNamespace(namespace)
        .withField("spec.color", "red").list().getItems().stream()
        .map(r -> r.getMetadata().getName()).collect(Collectors.toList()));

    // A field that is not selectable is refused by the apiserver.
    ControlPlane.KubectlResult bad = plane.runKubectl("get", plural + "." + group, "-n", namespace,
        "--field-selector", "spec.size=1", "-o", "name");
    assertNotEquals(0, bad.exitCode(), bad.toString());
    assertTrue(bad.stderr().contains("field label not supported"), bad.toString());
  }

  @Test
  void userKubeconfigAuthenticatesWithItsGroupsAndRbacApplies() {
    String user = "alice-" + shortId();
    String group = "spaceone:testers-" + shortId();
    Path kubeconfig = plane.kubeconfigForUser(user, group);

    ControlPlane.KubectlResult whoami = plane.runKubectl(kubeconfig, null, "auth", "whoami", "-o", "json")
        .assertSuccess();
    assertTrue(whoami.stdout().contains("\"username\": \"" + user + "\""), whoami.toString());
    assertTrue(whoami.stdout().contains("\"" + group + "\""), whoami.toString());

    KubernetesClient alice = plane.newClient(kubeconfig);
    KubernetesClientException forbidden = assertThrows(KubernetesClientException.class,
        () -> alice.configMaps().inNamespace(namespace).list());
    assertEquals(403, forbidden.getCode());
    ControlPlane.KubectlResult denied = plane.runKubectl(kubeconfig, null, "get", "configmaps", "-n", namespace);
    assertNotEquals(0, denied.exitCode(), denied.toString());
    assertTrue(denied.stderr().contains("forbidden"), denied.toString());

    client.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
        .withNewMetadata().withName("configmap-reader").endMetadata()
        .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list").endRule()
        .build()).create();
    client.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("testers-read-configmaps").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
          .withName("configmap-reader").endRoleRef()
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName(group).endSubject()
        .build()).create();

    awaitUntil(user + " may list configmaps through " + group, () -> {
      try {
        alice.configMaps().inNamespace(namespace).list();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          return false;
        }
        throw e;
      }
    });
    plane.runKubectl(kubeconfig, null, "get", "configmaps", "-n", namespace).assertSuccess();
  }

  @Test
  void frontProxyRequestHeadersAuthenticateOnlyTheAllowedProxy() throws Exception {
    String review = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";
    URI uri = URI.create(plane.apiServerUrl() + "/apis/authentication.k8s.io/v1/selfsubjectreviews");

    HttpClient proxy = HttpClient.newBuilder()
        .sslContext(plane.frontProxyClient().sslContext(plane.clusterCa().certificate())).build();
    HttpResponse<String> asBob = proxy.send(HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("X-Remote-User", "bob")
            .header("X-Remote-Group", "proxied-group")
            .header("X-Remote-Extra-Scopes", "read")
            .POST(HttpRequest.BodyPublishers.ofString(review)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, asBob.statusCode(), asBob.body());
    assertTrue(asBob.body().contains("\"username\":\"bob\""), asBob.body());
    assertTrue(asBob.body().contains("\"proxied-group\""), asBob.body());
    assertTrue(asBob.body().contains("\"scopes\":[\"read\"]"), asBob.body());

    // Signed by the front-proxy CA but not named front-proxy-client: refused (401), headers ignored.
    Pki.Issued impostor = plane.frontProxyCa().issueClient(plane.workDir(), "impostor", "impostor", List.of());
    // HTTP/1.1: the apiserver answers an unauthenticated HTTP/2 request and then sends GOAWAY
    // (UnauthenticatedHTTP2DOSMitigation), which JDK 17's HttpClient turns into an IOException.
    HttpClient impostorHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(impostor.sslContext(plane.clusterCa().certificate())).build();
    HttpResponse<String> notBob = impostorHttp.send(HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("X-Remote-User", "bob")
            .POST(HttpRequest.BodyPublishers.ofString(review)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, notBob.statusCode(), notBob.body());
    assertFalse(notBob.body().contains("\"username\":\"bob\""), notBob.body());
  }

  private static List<String> names(ControlPlane.KubectlResult result) {
    return result.stdout().lines().filter(l -> !l.isBlank()).map(l -> l.substring(l.indexOf('/') + 1))
        .sorted().collect(Collectors.toList());
  }

  private static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static void awaitUntil(String what, java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await(what)
        .atMost(CONTROLLER_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException
            && ((KubernetesClientException) e).getCode() >= 500)
        .until(condition);
  }
}
