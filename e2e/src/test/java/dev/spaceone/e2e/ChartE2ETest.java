package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.assertCounts;
import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart installed as users install it (helm-java {@code install} into the real control plane) with the operator
 * image built here by {@code images/build.sh} and imported into the real node's containerd: the operator runs as a
 * real pod under the chart's ServiceAccount and RBAC, becomes Ready through its probes, leads through its Lease, runs
 * the examples and answers a query through the APIService; then {@code helm upgrade} and {@code helm uninstall}.
 *
 * <p>The node has no kube-proxy and no cluster DNS: the pod reaches the apiserver at the {@code kubernetes} Service
 * address through {@link RealNode#KUBERNETES_SERVICE_IP} (the node's relay), and the apiserver reaches the query
 * server at the pod's IP ({@code --enable-aggregator-routing}); the chart needs no host network.
 */
@ExtendWith(RealNodeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartE2ETest {
  static final String RELEASE = "sjo";
  static final String FULLNAME = "sjo-spaceone-job-operator";
  static final Path CHART = SpaceOneCluster.REPO.resolve("helm/spaceone-job-operator");
  static final Duration HELM_TIMEOUT = Duration.ofMinutes(4);
  /** The chart's default metrics.port: /metrics, /healthz and /readyz. */
  static final int MANAGEMENT_PORT = 8080;
  /** A refused call in the operator's log: the apiserver's Forbidden, or JOSDK's start-up permission check. */
  static final Pattern FORBIDDEN = Pattern.compile("(?i)[^\\n]*(forbidden|no permission to)[^\\n]*");

  private static String releaseNs;
  private static String jobsNs;
  private static Path workDir;
  /** Watches the operator's /healthz from the start, so a stall is captured while it lasts. */
  private static PodJvmDiagnostics.StallWatch stallWatch;
  private final RealNodeCluster cluster;
  private final KubernetesClient client;

  ChartE2ETest(RealNodeCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.plane.client();
  }

  @BeforeAll
  static void install(RealNodeCluster cluster) throws IOException {
    long started = System.nanoTime();
    cluster.importImages(RealNodeExtension.operatorImageArchives());
    workDir = Files.createDirectories(cluster.plane.workDir().resolve("chart"));
    releaseNs = "spaceone-system";
    jobsNs = SpaceOneCluster.createNamespace(cluster.plane, "chart-jobs");
    try {
      helm(cluster).install().withName(RELEASE).withNamespace(releaseNs).createNamespace()
          .withKubeConfig(cluster.plane.kubeconfigPath())
          .withValuesFile(values(Map.of("watchNamespaces", "[" + jobsNs + "]")))
          .waitReady().withTimeout((int) HELM_TIMEOUT.toSeconds())
          .call();
    } catch (RuntimeException e) {
      throw new AssertionError("helm install failed: " + e.getMessage() + "\n"
          + refusedCalls(cluster.plane.client(), releaseNs, RELEASE) + releaseState(cluster, releaseNs), e);
    }
    System.err.println("[e2e] helm install (operator image import included) ready after "
        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    KubernetesClient client = cluster.plane.client();
    stallWatch = new PodJvmDiagnostics.StallWatch(cluster, () -> client.pods().inNamespace(releaseNs)
        .withLabel("app.kubernetes.io/instance", RELEASE).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null),
        MANAGEMENT_PORT, "/healthz");
  }

  @AfterAll
  static void cleanUp(RealNodeCluster cluster) {
    if (stallWatch != null) {
      stallWatch.close();
      System.err.println("[e2e] stall watch saw:" + (stallWatch.seen().isEmpty() ? " nothing" : stallWatch.seen()));
      // Peak memory beside the limit, CPU used and waited for: for the record even when nothing stalled.
      System.err.println("[e2e] operator's last figures:" + stallWatch.lastFigures());
    }
    // Whatever a failed test left: the release (ignored if the uninstall test removed it) and the namespaces.
    try {
      new Helm(CHART).uninstall(RELEASE).withNamespace(releaseNs).ignoreNotFound()
          .withKubeConfig(cluster.plane.kubeconfigPath()).call();
    } catch (RuntimeException e) {
      System.err.println("[e2e] helm uninstall in clean-up: " + e.getMessage());
    }
    SpaceOneCluster.deleteNamespace(cluster.plane, jobsNs);
  }

  @Test
  @Order(1)
  void theOperatorRunsAsARealPodUnderTheChartsServiceAccountAndIsReady() {
    Pod pod = operatorPod();
    assertEquals(FULLNAME, pod.getSpec().getServiceAccountName());
    assertEquals(RealNode.NODE_NAME, pod.getSpec().getNodeName());
    assertEquals(dev.spaceone.testkit.LocalImages.operatorImage(SpaceOneCluster.REPO),
        pod.getStatus().getContainerStatuses().get(0).getImage());
    assertTrue(pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())), "Ready: " + pod.getStatus());
    assertTrue(pod.getStatus().getPodIP().startsWith("10.213.8."), pod.getStatus().getPodIP());
    assertNoForbiddenCalls();
  }

  @Test
  @Order(2)
  void itLeadsThroughItsLease() {
    String pod = operatorPod().getMetadata().getName();
    awaitThat("the operator pod to hold its Lease", SpaceOneCluster.TIMEOUT, () -> {
      Lease lease = client.leases().inNamespace(releaseNs).withName(OperatorSettings.LEASE_NAME).get();
      return lease != null && lease.getSpec().getHolderIdentity() != null
          && lease.getSpec().getHolderIdentity().startsWith(pod);
    });
  }

  @Test
  @Order(3)
  void itRunsTheExamplesToTheirCounts() {
    SpaceOneCluster.apply(cluster.plane, jobsNs, example("inventory/secrets.yaml"), example("inventory/job.yaml"),
        example("cost-analysis/job.yaml"), example("power-scheduler/job.yaml"));
    Job inventory = awaitFinishedJob(OperatorE2ETest.INVENTORY);
    assertEquals("SUCCESS", inventory.getStatus().getStatus().toString(),
        SpaceOneCluster.describe(client, jobsNs, OperatorE2ETest.INVENTORY));
    assertCounts(inventory, 12, 6, 0, 0, 18);
    Job cost = awaitFinishedJob(OperatorE2ETest.COST);
    assertEquals("SUCCESS", cost.getStatus().getStatus().toString());
    assertCounts(cost, 345, 5, 0, 0, 350);
    Job power = awaitFinishedJob(OperatorE2ETest.POWER);
    assertEquals("FAILURE", power.getStatus().getStatus().toString());
    assertCounts(power, 0, 0, 1, 12, 13);
    assertNoForbiddenCalls();
    // Eight task pods' veths joined and left the bridge; its MAC (the operator pod's ARP entry for the node and
    // the apiserver) must not have followed them.
    assertEquals(RealNode.BRIDGE_MAC, RealNode.bridgeMac());
  }

  @Test
  @Order(4)
  void itAnswersAQueryThroughTheApiService() {
    ResourceDefinitionContext apiServices = new ResourceDefinitionContext.Builder()
        .withGroup("apiregistration.k8s.io").withVersion("v1").withKind("APIService").withPlural("apiservices")
        .withNamespaced(false).build();
    awaitThat("the APIService v1alpha1.query.spaceone.dev to be Available", Duration.ofSeconds(90), () -> {
      GenericKubernetesResource service = client.genericKubernetesResources(apiServices)
          .withName("v1alpha1.query.spaceone.dev").get();
      return service != null && String.valueOf(service.getAdditionalProperties().get("status"))
          .matches("(?s).*type=Available.*") && String.valueOf(service.getAdditionalProperties().get("status"))
          .contains("status=True");
    });
    awaitFinishedJob(OperatorE2ETest.COST);
    String answer = cluster.plane.runKubectl("create", "-n", jobsNs, "-f", example("queries/stat.yaml").toString(),
        "-o", "json").assertSuccess().stdout();
    assertTrue(answer.replaceAll("\\s", "").contains("\"status\":\"SUCCESS\"") && answer.contains("345"),
        "the Stat's answer: " + answer);
    assertNoForbiddenCalls();
  }

  /** A rollout to changed values while a Job runs: the new pod takes the Lease over and the counts come out right. */
  @Test
  @Order(5)
  void helmUpgradeWithChangedValuesKeepsCountingRight() {
    Pod before = operatorPod();
    cluster.plane.runKubectlWithInput(RealNodeE2ETest.probeJob("rollout-probe", 120, 0, """
        sleep 2
        printf '{"created_count": 2, "total_count": 2}' > "$SPACEONE_RESULT_FILE"
        """).replace("    - provider: aws\n", "    - provider: aws\n    - provider: aws\n    - provider: aws\n"
        + "    - provider: aws\n").replace("backoffLimitPerTask: 0", "backoffLimitPerTask: 0\n  parallelism: 1"),
        "apply", "-n", jobsNs, "-f", "-").assertSuccess();
    helm(cluster).upgrade().withName(RELEASE).withNamespace(releaseNs)
        .withKubeConfig(cluster.plane.kubeconfigPath())
        .withValuesFile(values(Map.of("watchNamespaces", "[" + jobsNs + "]", "logLevel", "debug",
            "podAnnotations", "{spaceone.dev/e2e-rollout: \"2\"}")))
        .waitReady().withTimeout((int) HELM_TIMEOUT.toSeconds())
        .call();
    awaitThat("the old operator pod to be gone", Duration.ofSeconds(90),
        () -> client.pods().inNamespace(releaseNs).withName(before.getMetadata().getName()).get() == null);
    Pod after = operatorPod();
    assertNotEquals(before.getMetadata().getUid(), after.getMetadata().getUid());
    assertEquals("debug", after.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> "LOG_LEVEL".equals(e.getName())).findFirst().orElseThrow().getValue());
    Job job = awaitFinishedJob("rollout-probe");
    assertEquals("SUCCESS", job.getStatus().getStatus().toString(), SpaceOneCluster.describe(client, jobsNs,
        "rollout-probe"));
    assertEquals("4/4", job.getStatus().getProgress());
    assertCounts(job, 8, 0, 0, 0, 8);
    awaitThat("the new pod to hold the Lease", SpaceOneCluster.TIMEOUT, () -> client.leases().inNamespace(releaseNs)
        .withName(OperatorSettings.LEASE_NAME).get().getSpec().getHolderIdentity()
        .startsWith(after.getMetadata().getName()));
    assertNoForbiddenCalls();
  }

  @Test
  @Order(6)
  void helmUninstallLeavesOnlyTheCrds() {
    new Helm(CHART).uninstall(RELEASE).withNamespace(releaseNs).withKubeConfig(cluster.plane.kubeconfigPath()).call();
    String selector = "app.kubernetes.io/instance=" + RELEASE;
    awaitThat("nothing labelled " + selector + " to be left", Duration.ofSeconds(90),
        () -> leftOfTheRelease(selector).isEmpty());
    assertTrue(client.apiextensions().v1().customResourceDefinitions().withName("jobs.spaceone.dev").get() != null);
    assertTrue(client.apiextensions().v1().customResourceDefinitions().withName("jobtasks.spaceone.dev").get() != null);
  }

  /** The release's pods (status, events, logs), for a failure message. */
  static String releaseState(RealNodeCluster cluster, String releaseNs) {
    KubernetesClient client = cluster.plane.client();
    StringBuilder text = new StringBuilder();
    for (Pod pod : client.pods().inNamespace(releaseNs).list().getItems()) {
      text.append("\n--- pod ").append(pod.getMetadata().getName()).append(": ")
          .append(io.fabric8.kubernetes.client.utils.Serialization.asJson(pod.getStatus()));
      try {
        text.append("\nlog:\n").append(client.pods().inNamespace(releaseNs).withName(pod.getMetadata().getName())
            .tailingLines(200).getLog());
      } catch (RuntimeException e) {
        text.append("\n(no log: ").append(e.getMessage()).append(')');
      }
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        text.append(PodJvmDiagnostics.of(cluster, pod));
      }
    }
    if (stallWatch != null) {
      text.append(stallWatch.seen());
    }
    client.v1().events().inNamespace(releaseNs).list().getItems().forEach(e -> text.append("\nevent ")
        .append(e.getInvolvedObject().getKind()).append('/').append(e.getInvolvedObject().getName()).append(' ')
        .append(e.getReason()).append(": ").append(e.getMessage()));
    return text.toString();
  }

  /**
   * Waits until the Job finished; on a timeout the failure also carries the operator pods' state and log. Real pods
   * and, after an upgrade, a Lease handover take longer than the in-process operator's Jobs: the helm bound applies.
   */
  private Job awaitFinishedJob(String job) {
    try {
      return awaitFinished(client, jobsNs, job, HELM_TIMEOUT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\noperator:" + releaseState(cluster, releaseNs), e);
    }
  }

  private List<String> leftOfTheRelease(String selector) {
    List<HasMetadata> left = new ArrayList<>();
    left.addAll(client.apps().deployments().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.apps().replicaSets().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.pods().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.services().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.serviceAccounts().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.secrets().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.configMaps().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.rbac().roles().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.rbac().roleBindings().inAnyNamespace().withLabelSelector(selector).list().getItems());
    left.addAll(client.rbac().clusterRoles().withLabelSelector(selector).list().getItems());
    left.addAll(client.rbac().clusterRoleBindings().withLabelSelector(selector).list().getItems());
    left.addAll(client.genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
        .withLabelSelector(selector).list().getItems());
    return left.stream().map(r -> r.getKind() + " " + r.getMetadata().getName()).collect(Collectors.toList());
  }

  private Pod operatorPod() {
    awaitThat("one Ready operator pod of " + FULLNAME, HELM_TIMEOUT, () -> readyOperatorPods().size() == 1);
    return readyOperatorPods().get(0);
  }

  private List<Pod> readyOperatorPods() {
    return client.pods().inNamespace(releaseNs).withLabel("app.kubernetes.io/instance", RELEASE).list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  /** Fails naming the verb and resource of any call the chart's RBAC refused, from the operator pods' logs. */
  private void assertNoForbiddenCalls() {
    String refused = refusedCalls(client, releaseNs, RELEASE);
    assertTrue(refused.isEmpty(), refused);
  }

  /** The calls the chart's RBAC refused, by verb and resource, from the release pods' logs; empty if none. */
  static String refusedCalls(KubernetesClient client, String releaseNs, String release) {
    StringBuilder text = new StringBuilder();
    for (Pod pod : client.pods().inNamespace(releaseNs).withLabel("app.kubernetes.io/instance", release).list()
        .getItems()) {
      String log;
      try {
        log = client.pods().inNamespace(releaseNs).withName(pod.getMetadata().getName()).getLog();
      } catch (RuntimeException notStarted) {
        continue;
      }
      Matcher m = FORBIDDEN.matcher(log == null ? "" : log);
      List<String> refused = new ArrayList<>();
      while (m.find()) {
        refused.add(verbAndResource(m.group().trim()));
      }
      if (!refused.isEmpty()) {
        text.append("the chart's RBAC refused calls of ").append(pod.getMetadata().getName()).append(":\n")
            .append(String.join("\n", refused)).append('\n');
      }
    }
    return text.toString();
  }

  /** "cannot VERB resource RESOURCE" out of an apiserver Forbidden message, with the whole line. */
  static String verbAndResource(String line) {
    Matcher m = Pattern.compile("cannot (\\w+) resource \"([^\"]+)\"(?: in API group \"([^\"]*)\")?").matcher(line);
    if (m.find()) {
      return String.format(Locale.ROOT, "verb %s, resource %s%s: %s", m.group(1), m.group(2),
          m.group(3) == null || m.group(3).isEmpty() ? "" : "." + m.group(3), line);
    }
    // JOSDK: "No permission to lease resource. in namespace: NS; missing required verbs: [update]"
    Matcher lease = Pattern.compile("No permission to (\\w+) resource.*missing required verbs: \\[([^\\]]*)\\]")
        .matcher(line);
    return lease.find() ? String.format(Locale.ROOT, "verb %s, resource %ss.coordination.k8s.io: %s", lease.group(2),
        lease.group(1), line) : line;
  }

  private static Helm helm(RealNodeCluster cluster) {
    return new Helm(CHART);
  }

  private static Path values(Map<String, String> values) {
    return values(workDir, values);
  }

  static Path values(Path workDir, Map<String, String> values) {
    try {
      Path file = Files.createTempFile(workDir, "values-", ".yaml");
      Files.writeString(file, values.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining("\n", "", "\n")));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
