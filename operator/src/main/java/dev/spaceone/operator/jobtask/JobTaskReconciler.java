package dev.spaceone.operator.jobtask;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.event.EventRecorder;
import dev.spaceone.operator.metrics.OperatorMetrics;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.status.StatusRecorder;
import dev.spaceone.operator.status.Timestamps;
import dev.spaceone.operator.desired.JobDivider;
import dev.spaceone.operator.desired.PluginPortPolicy;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.desired.TaskNames;
import dev.spaceone.operator.desired.TaskPodBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task: starts its pod when the Job's parallelism allows, follows it, records the plugin's result
 * by the contract, retries failed attempts with backoff, and stops the pod when the Job is canceled or
 * out of time. Every step reads the world (task, pods, Job) and is safe to repeat.
 */
@ControllerConfiguration(name = JobTaskReconciler.NAME, generationAwareEventProcessing = false)
public class JobTaskReconciler implements Reconciler<JobTask>, AutoCloseable {
  public static final String NAME = "jobtask";
  static final String BY_JOB = "by-job";
  private static final String BY_TASK = "by-task";
  private static final Logger LOG = LoggerFactory.getLogger(JobTaskReconciler.class);
  /**
   * How long a pod runs before its task is recorded IN_PROGRESS. Collector tasks run for minutes and show
   * IN_PROGRESS after this delay; one that ends sooner is written once, with its result.
   */
  static final Duration IN_PROGRESS_AFTER = Duration.ofSeconds(2);

  private final OperatorSettings settings;
  private final StatusRecorder statusRecorder;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final PluginPortPolicy portPolicy;
  private final TaskWakeups wakeups = new TaskWakeups();
  /** Each Job's admission, by the Job's uid, so that a later Job of the same name starts afresh. */
  private final Map<String, Admission> admissions = new ConcurrentHashMap<>();
  private final FirstSeenRunning seenRunning = new FirstSeenRunning();
  private IndexedResourceCache<JobTask> tasks;
  private InformerEventSource<Pod, JobTask> podInformer;
  private InformerEventSource<Job, JobTask> jobInformer;
  private OrphanPodReleaser orphanPodReleaser;

