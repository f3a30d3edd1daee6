package dev.spaceone.operator.metrics;

import dev.spaceone.contract.ResultCount;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.ResultCounts;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/** The product's own metrics, beside JOSDK's reconcile metrics. */
public class OperatorMetrics {
  /** The counter of {@link ResultCount}s, tagged {@code kind=<word>}. */
  public static final String RESULT_COUNT = "spaceone.task.result.count";
  private final MeterRegistry registry;
  private final Counter podCreations;
  private final Timer taskDuration;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.podCreations = Counter.builder("spaceone.task.pod.creations")
        .description("Task pods created, retries included").register(registry);
    this.taskDuration = Timer.builder("spaceone.task.duration")
        .description("Time from a task's first pod start to its final status")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(6))
        .register(registry);
  }

  /** Gauges of tasks by status, read from the operator's cache when scraped. */
  public void watchTasks(Supplier<Collection<JobTask>> tasks) {
    for (TaskState state : TaskState.values()) {
      Gauge.builder("spaceone.tasks", tasks,
              all -> all.get().stream().filter(t -> TaskState.of(t.getStatus()) == state).count())
          .description("JobTasks by status").tag("status", state.name())
          // A gauge holds its state weakly by default: the supplier lambda, referenced nowhere else, would be
          // collected and the gauge would read NaN.
          .strongReference(true)
          .register(registry);
    }
  }

  public void podCreated() {
    podCreations.increment();
  }

  /** Records a task that reached its final status. */
  public void taskFinished(JobTaskStatus status, Duration duration) {
    if (duration != null) {
      taskDuration.record(duration);
    }
    for (ResultCount count : ResultCount.values()) {
      Counter.builder(RESULT_COUNT).description("Result counts plugins reported").tag("kind", count.word())
          .register(registry).increment(ResultCounts.get(status, count));
    }
  }
}
