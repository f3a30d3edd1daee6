package dev.spaceone.operator.chart;

import static org.awaitility.Awaitility.await;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.jobtask.PodFinalizers;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.operator.testing.ApiCall;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.operator.testing.PlanFixture;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.spaceone.operator.query.Authorizer;
import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.operator.query.SubjectAccessReviewAuthorizer;
import dev.spaceone.testkit.Pki;
import dev.spaceone.operator.query.UserInfo;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every API call the operator makes, recorded at the mock while it runs scenarios that take each of its
 * code paths: division by Secret labels, retries, results, cancel (pods deleted), TTL (Job deleted), leader
 * election, a stale pod copy, and a pod orphaned by its task's deletion.
 * The chart's RBAC is compared with this set.
 */
final class RecordedApiCalls {
  static final String LEASE_NAMESPACE = "spaceone-system";
  private static Set<ApiCall> calls;

  private RecordedApiCalls() {
  }

  /** Calls any authenticated user may make (system:basic-user): JOSDK's check of its Lease permissions. */
  static final Set<String> GRANTED_TO_EVERYONE = Set.of("selfsubjectrulesreviews");

  /**
   * Reads StatusRecorder makes after a conflicting status write. The mock does not check resourceVersion
   * on status writes, so no scenario here can provoke them; they are listed from the code instead.
   */
  static final Set<HelmChartRbacTest.Grant> ON_STATUS_CONFLICT = Set.of(
      new HelmChartRbacTest.Grant("spaceone.dev", "jobs", "get"),
      new HelmChartRbacTest.Grant("spaceone.dev", "jobtasks", "get"));

  /** The operator's calls in the namespaces it watches, as (group, resource, verb). */
  static Set<HelmChartRbacTest.Grant> watched() {
    Set<HelmChartRbacTest.Grant> grants = grants(c -> !c.apiGroup().equals("coordination.k8s.io")
        && !c.apiGroup().equals("authorization.k8s.io") && !c.namespace().equals("kube-system"));
    grants.addAll(ON_STATUS_CONFLICT);
    return grants;
  }

  /**
   * Required by JOSDK's start-up check of its Lease permissions (a SelfSubjectRulesReview, which the mock answers
   * with everything allowed) although the calls it then makes are get, create and patch: without it a real
   * apiserver's answer stops the operator ("missing required verbs: [update]", seen by ChartE2ETest).
   */
  static final Set<HelmChartRbacTest.Grant> LEASE_CHECK = Set.of(
      new HelmChartRbacTest.Grant("coordination.k8s.io", "leases", "update"));

  /** The operator's calls for leader election, all in the Lease's namespace. */
  static Set<HelmChartRbacTest.Grant> leaderElection() {
    Set<HelmChartRbacTest.Grant> grants = grants(c -> c.apiGroup().equals("coordination.k8s.io"));
    grants.addAll(LEASE_CHECK);
    return grants;
  }

