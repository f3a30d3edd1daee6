package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code kubectl describe} tells a Job's and a task's story through Events. */
class EventsTest {
  private static final String SECRET_VALUE = "s3cr3t-value-never-shown";
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(OperatorHarness::scripted);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private List<String> awaitReasons(String kind, String name, List<String> expected) {
    try {
      harness.awaitThat(() -> harness.eventReasons(kind, name).containsAll(expected));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(kind + " " + name + " has events " + harness.eventReasons(kind, name)
          + ", expected " + expected, e);
    }
    return harness.eventReasons(kind, name);
  }

  @Test
  void aSuccessfulJobAndItsTaskTellTheirStory() {
    harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName("cred").endMetadata().addToStringData("key", SECRET_VALUE).build()).create();
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: story
        spec:
          plugin:
            image: collector:1
          tasks:
            - secretRef: {name: cred}
              options: {runMs: 400, created: 3, updated: 1}
        """);
    harness.awaitJob("story", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);

    awaitReasons("Job", "story", List.of("TasksCreated", "Started", "Completed"));
    awaitReasons("JobTask", "story-0", List.of("Running", "Succeeded"));
    List<Event> jobEvents = harness.events("Job", "story");
    jobEvents.forEach(e -> assertEquals("Normal", e.getType(), e.getReason()));
    Event completed = jobEvents.stream().filter(e -> e.getReason().equals("Completed")).findFirst().orElseThrow();
    assertTrue(completed.getMessage().contains("created 3"), completed.getMessage());
    Event succeeded = harness.events("JobTask", "story-0").stream().filter(e -> e.getReason().equals("Succeeded"))
        .findFirst().orElseThrow();
    assertTrue(succeeded.getMessage().contains("Created 3"), succeeded.getMessage());
    assertEquals("spaceone.dev/v1alpha1", succeeded.getInvolvedObject().getApiVersion());
    assertEquals(harness.task("story-0").getMetadata().getUid(), succeeded.getInvolvedObject().getUid());
    assertEquals("spaceone-job-operator", succeeded.getSource().getComponent());
    // Each transition is told once.
    assertEquals(1, harness.eventReasons("Job", "story").stream().filter("Completed"::equals).count());
    assertEquals(1, harness.eventReasons("JobTask", "story-0").stream().filter("Succeeded"::equals).count());
    harness.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list().getItems()
        .forEach(e -> assertFalse(e.getMessage().contains(SECRET_VALUE), e.getMessage()));
  }

  @Test
  void aFailedTaskAndJobAreWarnings() {
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: sad
        spec:
          plugin:
            image: collector:1
          tasks:
            - options: {runMs: 300, created: 1}
            - options: {runMs: 300, exit: 4, result: "quota exceeded"}
        """);
    harness.awaitJob("sad", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.FAILURE);

    awaitReasons("Job", "sad", List.of("TasksCreated", "Started", "Failed"));
    awaitReasons("JobTask", "sad-1", List.of("Running", "Failed"));
    awaitReasons("JobTask", "sad-0", List.of("Running", "Succeeded"));
    Event failed = harness.events("JobTask", "sad-1").stream().filter(e -> e.getReason().equals("Failed"))
        .findFirst().orElseThrow();
    assertEquals("Warning", failed.getType());
    assertTrue(failed.getMessage().contains("ERROR_COLLECTOR_PLUGIN") && failed.getMessage().contains("quota exceeded"),
        failed.getMessage());
    Event jobFailed = harness.events("Job", "sad").stream().filter(e -> e.getReason().equals("Failed"))
        .findFirst().orElseThrow();
    assertEquals("Warning", jobFailed.getType());
    assertTrue(jobFailed.getMessage().contains("1 of 2 tasks failed"), jobFailed.getMessage());
  }
}
