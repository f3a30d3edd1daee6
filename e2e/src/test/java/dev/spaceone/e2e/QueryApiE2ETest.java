package dev.spaceone.e2e;

import dev.spaceone.testkit.Pki;

import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.query.QueryServerConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query API through kube-apiserver's aggregator: the operator's QueryServer listens on a non-loopback
 * address of this host (a veth pair to a test network namespace, since Endpoints reject loopback), behind a
 * selector-less Service with hand-made Endpoints/EndpointSlice and an APIService carrying the test CA.
 * Requests come from the real kubectl as users with client certificates; the aggregator authenticates
 * them, proxies with its front-proxy certificate and X-Remote-* headers, and the query server authorizes
 * each with SubjectAccessReviews against the real RBAC.
 */
@ExtendWith({ControlPlaneExtension.class, OperatorExtension.class})
class QueryApiE2ETest {
  static final String HOST_ADDRESS = "10.213.7.1";
  static final String PEER_ADDRESS = "10.213.7.2";
  static final String NETNS = "spaceone-e2e";
  static final String HOST_LINK = "so-e2e-h";
  static final String PEER_LINK = "so-e2e-n";
  static final String SERVICE = "spaceone-query";
  static final String API_SERVICE = "v1alpha1.query.spaceone.dev";
  static final ResourceDefinitionContext API_SERVICES = new ResourceDefinitionContext.Builder()
      .withGroup("apiregistration.k8s.io").withVersion("v1").withPlural("apiservices").withKind("APIService")
      .withNamespaced(false).build();
  static final YAMLMapper YAML = new YAMLMapper();
  /** The iproute2 program: -De2e.ip=PATH (default "ip" on PATH). */
  static final String IP = System.getProperty("e2e.ip", "ip");

  private static boolean networkCreated;
  private static String skipReason;
  private static QueryServer server;
  private static String ns;
  private static String serviceNs;
  private static Path alice;
  private static Path eve;
  private static Path mallory;
  private final ControlPlane plane;

  QueryApiE2ETest(ControlPlane plane) {
    this.plane = plane;
  }

  @BeforeAll
  static void setUp(ControlPlane plane, RunningOperator operator) throws Exception {
    skipReason = createNetwork();
    if (skipReason != null) {
      return; // every test reports itself skipped with the reason (@BeforeEach)
    }
    KubernetesClient admin = plane.client();
    ns = SpaceOneCluster.createNamespace(plane, "query");
    serviceNs = SpaceOneCluster.createNamespace(plane, "query-api");
    SpaceOneCluster.apply(plane, ns, example("inventory/secrets.yaml"), example("inventory/job.yaml"),
        example("cost-analysis/job.yaml"), example("power-scheduler/job.yaml"));

    // The serving certificate: signed by a test CA, for the Service's DNS names and the host address.
    Path tls = Files.createDirectories(plane.workDir().resolve("query-tls"));
    Pki.CertificateAuthority ca = Pki.CertificateAuthority.create(tls, "query-ca", "spaceone-query-ca");
    String dns = SERVICE + "." + serviceNs + ".svc";
    Pki.Issued serving = ca.issueServer(tls, "serving", dns, List.of(SERVICE, SERVICE + "." + serviceNs, dns,
        dns + ".cluster.local"), List.of(HOST_ADDRESS));
    Files.copy(serving.certPath(), tls.resolve("tls.crt"));
    Files.copy(serving.keyPath(), tls.resolve("tls.key"));

    // The query server as the operator runs it: authentication from kube-system/extension-apiserver-authentication
    // (published by the real apiserver with its front-proxy CA), SubjectAccessReviews through the admin client.
    server = QueryServer.start(QueryServerConfig.defaults().withBindAddress(HOST_ADDRESS).withPort(0).withTlsDir(tls),
        admin, operator.operator.records(), Clock.systemUTC());
    int port = server.port();

    admin.services().inNamespace(serviceNs).resource(new ServiceBuilder().withNewMetadata().withName(SERVICE)
        .endMetadata().withNewSpec().addNewPort().withName("https").withPort(443)
        .withTargetPort(new IntOrString(port)).withProtocol("TCP").endPort().endSpec().build()).create();
    admin.endpoints().inNamespace(serviceNs).resource(new EndpointsBuilder().withNewMetadata().withName(SERVICE)
        .endMetadata().addNewSubset().addNewAddress().withIp(HOST_ADDRESS).endAddress().addNewPort().withName("https")
        .withPort(port).withProtocol("TCP").endPort().endSubset().build()).create();
    admin.discovery().v1().endpointSlices().inNamespace(serviceNs).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(SERVICE + "-1").withLabels(Map.of("kubernetes.io/service-name", SERVICE,
            "endpointslice.kubernetes.io/managed-by", "e2e.spaceone.dev")).endMetadata()
        .withAddressType("IPv4").addNewEndpoint().withAddresses(HOST_ADDRESS).withNewConditions().withReady(true)
        .endConditions().endEndpoint().addNewPort().withName("https").withPort(port).withProtocol("TCP").endPort()
        .build()).create();

