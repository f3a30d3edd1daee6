package dev.spaceone.operator.jobtask;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * Reconciles waiting tasks again when a sibling finished and a parallelism slot may have opened. It carries
 * no state: a wake-up lost to a restart is made up by the full reconcile every task gets at start-up.
 */
public class TaskWakeups extends AbstractEventSource<Void, JobTask> {
  public TaskWakeups() {
    super(Void.class, "task-wakeups");
  }

  public void wake(ResourceID task) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(task));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(JobTask primary) {
    return Set.of();
  }
}
