package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobValidatorTest {
  private static final String VALID = """
      apiVersion: spaceone.dev/v1alpha1
      kind: Job
      metadata:
        name: ok
      spec:
        plugin:
          image: collector:1
        tasks:
          - options: {}
      """;

  private static Job job(String yaml) {
    return Serialization.unmarshal(yaml, Job.class);
  }

  /** The valid Job with {@code spec:}'s body replaced. */
  private static String withSpec(String spec) {
    return """
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: bad
        spec:
        """ + spec.indent(2);
  }

  private static final String PLUGIN_AND_TASK = """
      plugin:
        image: collector:1
      tasks:
        - options: {}
      """;

  private static final String GRPC_AND_TASK = """
      plugin:
        image: collector:1
        protocol: grpc
      tasks:
        - options: {}
      """;

  @Test
  void aCostAnalysisJobWithAGrpcPluginMayLeaveTheDivisionToThePlugin() {
    Job job = job(withSpec("""
        service: cost-analysis
        dataSourceId: ds-1
        plugin:
          image: plugin:1
          protocol: grpc
        sink:
          type: log
        plan:
          start: '2024-01'
        """));
    assertEquals(Optional.empty(), JobValidator.validate(job));
    assertTrue(job.getSpec().isPluginDivided());
  }

  static Stream<Arguments> invalidJobs() {
    return Stream.of(
        Arguments.of("missing image", withSpec("plugin: {}\ntasks:\n  - options: {}\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.plugin.image"),
        Arguments.of("blank image", withSpec("plugin:\n  image: \" \"\ntasks:\n  - options: {}\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.plugin.image"),
        Arguments.of("neither tasks nor selector", withSpec("plugin:\n  image: collector:1\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.tasks"),
        Arguments.of("empty tasks", withSpec("plugin:\n  image: collector:1\ntasks: []\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.tasks"),
        Arguments.of("parallelism 0", withSpec(PLUGIN_AND_TASK + "parallelism: 0\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.parallelism"),
        Arguments.of("parallelism 3001", withSpec(PLUGIN_AND_TASK + "parallelism: 3001\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.parallelism"),
        Arguments.of("backoffLimitPerTask 11", withSpec(PLUGIN_AND_TASK + "backoffLimitPerTask: 11\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.backoffLimitPerTask"),
        Arguments.of("negative backoffLimitPerTask", withSpec(PLUGIN_AND_TASK + "backoffLimitPerTask: -1\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.backoffLimitPerTask"),
        Arguments.of("taskTimeoutSeconds 0", withSpec(PLUGIN_AND_TASK + "taskTimeoutSeconds: 0\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.taskTimeoutSeconds"),
        Arguments.of("activeDeadlineSeconds 0", withSpec(PLUGIN_AND_TASK + "activeDeadlineSeconds: 0\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.activeDeadlineSeconds"),
        Arguments.of("negative ttl", withSpec(PLUGIN_AND_TASK + "ttlSecondsAfterFinished: -5\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.ttlSecondsAfterFinished"),
        Arguments.of("WORKSPACE without workspaceId", withSpec(PLUGIN_AND_TASK + "resourceGroup: WORKSPACE\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.workspaceId"),
        Arguments.of("port with the file protocol", withSpec("plugin:\n  image: c:1\n  port: 50051\ntasks:\n  - {}\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.plugin.port"),
        Arguments.of("sink with the file protocol", withSpec(PLUGIN_AND_TASK + "sink:\n  type: log\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.sink"),
        Arguments.of("postgres sink without secretRef", withSpec(GRPC_AND_TASK + "sink:\n  type: postgres\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.sink.secretRef"),
        Arguments.of("postgres sink on a cost-analysis Job", withSpec(GRPC_AND_TASK + "service: cost-analysis\n"
            + "dataSourceId: ds-1\nsink:\n  type: postgres\n  secretRef:\n    name: pg\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.sink"),
        Arguments.of("log sink with a secretRef", withSpec(GRPC_AND_TASK
            + "sink:\n  type: log\n  secretRef:\n    name: pg\n"), ErrorCodes.INVALID_PARAMETER, "spec.sink.secretRef"),
        Arguments.of("plan on an inventory Job", withSpec(GRPC_AND_TASK + "plan:\n  start: '2024-01'\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.plan"),
        Arguments.of("neither tasks nor selector with grpc inventory", withSpec("plugin:\n  image: c:1\n"
            + "  protocol: grpc\n"), ErrorCodes.INVALID_PARAMETER, "spec.tasks"),
        Arguments.of("cost-analysis without dataSourceId", withSpec(PLUGIN_AND_TASK + "service: cost-analysis\n"),
            ErrorCodes.INVALID_PARAMETER, "spec.dataSourceId"),
        Arguments.of("bad start month", withSpec("""
            plugin:
              image: collector:1
            tasks:
              - changed:
                  start: 2024-13
            """), ErrorCodes.INVALID_PARAMETER, "spec.tasks[0].changed.start"),
        Arguments.of("bad end month", withSpec("""
            plugin:
              image: collector:1
            tasks:
              - options: {}
              - changed:
                  end: "24-01"
            """), ErrorCodes.INVALID_PARAMETER, "spec.tasks[1].changed.end"),
        Arguments.of("start after end", withSpec("""
            plugin:
              image: collector:1
            tasks:
              - changed:
                  start: 2024-06
                  end: 2024-01
            """), ErrorCodes.INVALID_PARAMETER, "spec.tasks[0].changed"),
        Arguments.of("secretRef without name", withSpec("""
            plugin:
              image: collector:1
            tasks:
              - secretRef: {}
            """), ErrorCodes.INVALID_PARAMETER, "spec.tasks[0].secretRef.name"),
        Arguments.of("selector operator unknown", withSpec("""
            plugin:
              image: collector:1
            secretSelector:
              matchExpressions:
                - key: a
                  operator: Equals
                  values: [x]
            """), ErrorCodes.INVALID_PARAMETER, "spec.secretSelector.matchExpressions[0].operator"),
        Arguments.of("selector In without values", withSpec("""
            plugin:
              image: collector:1
            secretSelector:
              matchExpressions:
                - key: a
                  operator: In
            """), ErrorCodes.INVALID_PARAMETER, "spec.secretSelector.matchExpressions[0].values"),
        Arguments.of("selector without key", withSpec("""
            plugin:
              image: collector:1
            secretSelector:
              matchExpressions:
                - operator: Exists
            """), ErrorCodes.INVALID_PARAMETER, "spec.secretSelector.matchExpressions[0].key"),
        Arguments.of("name too long", VALID.replace("name: ok", "name: " + "n".repeat(Job.MAX_NAME_LENGTH + 1)),
            ErrorCodes.INVALID_PARAMETER, "metadata.name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJobs")
  void invalidJobIsRejectedNamingTheField(String kind, String yaml, String code, String field) {
    Optional<JobError> error = JobValidator.validate(job(yaml));
    assertTrue(error.isPresent(), kind + " must be rejected");
    assertEquals(code, error.get().code());
    assertTrue(error.get().message().startsWith(field + ": "), kind + ": " + error.get().message());
  }

  @Test
  void validJobsPass() {
    assertEquals(Optional.empty(), JobValidator.validate(job(VALID)));
    assertEquals(Optional.empty(), JobValidator.validate(job(withSpec("""
        service: cost-analysis
        dataSourceId: ds-1
        resourceGroup: WORKSPACE
        workspaceId: ws-1
        parallelism: 3000
        backoffLimitPerTask: 10
        taskTimeoutSeconds: 1
        activeDeadlineSeconds: 1
        ttlSecondsAfterFinished: 0
        plugin:
          image: collector:1
        tasks:
          - changed:
              start: 2024-01
              end: 2024-01
        secretSelector:
          matchExpressions:
            - key: a
              operator: Exists
            - key: b
              operator: NotIn
              values: [x]
        """))));
    String longest = VALID.replace("name: ok", "name: " + "n".repeat(Job.MAX_NAME_LENGTH));
    assertEquals(Optional.empty(), JobValidator.validate(job(longest)));
  }

  @Test
  void tooManyTasksHasItsOwnCode() {
    StringBuilder yaml = new StringBuilder(withSpec("plugin:\n  image: collector:1\ntasks:\n"));
    for (int i = 0; i <= 10_000; i++) {
      yaml.append("  - {}\n");
    }
    Optional<JobError> error = JobValidator.validate(job(yaml.toString()));
    assertEquals(ErrorCodes.TOO_MANY_TASKS, error.orElseThrow().code());
    assertTrue(error.get().message().startsWith("spec.tasks: "), error.get().message());
  }
}
