package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Job that cannot run ends ERROR naming the field, with a Warning Event, and creates no JobTask. The mock,
 * like some API servers, does not apply the CRD schema, so these reach the operator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidJobTest {
  private OperatorHarness harness;

  @BeforeAll
  void start() {
    harness = new OperatorHarness(OperatorHarness::scripted);
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  static Stream<Arguments> invalidJobs() {
    return Stream.of(
        Arguments.of("missing-image", "plugin: {}\ntasks:\n  - {}\n", ErrorCodes.INVALID_PARAMETER, "spec.plugin.image"),
        Arguments.of("no-tasks", "plugin:\n  image: c:1\n", ErrorCodes.INVALID_PARAMETER, "spec.tasks"),
        Arguments.of("parallelism-zero", "parallelism: 0\nplugin:\n  image: c:1\ntasks:\n  - {}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.parallelism"),
        Arguments.of("bad-month", "plugin:\n  image: c:1\ntasks:\n  - changed: {start: \"2024-13\"}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.tasks[0].changed.start"),
        Arguments.of("start-after-end",
            "plugin:\n  image: c:1\ntasks:\n  - changed: {start: \"2024-05\", end: \"2024-02\"}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.tasks[0].changed"),
        Arguments.of("missing-secret", "plugin:\n  image: c:1\ntasks:\n  - {}\n  - secretRef: {name: nowhere}\n",
            ErrorCodes.SECRET_NOT_FOUND, "spec.tasks[1].secretRef.name"),
        Arguments.of("cost-no-datasource", "service: cost-analysis\nplugin:\n  image: c:1\ntasks:\n  - {}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.dataSourceId"),
        Arguments.of("workspace-no-id", "resourceGroup: WORKSPACE\nplugin:\n  image: c:1\ntasks:\n  - {}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.workspaceId"),
        Arguments.of("backoff-eleven", "backoffLimitPerTask: 11\nplugin:\n  image: c:1\ntasks:\n  - {}\n",
            ErrorCodes.INVALID_PARAMETER, "spec.backoffLimitPerTask"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJobs")
  void invalidJobEndsErrorWithAnEventAndNoTask(String name, String spec, String code, String field) {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
        %s""".formatted(name, spec.indent(2)));

    Job job = harness.awaitJob(name, j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.ERROR);
    assertEquals(code, job.getStatus().getErrorCode());
    assertTrue(job.getStatus().getErrorMessage().startsWith(field + ": "), job.getStatus().getErrorMessage());
    assertTrue(Conditions.isTrue(job.getStatus().getConditions(), Conditions.FAILED));
    assertTrue(job.getStatus().getFinishedAt() != null);

    harness.awaitThat(() -> !harness.events("Job", name).isEmpty());
    List<Event> events = harness.events("Job", name);
    Event invalid = events.stream().filter(e -> e.getReason().equals("InvalidJob")).findFirst()
        .orElseThrow(() -> new AssertionError("no InvalidJob event: " + events));
    assertEquals("Warning", invalid.getType());
    assertTrue(invalid.getMessage().contains(code) && invalid.getMessage().contains(field), invalid.getMessage());

    // It stays so, and nothing was ever created for it.
    harness.awaitJob(name, j -> j.getStatus().getStatus() == JobState.ERROR);
    assertEquals(List.of(), harness.tasks(name));
    assertTrue(harness.cluster.posts(MockCluster.OPERATOR_AGENT, "jobtasks").keySet().stream()
        .noneMatch(task -> task.startsWith(name + "-")));
    org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> harness.tasks(name).isEmpty());
  }
}
