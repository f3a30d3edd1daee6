package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.awaitThat;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's {@code queryApi.separateDeployment} installed on the real control plane and node: the query API runs
 * in its own pod under its own read-only ServiceAccount (every call it makes authorized by the real RBAC
 * authorizer), becomes Ready, and answers a query through the APIService, while the operator's pod serves no
 * queries. Also measures the query pod's memory (the kubelet's summary) before and after it caches many tasks.
 */
@ExtendWith(RealNodeExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateQueryChartE2ETest {
  static final String RELEASE = "sjq";
  static final String FULLNAME = "sjq-spaceone-job-operator";
  static final String QUERY_SA = FULLNAME + "-query";
  /** JobTasks created for the memory measurement (no Job: the operator leaves them alone, the query API caches them). */
  static final int EXTRA_TASKS = Integer.getInteger("e2e.query.extraTasks", 1000);

  private static String releaseNs;
  private static String jobsNs;
  private final RealNodeCluster cluster;
  private final KubernetesClient client;

  SeparateQueryChartE2ETest(RealNodeCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.plane.client();
  }

  @BeforeAll
  static void install(RealNodeCluster cluster) throws IOException {
    cluster.importImages(RealNodeExtension.operatorImageArchives());
    Path workDir = Files.createDirectories(cluster.plane.workDir().resolve("chart-separate-query"));
    releaseNs = "spaceone-query-system";
    jobsNs = SpaceOneCluster.createNamespace(cluster.plane, "query-jobs");
    long started = System.nanoTime();
    try {
      new Helm(ChartE2ETest.CHART).install().withName(RELEASE).withNamespace(releaseNs).createNamespace()
          .withKubeConfig(cluster.plane.kubeconfigPath())
          .withValuesFile(ChartE2ETest.values(workDir, Map.of("watchNamespaces", "[" + jobsNs + "]",
              "queryApi", "{separateDeployment: {enabled: true}}")))
          .waitReady().withTimeout((int) ChartE2ETest.HELM_TIMEOUT.toSeconds())
          .call();
    } catch (RuntimeException e) {
      throw new AssertionError("helm install failed: " + e.getMessage() + "\n"
          + ChartE2ETest.refusedCalls(cluster.plane.client(), releaseNs, RELEASE)
          + ChartE2ETest.releaseState(cluster, releaseNs), e);
    }
    System.err.println("[e2e] helm install with a separate query Deployment ready after "
        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
  }

  @AfterAll
  static void cleanUp(RealNodeCluster cluster) {
    try {
      new Helm(ChartE2ETest.CHART).uninstall(RELEASE).withNamespace(releaseNs).ignoreNotFound()
          .withKubeConfig(cluster.plane.kubeconfigPath()).call();
    } catch (RuntimeException e) {
      System.err.println("[e2e] helm uninstall in clean-up: " + e.getMessage());
    }
    SpaceOneCluster.deleteNamespace(cluster.plane, jobsNs);
  }

  @Test
  @Order(1)
  void theQueryPodIsReadyUnderItsOwnServiceAccountAndTheOperatorServesNoQueries() {
    Pod query = readyPod("spaceone-job-operator-query");
    assertEquals(QUERY_SA, query.getSpec().getServiceAccountName());
    assertEquals(RealNode.NODE_NAME, query.getSpec().getNodeName());
    assertEquals(List.of("query-server"), query.getSpec().getContainers().get(0).getArgs());
    Pod operator = readyPod("spaceone-job-operator");
    assertEquals(FULLNAME, operator.getSpec().getServiceAccountName());
    Container container = operator.getSpec().getContainers().get(0);
    assertTrue(container.getEnv().stream().noneMatch(e -> e.getName().equals("QUERY_PORT")),
        "the operator's query server is off: " + container.getEnv());
    assertTrue(container.getPorts().stream().noneMatch(p -> "https".equals(p.getName())), container.getPorts()
        .toString());
    assertNoForbiddenCalls();
  }

  /** The real authorizer's view of the query ServiceAccount: it reads and reviews, and writes nothing. */
  @Test
  @Order(2)
  void theQueryServiceAccountMayOnlyRead() {
    String as = "--as=system:serviceaccount:" + releaseNs + ":" + QUERY_SA;
    for (String allowed : List.of("list jobtasks.spaceone.dev", "watch jobs.spaceone.dev",
        "create subjectaccessreviews.authorization.k8s.io")) {
      String[] verbResource = allowed.split(" ");
      assertEquals("yes", canI(as, verbResource[0], verbResource[1]), allowed);
    }
    for (String denied : List.of("create pods", "update pods", "delete pods", "create jobtasks.spaceone.dev",
        "update jobtasks.spaceone.dev/status", "delete jobs.spaceone.dev", "update leases.coordination.k8s.io",
        "list secrets", "create events")) {
      String[] verbResource = denied.split(" ");
      assertEquals("no", canI(as, verbResource[0], verbResource[1]), denied);
    }
  }

  @Test
  @Order(3)
  void itAnswersAQueryThroughTheApiService() {
    SpaceOneCluster.apply(cluster.plane, jobsNs, example("inventory/secrets.yaml"), example("cost-analysis/job.yaml"));
    Job cost = awaitFinished(client, jobsNs, OperatorE2ETest.COST);
    assertEquals("SUCCESS", cost.getStatus().getStatus().toString(),
        SpaceOneCluster.describe(client, jobsNs, OperatorE2ETest.COST));
    awaitThat("the query API to answer the Stat", Duration.ofSeconds(90), () -> {
      var answer = cluster.plane.runKubectl("create", "-n", jobsNs, "-f", example("queries/stat.yaml").toString(),
          "-o", "json");
      return answer.exitCode() == 0 && answer.stdout().replaceAll("\\s", "").contains("\"status\":\"SUCCESS\"")
          && answer.stdout().contains("345");
    });
    assertNoForbiddenCalls();
  }

  /** Container memory of the query pod (kubelet summary) with the example's tasks, then with many more. */
  @Test
  @Order(4)
  void measureTheQueryPodsMemory() throws Exception {
    Pod query = readyPod("spaceone-job-operator-query");
    long[] before = memory(query);
    long created = System.nanoTime();
    for (int i = 0; i < EXTRA_TASKS; i++) {
      JobTask task = Serialization.unmarshal("""
          apiVersion: spaceone.dev/v1alpha1
          kind: JobTask
          metadata:
            name: measure-%1$d
            labels: {spaceone.dev/job: measure}
          spec: {jobName: measure, index: %1$d, service: inventory, plugin: {image: collector:1},
                 options: {region: ap-northeast-2, account: "%1$012d"}}
          """.formatted(i), JobTask.class);
      task.getMetadata().setNamespace(jobsNs);
      client.resource(task).create();
    }
    long createdMs = Duration.ofNanos(System.nanoTime() - created).toMillis();
    // The query API has them all when a Search counts them.
    Path search = Files.createTempFile(cluster.plane.workDir(), "search-", ".yaml");
    Files.writeString(search, """
        apiVersion: query.spaceone.dev/v1alpha1
        kind: Search
        metadata: {name: measure}
        spec:
          resource: jobtasks
          query:
            filter: [{k: job_id, v: measure, o: eq}]
            count_only: true
        """);
    awaitThat("the query API to hold " + EXTRA_TASKS + " more tasks", Duration.ofSeconds(120), () -> {
      var answer = cluster.plane.runKubectl("create", "-n", jobsNs, "-f", search.toString(), "-o", "json");
      return answer.exitCode() == 0 && answer.stdout().replaceAll("\\s", "").contains("\"totalCount\":" + EXTRA_TASKS);
    });
    long[] after = memory(query);
    System.err.printf(Locale.ROOT, "[e2e] query pod memory: with the example's tasks working set %.1f MiB, JVM RSS"
            + " %.1f MiB; after %d more JobTasks (created in %d ms) working set %.1f MiB, JVM RSS %.1f MiB%n",
        before[0] / 1048576.0, before[1] / 1048576.0, EXTRA_TASKS, createdMs, after[0] / 1048576.0,
        after[1] / 1048576.0);
    assertTrue(after[0] > 0 && before[0] > 0);
    assertNoForbiddenCalls();
  }

  /**
   * {working set of the pod's container from the kubelet's summary (through the apiserver), resident set of its
   * JVM from /proc on the node (the process whose cgroup names the pod's uid)}.
   */
  private long[] memory(Pod pod) throws IOException {
    String summary = client.raw("/api/v1/nodes/" + RealNode.NODE_NAME + "/proxy/stats/summary");
    JsonNode root = Serialization.jsonMapper().readTree(summary);
    long workingSet = -1;
    for (JsonNode p : root.path("pods")) {
      if (p.path("podRef").path("name").asText().equals(pod.getMetadata().getName())) {
        workingSet = p.path("containers").get(0).path("memory").path("workingSetBytes").asLong();
      }
    }
    assertTrue(workingSet > 0, "no memory stats for " + pod.getMetadata().getName() + " in " + summary);
    return new long[] {workingSet, jvmRss(pod.getMetadata().getUid())};
  }

  private static long jvmRss(String podUid) throws IOException {
    String cgroupName = podUid.replace('-', '_');
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cgroup = Files.readString(proc.resolve("cgroup"));
          if ((cgroup.contains(podUid) || cgroup.contains(cgroupName))
              && Files.readString(proc.resolve("cmdline")).startsWith("java")) {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
              if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
              }
            }
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended while it was read
        }
      }
    }
    return -1;
  }

  private String canI(String as, String verb, String resource) {
    var result = cluster.plane.runKubectl("auth", "can-i", verb, resource, "-n", jobsNs, as);
    return result.stdout().trim();
  }

  private Pod readyPod(String name) {
    awaitThat("a Ready pod app.kubernetes.io/name=" + name, ChartE2ETest.HELM_TIMEOUT, () -> readyPods(name).size() == 1);
    return readyPods(name).get(0);
  }

  private List<Pod> readyPods(String name) {
    return client.pods().inNamespace(releaseNs).withLabel("app.kubernetes.io/name", name).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  private void assertNoForbiddenCalls() {
    String refused = ChartE2ETest.refusedCalls(client, releaseNs, RELEASE);
    assertFalse(!refused.isEmpty(), refused);
  }
}
