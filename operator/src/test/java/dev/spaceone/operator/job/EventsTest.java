package dev.spaceone.operator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl describe} tells a Job's and a task's story through Events: the Job's transitions and progress,
 * a task's failures. A task that simply succeeded tells it by its status, not by an Event.
 */
class EventsTest {
  private static final String SECRET_VALUE = "s3cr3t-value-never-shown";
  @RegisterExtension
  final OperatorHarness harness = new OperatorHarness(OperatorHarness::scripted);

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

    awaitReasons("Job", "story", List.of("TasksCreated", "Completed"));
    List<Event> jobEvents = harness.events("Job", "story");
    jobEvents.forEach(e -> assertEquals("Normal", e.getType(), e.getReason()));
    Event completed = jobEvents.stream().filter(e -> e.getReason().equals("Completed")).findFirst().orElseThrow();
    assertTrue(completed.getMessage().contains("created 3"), completed.getMessage());
    assertEquals("spaceone.dev/v1alpha1", completed.getInvolvedObject().getApiVersion());
    assertEquals(harness.job("story").getMetadata().getUid(), completed.getInvolvedObject().getUid());
    assertEquals("spaceone-job-operator", completed.getSource().getComponent());
    // Each transition is told once; the task's success is in its status.
    assertEquals(1, harness.eventReasons("Job", "story").stream().filter("Completed"::equals).count());
    assertEquals(List.of(), harness.eventReasons("JobTask", "story-0"));
    assertEquals(3, harness.task("story-0").getStatus().getCreatedCount());
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

    awaitReasons("Job", "sad", List.of("TasksCreated", "Failed"));
    awaitReasons("JobTask", "sad-1", List.of("Failed"));
    assertEquals(List.of(), harness.eventReasons("JobTask", "sad-0"));
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

  @Test
  void aLargeJobTellsItsProgressByTenths() {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      tasks.append("    - options: {runMs: ").append(100 + 50 * i).append(", created: 1}\n");
    }
    harness.create("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: big
        spec:
          plugin:
            image: collector:1
          parallelism: 20
          tasks:
        """ + tasks);
    harness.awaitJob("big", j -> j.getStatus() != null && j.getStatus().getStatus() == JobState.SUCCESS);
    awaitReasons("Job", "big", List.of("TasksCreated", "Progress", "Completed"));
    List<Event> progress = harness.events("Job", "big").stream().filter(e -> e.getReason().equals("Progress"))
        .toList();
    // At most one per tenth (9, since the tenth tenth is the Completed Event), however the finishes are batched.
    assertTrue(progress.size() <= 9, progress.toString());
    progress.forEach(e -> assertTrue(e.getMessage().matches("Finished \\d+ of 20 tasks: \\d+ succeeded, 0 failed, 0 canceled"),
        e.getMessage()));
    for (int i = 0; i < 20; i++) {
      assertEquals(List.of(), harness.eventReasons("JobTask", "big-" + i));
    }
  }
}
