package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.desired.PluginPortPolicy;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.operator.testing.PlanFixture;
import dev.spaceone.operator.testing.PlanFixture.Task;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cost-analysis Job with a grpc plugin and no tasks is divided by the plugin: a planning pod, its plan read
 * from the pod's log, one JobTask per planned task; restarts create nothing twice; 10,000 tasks work.
 */
class PluginDividedJobTest {
  /** What each Job's planning pod prints and how it ends, by pod name, else by Job name. */
  private final Map<String, PluginRun> planning = new ConcurrentHashMap<>();
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(pod -> Labels.PLANNING.equals(pod.getMetadata().getLabels().get(Labels.ROLE))
        ? planning.getOrDefault(pod.getMetadata().getName(), planning.get(pod.getMetadata().getLabels().get(Labels.JOB)))
        : OperatorHarness.scripted(pod));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  static String job(String name, String extra) {
    return """
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          service: cost-analysis
          dataSourceId: ds-1
          domainId: domain-1
          plugin:
            image: cloudforet/plugin-cost:2.0
            protocol: grpc
        %s""".formatted(name, extra.indent(2));
  }

  static PluginRun plans(PlanFixture plan, Duration runTime) {
    return new PluginRun(runTime, 0, plan.result()).withLog(plan.log());
  }

  @Test
  void oneTaskPerPlannedTaskWithItsOptionsAndChanged() {
    harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName("cost-secret").addToLabels("spaceone.dev/data-source", "ds-1").endMetadata()
        .addToStringData("key", "value").build()).create();
    PlanFixture plan = PlanFixture.of(List.of(
            new Task(Map.of("created", 3, "account", "a1"), Map.of("start", "2024-01", "filter", Map.of("account", "a1"))),
            new Task(Map.of("created", 4, "account", "a2"), null)),
        List.of(Map.of("start", "2024-01")), List.of("sa-1", "sa-2"));
    planning.put("cost", plans(plan, Duration.ofMillis(300)));
    harness.create(job("cost", """
        secretSelector:
          matchLabels:
            spaceone.dev/data-source: ds-1
        plan:
          start: '2024-01'
        """));

    Job job = harness.awaitJob("cost", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(2, job.getStatus().getTotalTasks());
    assertEquals(7, job.getStatus().getCreatedCount());
    assertEquals(2, job.getStatus().getPlan().getTasks());
    assertEquals("cost-plan", job.getStatus().getPlan().getPodName());
    assertEquals("cost-secret", job.getStatus().getPlan().getSecretName());
    assertEquals(List.of("2024-01"), job.getStatus().getChanged().stream().map(c -> c.getStart()).toList());
    assertEquals(List.of("sa-1", "sa-2"), job.getStatus().getSyncedAccounts().stream().map(a -> a.getAccountId())
        .toList());

    List<JobTask> tasks = harness.tasks("cost");
    assertEquals(List.of("a1", "a2"), tasks.stream().map(t -> t.getSpec().getOptions().get("account")).toList());
    assertEquals("2024-01", tasks.get(0).getSpec().getChanged().getStart());
    assertEquals(Map.of("account", "a1"), tasks.get(0).getSpec().getChanged().getFilter());
    assertNull(tasks.get(1).getSpec().getChanged());
    tasks.forEach(t -> assertEquals("cost-secret", t.getSpec().getSecretRef().getName()));

    Pod planningPod = harness.pod("cost-plan");
    assertNotNull(planningPod, "the planning pod is kept, for its log");
    harness.awaitThat(() -> harness.pod("cost-plan").getMetadata().getFinalizers().isEmpty());
    assertEquals(List.of("plan"), planningPod.getSpec().getContainers().get(0).getArgs());
    assertTrue(harness.eventReasons("Job", "cost").containsAll(List.of("Planning", "Planned", "TasksCreated")),
        harness.eventReasons("Job", "cost").toString());
    assertNotNull(harness.client.network().v1().networkPolicies().inNamespace(OperatorHarness.NAMESPACE)
        .withName(PluginPortPolicy.NAME).get(), "the plugin port policy exists before the first grpc pod");
  }