    GenericKubernetesResource apiService = Serialization.unmarshal("""
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: %s
        spec:
          group: query.spaceone.dev
          version: v1alpha1
          groupPriorityMinimum: 1000
          versionPriority: 15
          service: {namespace: %s, name: %s, port: 443}
          caBundle: %s
        """.formatted(API_SERVICE, serviceNs, SERVICE, Base64.getEncoder().encodeToString(
            ca.issued().certPem().getBytes(StandardCharsets.UTF_8))), GenericKubernetesResource.class);
    admin.genericKubernetesResources(API_SERVICES).resource(apiService).create();
    awaitThat("APIService " + API_SERVICE + " to be Available", SpaceOneCluster.TIMEOUT,
        () -> "True".equals(availability(admin).get("status")));

    // alice may run queries and list Jobs and JobTasks in ns; eve may run queries but list nothing;
    // mallory may do nothing.
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("query-user")
        .endMetadata()
        .addNewRule().withApiGroups("query.spaceone.dev").withResources("searches", "stats", "analyses")
        .withVerbs("create").endRule()
        .addNewRule().withApiGroups("spaceone.dev").withResources("jobs", "jobtasks").withVerbs("get", "list", "watch")
        .endRule().build()).create();
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("query-only")
        .endMetadata()
        .addNewRule().withApiGroups("query.spaceone.dev").withResources("searches", "stats", "analyses")
        .withVerbs("create").endRule().build()).create();
    bind(admin, "query-user", "alice");
    bind(admin, "query-only", "eve");
    alice = plane.kubeconfigForUser("alice", "spaceone:analysts");
    eve = plane.kubeconfigForUser("eve");
    mallory = plane.kubeconfigForUser("mallory");

    for (String job : List.of(OperatorE2ETest.INVENTORY, OperatorE2ETest.COST, OperatorE2ETest.POWER)) {
      awaitFinished(admin, ns, job);
    }
  }

  private static void bind(KubernetesClient admin, String role, String user) {
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
        .withName(role + "-" + user).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role").withName(role).endRoleRef().addNewSubject().withApiGroup("rbac.authorization.k8s.io")
        .withKind("User").withName(user).endSubject().build()).create();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> availability(KubernetesClient admin) {
    GenericKubernetesResource stored = admin.genericKubernetesResources(API_SERVICES).withName(API_SERVICE).get();
    Map<String, Object> status = stored == null ? null : (Map<String, Object>) stored.getAdditionalProperties().get("status");
    List<Map<String, Object>> conditions = status == null ? List.of()
        : (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
    return conditions.stream().filter(c -> "Available".equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  @AfterAll
  static void tearDown(ControlPlane plane) {
    if (skipReason != null) {
      return;
    }
    try {
      plane.client().genericKubernetesResources(API_SERVICES).withName(API_SERVICE).delete();
      // Wait until the group is out of discovery, so that later kubectl calls do not warn about it.
      awaitThat("query.spaceone.dev to leave discovery", SpaceOneCluster.TIMEOUT,
          () -> !plane.runKubectl("api-versions").stdout().contains("query.spaceone.dev"));
    } finally {
      if (server != null) {
        server.close();
      }
      SpaceOneCluster.deleteNamespace(plane, ns);
      SpaceOneCluster.deleteNamespace(plane, serviceNs);
      deleteNetwork();
    }
  }

  @BeforeEach
  void skipWithoutNetwork() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  /** The veth pair; null, or the reason (the command and its error) when this host cannot make one. */
  static String createNetwork() {
    deleteNetwork(); // leftovers of a killed run
    List<List<String>> commands = List.of(
        List.of(IP, "netns", "add", NETNS),
        List.of(IP, "link", "add", HOST_LINK, "type", "veth", "peer", "name", PEER_LINK, "netns", NETNS),
        List.of(IP, "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_LINK),
        List.of(IP, "link", "set", HOST_LINK, "up"),
        List.of(IP, "-n", NETNS, "addr", "add", PEER_ADDRESS + "/30", "dev", PEER_LINK),
        List.of(IP, "-n", NETNS, "link", "set", PEER_LINK, "up"));
    for (List<String> command : commands) {
      String error = run(command);
      if (error != null) {
        deleteNetwork();
        String message = "[e2e] QueryApiE2ETest SKIPPED: cannot create the test network (" + error + "); the "
            + "aggregator needs a non-loopback address for the query server";
        System.err.println(message);
        return message;
      }
      networkCreated = true;
    }
    return null;
  }

  static void deleteNetwork() {
    run(List.of(IP, "link", "del", HOST_LINK));
    run(List.of(IP, "netns", "del", NETNS));
    networkCreated = false;
  }

  /** Runs a command; null when it succeeded, else the command and its output. */
  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + ": timed out";
      }
      return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + out;
    } catch (IOException e) {
      return String.join(" ", command) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * {@code kubectl create --validate=false -n ns -f examples/<example> -o yaml} as a user. {@code --validate=false}:
   * kubectl 1.33 finds no PATCH operation for these create-only kinds in the OpenAPI, so its field-validation
   * probe falls back to listing CRDs, which an ordinary user may not do (see {@link #adminRunsTheExampleAsDocumented}).
   */
  private JsonNode createAs(Path kubeconfig, String example) throws IOException {
    ControlPlane.KubectlResult result = plane.runKubectl(kubeconfig, null, "create", "--validate=false", "-n", ns,
        "-f", example(example).toString(), "-o", "yaml").assertSuccess();
    return YAML.readTree(result.stdout());
  }

  /** The command of the examples' comments, unchanged, as the admin (who may list CRDs). */
  @Test
  void adminRunsTheExampleAsDocumented() throws IOException {
    ControlPlane.KubectlResult result = plane.runKubectl("create", "-n", ns, "-f",
        example("queries/stat.yaml").toString(), "-o", "yaml").assertSuccess();
    assertEquals(YAML.readTree("[{status: SUCCESS, tasks: 3, created: 345}]"),
        YAML.readTree(result.stdout()).path("status").path("results"), result.toString());
  }

  @Test
  void discoveryListsTheQueryResources() {
    String resources = plane.runKubectl("api-resources", "--api-group=query.spaceone.dev").assertSuccess().stdout();
    for (String kind : List.of("Search", "Stat", "Analysis")) {
      assertTrue(resources.matches("(?s).*\\s" + kind + "\\s.*"), resources);
    }
  }

  @Test
  void statThroughTheAggregator() throws IOException {
    JsonNode stat = createAs(alice, "queries/stat.yaml");
    assertEquals("Stat", stat.path("kind").asText(), stat.toString());
    assertEquals(ns, stat.path("metadata").path("namespace").asText());
    assertEquals(YAML.readTree("[{status: SUCCESS, tasks: 3, created: 345}]"), stat.path("status").path("results"),
        stat.toString());
  }

  @Test
  void searchThroughTheAggregator() throws IOException {
    JsonNode search = createAs(alice, "queries/search.yaml");
    JsonNode results = search.path("status").path("results");
    assertEquals(1, results.size(), search.toString());
    JsonNode task = results.get(0);
    assertEquals("power-scheduler-nightly-stop-1", task.path("job_task_id").asText(), search.toString());
    assertEquals("FAILURE", task.path("status").asText());
    assertEquals(1, task.path("failure_count").asInt());
    assertEquals(3, task.path("success_count").asInt());
    assertEquals(1, search.path("status").path("totalCount").asInt(), search.toString());
  }

  @Test
  void analysisThroughTheAggregator() throws IOException {
    JsonNode analysis = createAs(alice, "queries/analysis.yaml");
    assertEquals(YAML.readTree("[{provider: aws, created: 12, tasks: 3}]"),
        analysis.path("status").path("results"), analysis.toString());
    assertEquals(false, analysis.path("status").path("more").asBoolean(true), analysis.toString());
  }

  /** eve may create queries (the apiserver lets her through) but not list Jobs: the query server answers nothing. */
  @Test
  void aUserWhoMayNotListJobsGetsNoData() throws IOException {
    JsonNode stat = createAs(eve, "queries/stat.yaml");
    assertEquals(0, stat.path("status").path("results").size(), stat.toString());
    JsonNode search = createAs(eve, "queries/search.yaml");
    assertEquals(0, search.path("status").path("results").size(), search.toString());
  }

  /** mallory may not create queries at all: 403 Forbidden. */
  @Test
  void aForbiddenUserGets403() {
    ControlPlane.KubectlResult result = plane.runKubectl(mallory, null, "create", "--validate=false", "-n", ns, "-f",
        example("queries/stat.yaml").toString(), "-o", "yaml");
    assertNotEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stderr().contains("(Forbidden)") && result.stderr().contains("User \"mallory\" cannot create "
        + "resource \"stats\" in API group \"query.spaceone.dev\""), result.toString());
  }

  /** A malformed query is a 422 naming the field, through the aggregator. */
  @Test
  void aMalformedQueryIsInvalid() {
    ControlPlane.KubectlResult result = plane.runKubectlWithInput("""
        apiVersion: query.spaceone.dev/v1alpha1
        kind: Search
        metadata: {name: wrong}
        spec: {resource: pods}
        """, "create", "-n", ns, "-f", "-", "-o", "yaml");
    assertNotEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stderr().contains("spec.resource"), result.toString());
  }

  /** The answers come from the operator's live caches: a Job finished now shows in the next query. */
  @Test
  void theAnswersFollowTheCluster() throws IOException {
    String yaml = read(example("power-scheduler/job.yaml")).replace("name: power-scheduler-nightly-stop",
        "name: power-scheduler-again");
    plane.runKubectlWithInput(yaml, "apply", "-n", ns, "-f", "-").assertSuccess();
    awaitFinished(plane.client(), ns, "power-scheduler-again");
    String search = """
        apiVersion: query.spaceone.dev/v1alpha1
        kind: Search
        metadata: {name: failed}
        spec:
          resource: jobtasks
          query:
            filter: [{k: status, v: FAILURE, o: eq}]
            sort: [{key: job_task_id}]
            only: [job_task_id]
        """;
    // The Job's status is written before or after its last task's; wait until the query sees both failures.
    awaitThat("the query to see the new Job's failed task", SpaceOneCluster.TIMEOUT, () -> {
      JsonNode answer = YAML.readTree(plane.runKubectl(alice, search, "create", "--validate=false", "-n", ns,
          "-f", "-", "-o", "yaml").assertSuccess().stdout());
      return YAML.readTree("[{job_task_id: power-scheduler-again-1}, {job_task_id: power-scheduler-nightly-stop-1}]")
          .equals(answer.path("status").path("results"));
    });
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