  private static Set<HelmChartRbacTest.Grant> grants(java.util.function.Predicate<ApiCall> filter) {
    return operator().stream().filter(filter)
        .filter(c -> !GRANTED_TO_EVERYONE.contains(c.resource()))
        .map(c -> new HelmChartRbacTest.Grant(c.apiGroup(), c.resource(), c.verb()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static synchronized Set<ApiCall> operator() {
    if (calls == null) {
      try {
        calls = measure();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return calls;
  }

  /** The query API's calls that the chart grants through Kubernetes' own roles, as (resource, verb) in kube-system. */
  static Set<ApiCall> grantedByBuiltInRoles() {
    return operator().stream().filter(c -> c.namespace().equals("kube-system")).collect(Collectors.toSet());
  }

  /** The query API's cluster-wide calls: one review per authorization. */
  static Set<HelmChartRbacTest.Grant> queryApi() {
    return grants(c -> c.apiGroup().equals("authorization.k8s.io"));
  }

  private static Set<ApiCall> measure() throws IOException {
    OperatorSettings settings = OperatorSettings.forTests().withLeaderElection(LEASE_NAMESPACE)
        .withRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    try (OperatorHarness harness = new OperatorHarness(settings, RecordedApiCalls::plugin)) {
      harness.cluster.createNamespace(LEASE_NAMESPACE);
      KubernetesClient admin = harness.client;
      for (String provider : List.of("aws", "azure")) {
        admin.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
            .withName("cred-" + provider).addToLabels("spaceone.dev/collect", "yes")
            .addToLabels("spaceone.dev/provider", provider).endMetadata()
            .addToStringData("key", "not-read").build()).create();
      }
      // Division by labels, a failed first attempt and its retry, then deletion by TTL.
      harness.create("""
          apiVersion: spaceone.dev/v1alpha1
          kind: Job
          metadata: {name: collect}
          spec:
            plugin: {image: collector:1}
            backoffLimitPerTask: 1
            ttlSecondsAfterFinished: 0
            secretSelector: {matchLabels: {spaceone.dev/collect: "yes"}}
          """);
      await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.job("collect") == null
          && !harness.cluster.requests().isEmpty());
      // Cancel while running: the running pod is deleted.
      harness.create("""
          apiVersion: spaceone.dev/v1alpha1
          kind: Job
          metadata: {name: slow}
          spec:
            plugin: {image: collector:1}
            tasks: [{options: {slow: true}}]
          """);
      await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.tasks("slow").stream()
          .anyMatch(t -> t.getStatus() != null && t.getStatus().getPodName() != null));
      harness.patchJob("slow", "{\"spec\":{\"cancel\":true}}");
      harness.awaitJob("slow", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.CANCELED);

      // A grpc cost-analysis Job its plugin divides: the plugin port policy, the planning pod and its log.
      harness.create("""
          apiVersion: spaceone.dev/v1alpha1
          kind: Job
          metadata: {name: planned}
          spec:
            service: cost-analysis
            dataSourceId: ds-1
            plugin: {image: "cloudforet/plugin-cost:2", protocol: grpc}
          """);
      harness.awaitJob("planned", j -> j.getStatus() != null && j.getStatus().getStatus() != null
          && j.getStatus().getStatus().isFinished());

      KubernetesClient operatorClient = harness.cluster.client(MockCluster.OPERATOR_AGENT);
      // Releasing a finalizer from a stale copy of a pod: a conflict, then the fresh pod is read.
      Pod held = admin.pods().inNamespace(OperatorHarness.NAMESPACE).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName("held").addToLabels("a", "b").withFinalizers("other.dev/keep", TaskPodBuilder.RESULT_FINALIZER)
          .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec()
          .build()).create();
      admin.pods().inNamespace(OperatorHarness.NAMESPACE).withName("held")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}");
      PodFinalizers.release(operatorClient, held);
      // A pod whose task is gone, deleted while it holds the finalizer: the operator releases it.
      admin.pods().inNamespace(OperatorHarness.NAMESPACE).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName("orphan-0-1").withFinalizers(TaskPodBuilder.RESULT_FINALIZER)
          .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR).addToLabels(Labels.JOB, "orphan")
          .addNewOwnerReference().withApiVersion("spaceone.dev/v1alpha1").withKind("JobTask").withName("orphan-0")
          .withUid("gone").withController(true).endOwnerReference()
          .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec()
          .build()).create();
      admin.pods().inNamespace(OperatorHarness.NAMESPACE).withName("orphan-0-1").delete();
      await().atMost(OperatorHarness.TIMEOUT)
          .until(() -> admin.pods().inNamespace(OperatorHarness.NAMESPACE).withName("orphan-0-1").get() == null);
      // The query API: it reads the front-proxy settings in kube-system and authorizes with reviews.
      Path tls = Files.createTempDirectory("query-tls");
      Pki.server(Pki.ca("test-ca"), "localhost").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
      try (QueryServer query = QueryServer.start(QueryServerConfig.defaults().withPort(0).withTlsDir(tls),
          operatorClient, harness.operator().records(), Clock.systemUTC());
           SubjectAccessReviewAuthorizer reviews = new SubjectAccessReviewAuthorizer(operatorClient,
               Duration.ofSeconds(10), 10, Clock.systemUTC())) {
        reviews.authorize(new UserInfo("alice", List.of(), java.util.Map.of()),
            new Authorizer.AccessRequest("list", "spaceone.dev", "jobs", OperatorHarness.NAMESPACE));
        await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.cluster.requests().stream()
            .anyMatch(r -> r.agent().equals(MockCluster.OPERATOR_AGENT) && r.path().contains("/configmaps")));
      }
      return harness.cluster.requests().stream()
          .filter(r -> r.agent().equals(MockCluster.OPERATOR_AGENT))
          .flatMap(r -> ApiCall.of(r).stream())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static PluginRun plugin(Pod pod) {
    if (Labels.PLANNING.equals(pod.getMetadata().getLabels().get(Labels.ROLE))) {
      PlanFixture plan = PlanFixture.ofCounts(1, 1, 50);
      return PluginRun.succeeds(Duration.ofMillis(50), plan.result()).withLog(plan.log());
    }
    // The hand-made pods of the orphan and stale-copy scenarios have no task.json: they never finish.
    if (!pod.getMetadata().getAnnotations().containsKey(TaskPodBuilder.TASK_JSON_ANNOTATION)
        || OperatorHarness.taskJson(pod).path("task_options").path("slow").asBoolean()) {
      return PluginRun.succeeds(Duration.ofMinutes(5), "{}");
    }
    boolean firstAttempt = pod.getMetadata().getName().endsWith("-1");
    return firstAttempt ? new PluginRun(Duration.ofMillis(50), 1, "boom")
        : PluginRun.succeeds(Duration.ofMillis(50), "{\"created_count\":1}");
  }
}