  @Test
  void aPlanOfNoTasksSucceedsAtOnce() {
    planning.put("empty", plans(PlanFixture.of(List.of(), List.of(), List.of()), Duration.ofMillis(100)));
    harness.create(job("empty", ""));
    Job job = harness.awaitJob("empty", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(0, job.getStatus().getTotalTasks());
    assertEquals(0, job.getStatus().getPlan().getTasks());
    assertEquals(List.of(), harness.tasks("empty"));
  }

  @Test
  void aPluginThatCannotPlanFailsTheJobWithItsError() {
    planning.put("broken", new PluginRun(Duration.ofMillis(100), 1,
        "{\"failure_count\":1,\"errors\":[{\"error_code\":\"ERROR_PLUGIN_UNREACHABLE\",\"message\":\"no answer on "
            + "127.0.0.1:50051\"}]}").withLog("runner: the plugin never answered\n"));
    harness.create(job("broken", ""));
    Job job = harness.awaitJob("broken", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.ERROR);
    assertEquals(ErrorCodes.GET_JOB_TASKS, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().contains("ERROR_PLUGIN_UNREACHABLE"), job.getStatus().getErrorMessage());
    assertTrue(job.getStatus().getErrorMessage().endsWith("(planning attempt 1 of 1)"), job.getStatus().getErrorMessage());
    assertEquals(List.of(), harness.tasks("broken"));
    harness.awaitThat(() -> harness.pod("broken-plan").getMetadata().getFinalizers().isEmpty());
  }

  static PluginRun failsToPlan(String code) {
    return new PluginRun(Duration.ofMillis(100), 1, "{\"failure_count\":1,\"errors\":[{\"error_code\":\"" + code
        + "\",\"message\":\"Job.get_tasks failed\"}]}").withLog("runner: get_tasks failed\n");
  }

  @Test
  void aFailedPlanningAttemptIsRetriedWithTheTaskRetrySettings() {
    planning.put("flaky-plan", failsToPlan("ERROR_COLLECTOR_PLUGIN"));
    planning.put("flaky-plan-2", plans(PlanFixture.of(List.of(new Task(Map.of("created", 2), null)), List.of(),
        List.of()), Duration.ofMillis(100)));
    harness.create(job("flaky", "backoffLimitPerTask: 2"));

    Job job = harness.awaitJob("flaky", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(2, job.getStatus().getCreatedCount());
    assertEquals("flaky-plan-2", job.getStatus().getPlan().getPodName());
    assertNull(harness.pod("flaky-plan-3"), "no attempt after the one that planned");
    assertTrue(harness.eventReasons("Job", "flaky").contains("PlanningAttemptFailed"),
        harness.eventReasons("Job", "flaky").toString());
    harness.awaitThat(() -> harness.pod("flaky-plan").getMetadata().getFinalizers().isEmpty());
  }

  @Test
  void aPlanningThatFailsEveryAttemptEndsTheJobInErrorWithTheLastReason() {
    planning.put("down", failsToPlan("ERROR_PLUGIN_UNREACHABLE"));
    harness.create(job("down", "backoffLimitPerTask: 1"));

    Job job = harness.awaitJob("down", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.ERROR);
    assertEquals(ErrorCodes.GET_JOB_TASKS, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().startsWith("ERROR_COLLECTOR_PLUGIN: the plugin exited with code 1"),
        job.getStatus().getErrorMessage());
    assertTrue(job.getStatus().getErrorMessage().contains("ERROR_PLUGIN_UNREACHABLE"), job.getStatus().getErrorMessage());
    assertTrue(job.getStatus().getErrorMessage().endsWith("(planning attempt 2 of 2)"), job.getStatus().getErrorMessage());
    assertNotNull(harness.pod("down-plan-2"));
    assertNull(harness.pod("down-plan-3"));
    assertEquals(List.of(), harness.tasks("down"));
  }

  @Test
  void aPlanThatDoesNotMatchItsDigestFailsTheJob() {
    PlanFixture plan = PlanFixture.ofCounts(3, 1, 0);
    planning.put("cut", new PluginRun(Duration.ofMillis(100), 0, plan.result())
        .withLog(plan.log().replaceFirst("SPACEONE_PLAN \\{\"kind\":\"task\"[^\n]*\n", "")));
    harness.create(job("cut", ""));
    Job job = harness.awaitJob("cut", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.FAILURE);
    assertEquals(ErrorCodes.GET_JOB_TASKS, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().contains("not the one the runner reported"),
        job.getStatus().getErrorMessage());
    assertEquals(List.of(), harness.tasks("cut"));
  }

  private void secrets(String dataSource, String... names) {
    for (String name : names) {
      harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
          .withName(name).addToLabels("spaceone.dev/data-source", dataSource).endMetadata().build()).create();
    }
  }

  static String selecting(String dataSource) {
    return "secretSelector:\n  matchLabels:\n    spaceone.dev/data-source: " + dataSource + "\n";
  }

  @Test
  void aSelectorMatchingNoSecretIsAnInvalidJob() {
    harness.create(job("none", selecting("ds-0")));
    Job job = harness.awaitJob("none", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.ERROR);
    assertTrue(job.getStatus().getErrorMessage().startsWith("spec.secretSelector: matches 0 Secrets"),
        job.getStatus().getErrorMessage());
    assertNull(harness.pod("none-plan"));
  }

  @Test
  void severalSecretsArePlannedOneGetTasksEachAndTheirPlansConcatenatedInSecretOrder() {
    secrets("ds-2", "s-b", "s-a");
    planning.put("two-plan-s0", plans(PlanFixture.of(List.of(
            new Task(Map.of("created", 3, "account", "a1"), Map.of("start", "2024-01")),
            new Task(Map.of("created", 4, "account", "a2"), null)),
        List.of(Map.of("start", "2024-01")), List.of("sa-1")), Duration.ofMillis(300)));
    planning.put("two-plan-s1", plans(PlanFixture.of(List.of(new Task(Map.of("created", 5, "account", "b1"), null)),
        List.of(Map.of("start", "2024-02")), List.of("sa-2")), Duration.ofMillis(100)));
    harness.create(job("two", selecting("ds-2")));

    Job job = harness.awaitJob("two", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(List.of("s-a", "s-b"), job.getStatus().getPlanSecrets());
    assertEquals(3, job.getStatus().getTotalTasks());
    assertEquals(12, job.getStatus().getCreatedCount());
    assertEquals(3, job.getStatus().getPlan().getTasks());
    assertEquals(List.of("s-a", "s-b"), job.getStatus().getPlan().getSources().stream()
        .map(source -> source.getSecretName()).toList());
    assertEquals(List.of("two-plan-s0", "two-plan-s1"), job.getStatus().getPlan().getSources().stream()
        .map(source -> source.getPodName()).toList());
    assertEquals(List.of(2, 1), job.getStatus().getPlan().getSources().stream().map(source -> source.getTasks())
        .toList());
    assertEquals(List.of("2024-01", "2024-02"), job.getStatus().getChanged().stream().map(c -> c.getStart()).toList());
    assertEquals(List.of("sa-1", "sa-2"), job.getStatus().getSyncedAccounts().stream().map(a -> a.getAccountId())
        .toList());
    assertFalse(Conditions.isTrue(job.getStatus().getConditions(), Conditions.SECRETS_SKIPPED));

    List<JobTask> tasks = harness.tasks("two");
    assertEquals(List.of("a1", "a2", "b1"), tasks.stream().map(t -> t.getSpec().getOptions().get("account")).toList());
    assertEquals(List.of("s-a", "s-a", "s-b"), tasks.stream().map(t -> t.getSpec().getSecretRef().getName()).toList());
    tasks.forEach(t -> assertEquals("USE_SERVICE_ACCOUNT_SECRET", t.getSpec().getSecretType()));
    assertEquals("s-a", secretOfPod(harness.pod("two-plan-s0")));
    assertEquals("s-b", secretOfPod(harness.pod("two-plan-s1")));
    assertNull(harness.pod("two-plan"), "a Job planning with several Secrets has no single-Secret pod");
    harness.awaitThat(() -> harness.pod("two-plan-s0").getMetadata().getFinalizers().isEmpty()
        && harness.pod("two-plan-s1").getMetadata().getFinalizers().isEmpty());
  }

  static String secretOfPod(Pod pod) {
    return pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null && "secret".equals(v.getName()))
        .map(v -> v.getSecret().getSecretName()).findFirst().orElse(null);
  }

  @Test
  void aSecretWhosePlanningFailsIsSkippedAndReportedWhileTheOthersTasksRun() {
    secrets("ds-3", "s-1", "s-2");
    planning.put("skip-plan-s0", failsToPlan("ERROR_PLUGIN_UNREACHABLE"));
    planning.put("skip-plan-s0-2", failsToPlan("ERROR_PLUGIN_UNREACHABLE"));
    planning.put("skip-plan-s1", plans(PlanFixture.of(List.of(new Task(Map.of("created", 2), null),
        new Task(Map.of("created", 3), null)), List.of(), List.of()), Duration.ofMillis(100)));
    harness.create(job("skip", selecting("ds-3") + "backoffLimitPerTask: 1\n"));

    Job job = harness.awaitJob("skip", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    assertEquals(2, job.getStatus().getTotalTasks());
    assertEquals(5, job.getStatus().getCreatedCount());
    harness.tasks("skip").forEach(t -> assertEquals("s-2", t.getSpec().getSecretRef().getName()));
    var skipped = job.getStatus().getPlan().getSources().get(0);
    assertEquals("s-1", skipped.getSecretName());
    assertEquals("ERROR_COLLECTOR_PLUGIN", skipped.getErrorCode());
    assertEquals("skip-plan-s0-2", skipped.getPodName(), "skipped after its retry");
    assertTrue(skipped.getErrorMessage().endsWith("(planning attempt 2 of 2)"), skipped.getErrorMessage());
    assertNull(harness.pod("skip-plan-s0-3"));
    Condition condition = job.getStatus().getConditions().stream()
        .filter(c -> Conditions.SECRETS_SKIPPED.equals(c.getType())).findFirst().orElseThrow();
    assertEquals("True", condition.getStatus());
    assertTrue(condition.getMessage().contains("Secret s-1: ERROR_COLLECTOR_PLUGIN"), condition.getMessage());
    assertTrue(condition.getMessage().contains("ERROR_PLUGIN_UNREACHABLE"), condition.getMessage());
    List<String> reasons = harness.eventReasons("Job", "skip");
    assertTrue(reasons.containsAll(List.of("PlanningAttemptFailed", "PlanningSecretSkipped", "Planned")),
        reasons.toString());
    assertTrue(harness.events("Job", "skip").stream().filter(e -> "PlanningSecretSkipped".equals(e.getReason()))
        .allMatch(e -> "Warning".equals(e.getType()) && e.getMessage().startsWith("Secret s-1: ")));
  }

  @Test
  void whenEverySecretFailsToPlanTheJobEndsInErrorNamingThem() {
    secrets("ds-4", "s-1", "s-2");
    planning.put("all", failsToPlan("ERROR_PLUGIN_UNREACHABLE"));
    harness.create(job("all", selecting("ds-4")));
    Job job = harness.awaitJob("all", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.ERROR);
    assertEquals(ErrorCodes.GET_JOB_TASKS, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().startsWith("the plugin could not plan with any of its 2 Secrets: "
        + "Secret s-1: ERROR_COLLECTOR_PLUGIN"), job.getStatus().getErrorMessage());
    assertTrue(job.getStatus().getErrorMessage().contains("; Secret s-2: ERROR_COLLECTOR_PLUGIN"),
        job.getStatus().getErrorMessage());
    assertEquals(List.of(), harness.tasks("all"));
  }

  @Test
  void aRestartWhileSeveralSecretsPlanCreatesNothingTwice() {
    int n = 150;
    secrets("ds-5", "s-1", "s-2");
    planning.put("again-plan-s0", plans(PlanFixture.ofCounts(n, 1, 0), Duration.ofMillis(200)));
    planning.put("again-plan-s1", plans(PlanFixture.ofCounts(n, 1, 0), Duration.ofSeconds(3)));
    harness.create(job("again", selecting("ds-5") + "parallelism: 20\n"));
    // Stopped while one Secret planned and the other still plans ...
    harness.awaitThat(() -> harness.pod("again-plan-s1") != null);
    harness.stopOperator();
    harness.startOperator();
    // ... and again while the tasks are being created.
    harness.awaitThat(Duration.ofMinutes(1), () -> !harness.tasks("again").isEmpty());
    harness.stopOperator();
    harness.startOperator();

    Job job = harness.awaitJob("again", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS,
        Duration.ofMinutes(3));
    assertEquals(2 * n, job.getStatus().getTotalTasks());
    assertEquals(2 * n, job.getStatus().getCreatedCount(), "every task counted once");
    Map<String, Long> pods = harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods").entrySet().stream()
        .filter(e -> e.getKey().startsWith("again-plan"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(Map.of("again-plan-s0", 1L, "again-plan-s1", 1L), pods);
    Map<String, Long> taskCreations = harness.cluster.creations(MockCluster.OPERATOR_AGENT, "jobtasks");
    assertEquals(2 * n, taskCreations.size());
    assertTrue(taskCreations.values().stream().allMatch(c -> c == 1), "no task created twice: " + taskCreations);
    List<JobTask> tasks = harness.tasks("again");
    assertEquals("s-1", tasks.get(0).getSpec().getSecretRef().getName());
    assertEquals("s-2", tasks.get(tasks.size() - 1).getSpec().getSecretRef().getName());
  }

  @Test
  void cancelingWhilePlanningStopsThePlanningPod() {
    planning.put("stopme", plans(PlanFixture.ofCounts(2, 1, 0), Duration.ofSeconds(60)));
    harness.create(job("stopme", ""));
    harness.awaitThat(() -> harness.pod("stopme-plan") != null);
    harness.client.resources(Job.class).inNamespace(OperatorHarness.NAMESPACE).withName("stopme")
        .edit(j -> {
          j.getSpec().setCancel(true);
          return j;
        });
    Job job = harness.awaitJob("stopme", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.CANCELED);
    assertEquals(ErrorCodes.COLLECT_CANCELED, job.getStatus().getErrorCode());
    harness.awaitThat(() -> harness.pod("stopme-plan") == null);
    assertEquals(List.of(), harness.tasks("stopme"));
  }

  @Test
  void deletingAJobWhileItPlansLetsItsPlanningPodGo() {
    planning.put("dropped", plans(PlanFixture.ofCounts(2, 1, 0), Duration.ofSeconds(60)));
    harness.create(job("dropped", ""));
    harness.awaitThat(() -> harness.pod("dropped-plan") != null);
    harness.client.resources(Job.class).inNamespace(OperatorHarness.NAMESPACE).withName("dropped").delete();
    // The garbage collector deletes the Job's pod; nothing is left to record its plan, so nothing holds it.
    harness.awaitThat(() -> harness.pod("dropped-plan") == null);
  }

  @Test
  void aRestartDuringPlanningCreatesNothingTwice() {
    int n = 300;
    planning.put("restart", plans(PlanFixture.ofCounts(n, 1, 0), Duration.ofSeconds(2)));
    harness.create(job("restart", "parallelism: 20\n"));
    // Stopped while the planning pod runs ...
    harness.awaitThat(() -> harness.pod("restart-plan") != null);
    harness.stopOperator();
    harness.startOperator();
    // ... and again while its tasks are being created.
    harness.awaitThat(() -> !harness.tasks("restart").isEmpty());
    harness.stopOperator();
    harness.startOperator();

    Job job = harness.awaitJob("restart", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS,
        Duration.ofMinutes(3));
    assertEquals(n, job.getStatus().getTotalTasks());
    assertEquals(n, job.getStatus().getCreatedCount(), "every task counted once");
    assertEquals(Map.of("restart-plan", 1L), harness.cluster.creations(MockCluster.OPERATOR_AGENT, "pods").entrySet()
        .stream().filter(e -> e.getKey().equals("restart-plan"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    Map<String, Long> taskCreations = harness.cluster.creations(MockCluster.OPERATOR_AGENT, "jobtasks");
    assertEquals(n, taskCreations.size());
    assertTrue(taskCreations.values().stream().allMatch(c -> c == 1), "no task created twice: " + taskCreations);
  }

  @Test
  void tenThousandPlannedTasksAreCreated() {
    int n = 10_000;
    PlanFixture plan = PlanFixture.ofCounts(n, 1, 60_000);
    planning.put("big", plans(plan, Duration.ofMillis(100)));
    long started = System.nanoTime();
    // One task pod at a time, each running a minute: this test is about the plan, not the fan-out.
    harness.create(job("big", "parallelism: 1\n"));
    // The fabric8 mock stores 10,000 objects slowly (a scan of every stored object per request, ~30 creations/s
    // here): the wait is for the mock, the operator's part is the printed time's small share.
    Job job = harness.awaitJob("big", j -> j.getStatus() != null && j.getStatus().getPlan() != null,
        Duration.ofMinutes(12));
    harness.awaitThat(Duration.ofMinutes(1), () -> harness.tasks("big").size() == n);
    System.out.printf("PluginDividedJobTest: a plan of %,d tasks (%,d KiB of log) read and its tasks created in "
        + "%,d ms on the mock%n", n, plan.log().length() / 1024, (System.nanoTime() - started) / 1_000_000);
    assertEquals(n, job.getStatus().getTotalTasks());
    assertEquals(n, job.getStatus().getPlan().getTasks());
    assertTrue(harness.pod("big-plan").getMetadata().getFinalizers().isEmpty()
        || harness.pod("big-plan").getMetadata().getFinalizers().contains(TaskPodBuilder.PLAN_FINALIZER));
  }
}