  public JobTaskReconciler(OperatorSettings settings, StatusRecorder statusRecorder, EventRecorder events,
      OperatorMetrics metrics, Clock clock, PluginPortPolicy portPolicy) {
    this.settings = settings;
    this.portPolicy = portPolicy;
    this.statusRecorder = statusRecorder;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, JobTask>> prepareEventSources(EventSourceContext<JobTask> context) {
    context.getPrimaryCache().addIndexer(BY_JOB, task -> List.of(jobKey(task.getMetadata().getNamespace(),
        task.getSpec().getJobName())));
    tasks = context.getPrimaryCache();
    metrics.watchTasks(() -> tasks.list().toList());
    orphanPodReleaser = new OrphanPodReleaser(context.getClient(), tasks);
    podInformer = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, JobTask.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(orphanPodReleaser)
        .build(), context);
    podInformer.addIndexers(Map.of(BY_TASK, pod -> pod.getMetadata().getOwnerReferences().stream()
        .filter(ref -> HasMetadata.getKind(JobTask.class).equals(ref.getKind()))
        .map(ref -> pod.getMetadata().getNamespace() + "/" + ref.getName()).toList()));
    // A Job's spec changes (cancel, suspend, parallelism) concern all its tasks; its status changes do not.
    jobInformer = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, JobTask.class)
        .withSecondaryToPrimaryMapper(job -> tasks.byIndex(BY_JOB,
                jobKey(job.getMetadata().getNamespace(), job.getMetadata().getName())).stream()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<JobTask>) task ->
            Set.of(new ResourceID(task.getSpec().getJobName(), task.getMetadata().getNamespace())))
        .withOnUpdateFilter((updated, old) ->
            !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
        .build(), context);
    return List.of(podInformer, jobInformer, wakeups);
  }

  @Override
  public UpdateControl<JobTask> reconcile(JobTask task, Context<JobTask> context) {
    Instant now = clock.instant();
    // The Job of this task's owner reference, not a later Job that reuses its name. Looked up by name, not as a
    // secondary resource: those come as a Set, which would hash the Job's whole spec on every task's reconcile.
    Optional<Job> job = jobInformer.get(new ResourceID(task.getSpec().getJobName(), task.getMetadata().getNamespace()))
        .filter(j -> JobDivider.isTaskOf(task, j));
    // Pods are found by their owner's name; only those this task controls, by uid, are its attempts.
    Map<Boolean, List<Pod>> byOwner = podsNamedFor(task).stream()
        .collect(Collectors.partitioningBy(p -> TaskPodBuilder.isPodOf(p, task)));
    byOwner.get(false).forEach(p -> removeEarlierTasksPod(task, p, context));
    Map<Integer, Pod> pods = podsByAttempt(task, byOwner.get(true));
    JobTaskStatus status = task.getStatus();
    if (TaskState.of(status).isFinished()) {
      pods.values().forEach(pod -> release(pod, context));
      job.ifPresent(j -> wakeAdmitted(task, j));
      return UpdateControl.noUpdate();
    }
    if (job.isEmpty()) {
      task.getMetadata().getOwnerReferences().forEach(ref -> admissions.remove(ref.getUid()));
      // The Job is gone and its deletion removes this task: a pod already being deleted is let go at once,
      // since there is no Job left to record its result in and deletion never waits for the operator.
      pods.values().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
          .forEach(p -> release(p, context));
      return UpdateControl.noUpdate();
    }
    admission(job.get()).unfinished(task.getSpec().getIndex());
    int attempt = Math.max(pods.keySet().stream().mapToInt(Integer::intValue).max().orElse(0),
        status == null ? 0 : status.getAttempts());
    Pod pod = pods.get(attempt);
    String podName = TaskNames.pod(task.getMetadata().getName(), attempt);
    Optional<AttemptOutcome> outcome = pod == null ? Optional.empty() : PodOutcomes.of(pod, now);

    Optional<Stop> stop = Stop.of(job.get(), now);
    // A finished attempt is recorded first, so the counts it collected are kept; a failed attempt already
    // recorded, waiting to be retried, is not retried.
    boolean awaitingRetry = outcome.isPresent() && outcome.get().retryable() && TaskStatusTransitions.recorded(status, podName);
    if (stop.isPresent() && (outcome.isEmpty() || awaitingRetry)) {
      return stopTask(task, pods, outcome.isEmpty() ? pod : null, stop.get(), now, context);
    }
    if (pod == null) {
      if (attempt == 0) {
        return start(task, job.get(), 1, now, context);
      }
      outcome = Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.POD_DELETED,
          "the pod " + podName + " disappeared before its result was read", null));
    } else if (outcome.isEmpty()) {
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        return follow(task, pod, attempt, job.get(), now);
      }
      // Being deleted, its plugin not yet stopped: the attempt still runs and holds its parallelism slot (the
      // task stays unfinished); the kubelet's status update of the stopped container reconciles it again.
      LOG.debug("task {}/{}: waiting for the deleted pod {} to stop", task.getMetadata().getNamespace(),
          task.getMetadata().getName(), podName);
      return untilSettled(pod, job.get(), now);
    }
    return afterAttempt(task, job.get(), pods, attempt, podName, outcome.get(), now, context);
  }

  /** Why a task is stopped from outside. */
  private record Stop(TaskState state, String errorCode, String reason, String message) {
    static Optional<Stop> of(Job job, Instant now) {
      if (Boolean.TRUE.equals(job.getSpec().getCancel())) {
        return Optional.of(new Stop(TaskState.CANCELED, ErrorCodes.COLLECT_CANCELED, "Canceled",
            "the Job was canceled"));
      }
      Instant deadline = jobDeadline(job);
      if (deadline != null && !now.isBefore(deadline)) {
        return Optional.of(new Stop(TaskState.TIMEOUT, ErrorCodes.JOB_TIMEOUT, "DeadlineExceeded",
            "the Job ran longer than activeDeadlineSeconds (" + job.getSpec().getActiveDeadlineSeconds() + "s)"));
      }
      return Optional.empty();
    }
  }

  private UpdateControl<JobTask> start(JobTask task, Job job, int attempt, Instant now, Context<JobTask> context) {
    if (Boolean.TRUE.equals(job.getSpec().getSuspend()) || Stop.of(job, now).isPresent()) {
      return untilJobDeadline(job, now);
    }
    if (attempt == 1 && !admission(job).admitted(task.getSpec().getIndex(), parallelism(job))) {
      return untilAdmissionRecheck(job, now);
    }
    Pod pod = TaskPodBuilder.build(task, attempt, settings.runner());
    if (task.getSpec().getPlugin().isGrpc()) {
      portPolicy.ensure(context.getClient(), task.getMetadata().getNamespace());
    }
    try {
      Pod created = context.getClient().resource(pod).create();
      metrics.podCreated();
      podInformer.handleRecentResourceCreate(ResourceID.fromResource(created), created);
      LOG.debug("task {}/{}: created pod {}", task.getMetadata().getNamespace(), task.getMetadata().getName(),
          pod.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    return untilJobDeadline(job, now);
  }

  /**
   * The pod has not ended: once it has been seen running for {@link #IN_PROGRESS_AFTER}, the task is IN_PROGRESS
   * with it. A pod that ends sooner takes its task straight to the final status: one status write, not two.
   */
  private UpdateControl<JobTask> follow(JobTask task, Pod pod, int attempt, Job job, Instant now) {
    JobTaskStatus status = task.getStatus();
    boolean running = pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    boolean recorded = TaskState.of(status) == TaskState.IN_PROGRESS
        && pod.getMetadata().getName().equals(status.getPodName());
    if (running && !recorded) {
      Instant due = seenRunning.firstSeen(pod, now).plus(IN_PROGRESS_AFTER);
      if (now.isBefore(due)) {
        Instant deadline = jobDeadline(job);
        return UpdateControl.<JobTask>noUpdate().rescheduleAfter(
            Duration.between(now, deadline != null && deadline.isBefore(due) ? deadline : due));
      }
      Instant started = PodOutcomes.startedAt(pod).orElse(now);
      statusRecorder.record(task, TaskStatusTransitions.running(TaskStatusTransitions.startedAt(status, started),
          pod.getMetadata().getName(), attempt, now));
      seenRunning.forget(pod);
    }
    return untilJobDeadline(job, now);
  }

  private UpdateControl<JobTask> afterAttempt(JobTask task, Job job, Map<Integer, Pod> pods, int attempt,
      String podName, AttemptOutcome outcome, Instant now, Context<JobTask> context) {
    JobTaskStatus status = task.getStatus();
    int allowedAttempts = 1 + (task.getSpec().getBackoffLimit() == null ? 0 : task.getSpec().getBackoffLimit());
    Pod pod = pods.get(attempt);
    if (outcome.retryable() && attempt < allowedAttempts) {
      // The backoff counts from when the attempt ended; when the pod cannot say (it was deleted), from when
      // its failure was recorded, which is the status' updatedAt on every later reconcile: a fixed instant.
      Instant failedAt = outcome.finishedAt();
      if (!TaskStatusTransitions.recorded(status, podName)) {
        if (statusRecorder.record(task, TaskStatusTransitions.attemptFailed(status, podName, attempt, outcome, now)) == null) {
          return UpdateControl.noUpdate();
        }
        events.warning(task, "AttemptFailed", "Attempt " + attempt + " failed (" + outcome.errorCode() + "): "
            + outcome.errorMessage() + "; " + (allowedAttempts - attempt) + " retries left");
      } else if (failedAt == null && status.getUpdatedAt() != null) {
        failedAt = Timestamps.parse(status.getUpdatedAt());
      }
      if (pod != null) {
        release(pod, context);
      }
      if (Stop.of(job, now).isPresent()) {
        // Not retried: the write above reconciles this task again, which then stops it.
        return UpdateControl.noUpdate();
      }
      Instant due = (failedAt == null ? now : failedAt).plus(settings.retryDelay(attempt));
      if (now.isBefore(due)) {
        return UpdateControl.<JobTask>noUpdate().rescheduleAfter(Duration.between(now, due));
      }
      return start(task, job, attempt + 1, now, context);
    }
    JobTaskStatus started = pod == null ? status
        : TaskStatusTransitions.startedAt(status, PodOutcomes.startedAt(pod).orElse(now));
    JobTaskStatus finished = TaskStatusTransitions.finished(started, podName, attempt, outcome, now);
    String reason = switch (outcome.state()) {
      case SUCCESS -> "Succeeded";
      case TIMEOUT -> "TimedOut";
      default -> "Failed";
    };
    String message = outcome.state() == TaskState.SUCCESS
        ? "Created " + finished.getCreatedCount() + ", updated " + finished.getUpdatedCount() + ", deleted "
            + finished.getDeletedCount() + " (attempt " + attempt + ")"
        : outcome.errorCode() + ": " + outcome.errorMessage();
    finish(task, finished, reason, message, pods, context);
    return UpdateControl.noUpdate();
  }

  private UpdateControl<JobTask> stopTask(JobTask task, Map<Integer, Pod> pods, Pod running, Stop stop,
      Instant now, Context<JobTask> context) {
    if (running != null && running.getMetadata().getDeletionTimestamp() == null) {
      try {
        context.getClient().resource(running).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
      }
    }
    finish(task, TaskStatusTransitions.stopped(task.getStatus(), stop.state(), stop.errorCode(), stop.message(), now),
        stop.reason(), stop.message(), pods, context);
    return UpdateControl.noUpdate();
  }

  /**
   * Records a final status, then lets the task's pods go: their results are now in the status. A task's own
   * Event tells a failure, and an end that follows a failed attempt; a plain success is told by the task's
   * status and by its Job's aggregated Events (an Event per task would double the writes of a 10,000-task Job).
   */
  private void finish(JobTask task, JobTaskStatus status, String reason, String message, Map<Integer, Pod> pods,
      Context<JobTask> context) {
    if (statusRecorder.record(task, status) == null) {
      return;
    }
    boolean failedBefore = task.getStatus() != null && task.getStatus().getErrors() != null
        && !task.getStatus().getErrors().isEmpty();
    if (status.getStatus() != TaskState.SUCCESS && status.getStatus() != TaskState.CANCELED) {
      events.warning(task, reason, message);
    } else if (failedBefore) {
      events.normal(task, reason, message);
    }
    Instant started = Timestamps.parse(status.getStartedAt());
    metrics.taskFinished(status, started == null ? null
        : Duration.between(started, Timestamps.parse(status.getFinishedAt())));
    LOG.debug("task {}/{}: {}", task.getMetadata().getNamespace(), task.getMetadata().getName(), status.getStatus());
    pods.values().forEach(pod -> release(pod, context));
  }

  /**
   * Releases a judged pod's finalizer (stopping it if its runner may still start) and tells the pod cache at once,
   * so the next reconcile does not again.
   */
  private void release(Pod pod, Context<JobTask> context) {
    seenRunning.forget(pod);
    PodFinalizers.stopIfMayStillRun(context.getClient(), pod);
    Pod released = PodFinalizers.release(context.getClient(), pod);
    if (released != null) {
      podInformer.handleRecentResourceUpdate(ResourceID.fromResource(released), released, pod);
    }
  }

  /** Counts a finished task in its Job's admission and wakes the waiting tasks its end lets start. */
  private void wakeAdmitted(JobTask task, Job job) {
    for (int index : admission(job).finished(task.getSpec().getIndex(), parallelism(job))) {
      wakeups.wake(new ResourceID(TaskNames.task(job.getMetadata().getName(), index),
          job.getMetadata().getNamespace()));
    }
  }

  private Admission admission(Job job) {
    return admissions.computeIfAbsent(job.getMetadata().getUid(), uid -> new Admission(parallelism(job)));
  }

  private static int parallelism(Job job) {
    Integer parallelism = job.getSpec().getParallelism();
    return parallelism == null ? JobSpec.DEFAULT_PARALLELISM : parallelism;
  }

  /** Wakes up when a deleted pod whose node stays silent cannot run anymore, or at the Job's deadline. */
  private static UpdateControl<JobTask> untilSettled(Pod pod, Job job, Instant now) {
    Optional<Instant> settled = PodOutcomes.settledBy(pod);
    Instant deadline = jobDeadline(job);
    if (settled.isPresent() && (deadline == null || settled.get().isBefore(deadline))) {
      return UpdateControl.<JobTask>noUpdate().rescheduleAfter(
          Duration.between(now, settled.get()).plusMillis(1));
    }
    return untilJobDeadline(job, now);
  }

  /** A waiting task is woken by a finishing sibling, and looks again by itself in case that wake-up is lost. */
  private static UpdateControl<JobTask> untilAdmissionRecheck(Job job, Instant now) {
    Instant deadline = jobDeadline(job);
    Instant recheck = now.plus(Admission.RECHECK);
    return UpdateControl.<JobTask>noUpdate().rescheduleAfter(Duration.between(now,
        deadline != null && deadline.isBefore(recheck) ? deadline : recheck));
  }

  /** Tasks wake up at the Job's deadline by themselves: no event would tell them. */
  private static UpdateControl<JobTask> untilJobDeadline(Job job, Instant now) {
    Instant deadline = jobDeadline(job);
    return deadline == null || !now.isBefore(deadline) ? UpdateControl.noUpdate()
        : UpdateControl.<JobTask>noUpdate().rescheduleAfter(Duration.between(now, deadline));
  }

  /** A Job's deadline counts from its creation, so every reconciler computes the same instant. */
  static Instant jobDeadline(Job job) {
    Long seconds = job.getSpec().getActiveDeadlineSeconds();
    return seconds == null ? null : Instant.parse(job.getMetadata().getCreationTimestamp()).plusSeconds(seconds);
  }

  /**
   * A pod of an earlier task of this name (deleted and created again while its pod remained): its result is not
   * this task's, and nobody is left to record it. It is let go and deleted (as the garbage collector would, since
   * its owner is gone); this task's pod of the same name is created once it is gone, whose deletion event
   * reconciles this task again.
   */
  private void removeEarlierTasksPod(JobTask task, Pod pod, Context<JobTask> context) {
    if (PodFinalizers.holds(pod)) {
      release(pod, context);
    }
    if (pod.getMetadata().getDeletionTimestamp() == null) {
      LOG.info("task {}/{}: deleting pod {} of an earlier task of this name", task.getMetadata().getNamespace(),
          task.getMetadata().getName(), pod.getMetadata().getName());
      try {
        context.getClient().resource(pod).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  /**
   * The pods whose owner reference names this task: those the informer holds, and the attempts' pods this process
   * created or changed a moment ago (JOSDK's recent-operation cache, which {@code get} reads first), by name.
   */
  private List<Pod> podsNamedFor(JobTask task) {
    String namespace = task.getMetadata().getNamespace();
    String name = task.getMetadata().getName();
    Set<String> names = new TreeSet<>();
    podInformer.byIndex(BY_TASK, namespace + "/" + name).forEach(p -> names.add(p.getMetadata().getName()));
    int attempts = task.getStatus() == null ? 0 : task.getStatus().getAttempts();
    for (int attempt = 1; attempt <= attempts + 1; attempt++) {
      names.add(TaskNames.pod(name, attempt));
    }
    List<Pod> found = new ArrayList<>();
    for (String podName : names) {
      podInformer.get(new ResourceID(podName, namespace)).filter(p -> p.getMetadata().getOwnerReferences().stream()
          .anyMatch(ref -> name.equals(ref.getName()))).ifPresent(found::add);
    }
    return found;
  }

  private static Map<Integer, Pod> podsByAttempt(JobTask task, List<Pod> pods) {
    Map<Integer, Pod> byAttempt = new HashMap<>();
    for (Pod pod : pods) {
      int attempt = TaskNames.attemptOf(task.getMetadata().getName(), pod.getMetadata().getName());
      if (attempt > 0) {
        byAttempt.put(attempt, pod);
      }
    }
    return byAttempt;
  }

  private static String jobKey(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }

  /** The wake-ups event source, so that a test can lose every wake-up. */
  TaskWakeups wakeups() {
    return wakeups;
  }

  @Override
  public void close() {
    if (orphanPodReleaser != null) {
      orphanPodReleaser.close();
    }
  }
}
