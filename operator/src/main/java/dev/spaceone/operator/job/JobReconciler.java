package dev.spaceone.operator.job;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.PlanSource;
import dev.spaceone.operator.api.v1alpha1.PlanStatus;
import dev.spaceone.operator.api.v1alpha1.SyncedAccount;
import dev.spaceone.operator.api.v1alpha1.TaskTemplate;
import dev.spaceone.operator.event.EventRecorder;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.status.StatusRecorder;
import dev.spaceone.operator.status.Timestamps;
import dev.spaceone.operator.desired.JobDivider;
import dev.spaceone.operator.jobtask.AttemptOutcome;
import dev.spaceone.operator.jobtask.PodFinalizers;
import dev.spaceone.operator.jobtask.PodOutcomes;
import dev.spaceone.operator.plan.Plan;
import dev.spaceone.operator.plan.PlanReader;
import dev.spaceone.operator.desired.PluginPortPolicy;
import dev.spaceone.operator.desired.TaskNames;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.operator.api.Labels;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes a Job and its tasks, validates it, divides it into JobTasks (all created up front, PENDING), and
 * derives its whole status from its tasks. Which tasks run, and when, is the JobTask reconciler's business.
 */
@ControllerConfiguration(name = JobReconciler.NAME)
public class JobReconciler implements Reconciler<Job>, AutoCloseable {
  public static final String NAME = "job";
  private static final String BY_JOB = "by-job";
  /**
   * Task creations in flight at once, over all Jobs. A create took about a second on a loaded API server in
   * {@code bench/run real}, where 8 in flight held a Job to about 8 new tasks a second.
   */
  static final int TASK_CREATORS = 32;
  private static final Logger LOG = LoggerFactory.getLogger(JobReconciler.class);

  private final OperatorSettings settings;
  private final StatusRecorder statusRecorder;
  private final EventRecorder events;
  private final Clock clock;
  private final ExecutorService taskCreators = Executors.newFixedThreadPool(TASK_CREATORS, runnable -> {
    Thread thread = new Thread(runnable, "task-creator");
    thread.setDaemon(true);
    return thread;
  });

  private final PluginPortPolicy portPolicy;

  public JobReconciler(OperatorSettings settings, StatusRecorder statusRecorder, EventRecorder events, Clock clock,
      PluginPortPolicy portPolicy) {
    this.settings = settings;
    this.portPolicy = portPolicy;
    this.statusRecorder = statusRecorder;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Job>> prepareEventSources(EventSourceContext<Job> context) {
    var tasks = new InformerEventSource<>(InformerEventSourceConfiguration.from(JobTask.class, Job.class)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Job.class))
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .build(), context);
    tasks.addIndexers(Map.of(BY_JOB, task -> List.of(jobKey(task.getMetadata().getNamespace(),
        task.getSpec().getJobName()))));
    return List.of(tasks,
        // Planning pods of the Jobs their plugin divides.
        new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, Job.class)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Job.class))
            .withLabelSelector(Labels.PLANNING_SELECTOR)
            .build(), context));
  }

  @Override
  public UpdateControl<Job> reconcile(Job job, Context<Job> context) {
    Instant now = clock.instant();
    JobStatus current = job.getStatus();
    if (current != null && current.getStatus() != null && current.getStatus().isFinished()) {
      return expireIfDue(job, now, context.getClient());
    }
    // Tasks are found by their owner's name; those of an earlier Job of the same name, still being
    // garbage-collected, are not this Job's: it waits for them to go rather than adopt their results.
    // Read through an index, not as secondary resources: those come as a Set, which hashes every task,
    // managed fields included, on every reconcile (a tenth of the operator's CPU in bench/run real).
    Map<Boolean, List<JobTask>> byOwner = taskCache(context).byIndex(BY_JOB,
            jobKey(job.getMetadata().getNamespace(), job.getMetadata().getName())).stream()
        .collect(Collectors.partitioningBy(task -> JobDivider.isTaskOf(task, job)));
    if (!byOwner.get(false).isEmpty()) {
      LOG.info("Job {}/{}: waiting for {} tasks of an earlier Job of this name to be deleted",
          job.getMetadata().getNamespace(), job.getMetadata().getName(), byOwner.get(false).size());
      return UpdateControl.<Job>noUpdate().rescheduleAfter(Duration.ofSeconds(2));
    }
    List<JobTask> tasks = byOwner.get(true);
    // The spec is judged before the Job starts; once its tasks run, an edit cannot take back their results.
    boolean started = current != null && current.getStatus() != null;
    Optional<JobError> error = started ? Optional.empty() : JobValidator.validate(job);
    if (error.isEmpty() && job.getSpec().isPluginDivided()) {
      return reconcilePlanned(job, tasks, now, context);
    }
    int totalTasks = current == null ? 0 : current.getTotalTasks();
    boolean divided = started && tasks.size() >= totalTasks;
    if (error.isEmpty() && !divided) {
      Division division = divide(job, tasks, context);
      if (division.error().isPresent() && started) {
        LOG.warn("Job {}/{}: cannot recreate its missing tasks: {}", job.getMetadata().getNamespace(),
            job.getMetadata().getName(), division.error().get().message());
      } else {
        error = division.error();
        totalTasks = division.totalTasks();
      }
    }
    JobStatus next = error.isPresent()
        ? JobStatusAggregator.error(job, error.get(), now)
        : JobStatusAggregator.aggregate(job, tasks, totalTasks, now);
    return write(job, next, now, context);
  }

  private record Division(int totalTasks, Optional<JobError> error) {
  }

  /**
   * A Job its plugin divides: a planning pod runs the plugin's Job.get_tasks; once it ended, the plan is read
   * from its log (checked against its result), one JobTask is created per planned task, and the plan is
   * recorded in the status; only then is the pod let go. Until the plan is recorded the pod holds a finalizer,
   * so after a restart the same plan is read again and the same tasks (deterministic names) are found, not
   * created twice; once recorded, a plan is never made again.
   */
  private UpdateControl<Job> reconcilePlanned(Job job, List<JobTask> tasks, Instant now, Context<Job> context) {
    KubernetesClient client = context.getClient();
    JobStatus current = job.getStatus();
    PlanStatus recorded = current == null ? null : current.getPlan();
    if (current != null && current.getPlanSecrets() != null) {
      return reconcilePlannedWithSeveral(job, tasks, current.getPlanSecrets(), now, context);
    }
    String jobName = job.getMetadata().getName();
    // The planning attempts' pods, by attempt; the last one decides.
    Map<Integer, Pod> attempts = context.getSecondaryResources(Pod.class).stream()
        .filter(p -> TaskNames.planningAttemptOf(jobName, p.getMetadata().getName()) > 0)
        .filter(p -> p.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> job.getMetadata().getUid().equals(ref.getUid())))
        .collect(Collectors.toMap(p -> TaskNames.planningAttemptOf(jobName, p.getMetadata().getName()), p -> p,
            (a, b) -> a));
    int attempt = attempts.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    Pod pod = attempts.get(attempt);
    PlanningAttempts.supersededBy(attempts, attempt).forEach(p -> release(p, context));
    if (recorded != null) {
      pod = attempts.values().stream().filter(p -> p.getMetadata().getName().equals(recorded.getPodName()))
          .findFirst().orElse(null);
      if (tasks.size() < recorded.getTasks()) {
        // Tasks of a recorded plan are missing (a restart cut their creation short): the pod still holds the plan.
        createMissingPlannedTasks(job, recorded, attempts.values(), tasks, context);
      } else if (pod != null) {
        release(pod, context);
      }
      return write(job, JobStatusAggregator.aggregate(job, tasks, recorded.getTasks(), now), now, context);
    }
    Optional<JobState> stop = planningStop(job, now);
    if (stop.isPresent()) {
      if (pod != null) {
        release(pod, context);
        deletePod(client, pod);
      }
      return write(job, JobStatusAggregator.ended(job, stop.get(), stoppedWhilePlanning(job, stop.get()), now), now,
          context);
    }
    if (pod == null) {
      if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        return write(job, JobStatusAggregator.aggregate(job, tasks, 0, now), now, context);
      }
      List<String> secrets;
      try {
        secrets = planningSecrets(job, context.getClient());
      } catch (IllegalArgumentException e) {
        return write(job, JobStatusAggregator.error(job, JobError.invalid("spec.secretSelector", e.getMessage()), now),
            now, context);
      }
      if (secrets.size() > 1) {
        // Fixed in the status before any pod, so that a restart plans with the same Secrets in the same order.
        JobStatus next = JobStatusAggregator.aggregate(job, tasks, 0, now);
        next.setPlanSecrets(secrets);
        return recordNow(job, next, now, context) == null ? UpdateControl.noUpdate()
            : UpdateControl.<Job>noUpdate().rescheduleAfter(Duration.ZERO);
      }
      createPlanningPod(job, secrets.isEmpty() ? null : secrets.get(0), TaskNames.planningPod(jobName, 1), false,
          context);
      return untilDeadline(job, write(job, JobStatusAggregator.aggregate(job, tasks, 0, now), now, context), now);
    }
    boolean succeeded = planned(pod);
    Optional<AttemptOutcome> failed = succeeded ? Optional.empty() : PlanningAttempts.outcome(pod, now);
    if (!succeeded && failed.isEmpty()) {
      return untilDeadline(job, write(job, JobStatusAggregator.aggregate(job, tasks, 0, now), now, context), now);
    }
    if (failed.isPresent()) {
      return afterFailedPlanning(job, tasks, pod, attempt, failed.get(), now, context);
    }
    PlanReader.Read read = readPlan(client, pod);
    if (read instanceof PlanReader.Invalid invalid) {
      LOG.info("Job {}/{}: the plugin did not plan it: {}", job.getMetadata().getNamespace(),
          job.getMetadata().getName(), invalid.message());
      UpdateControl<Job> control = write(job, JobStatusAggregator.ended(job, JobState.FAILURE,
          new JobError(invalid.errorCode(), invalid.message()), now), now, context);
      release(pod, context);
      return control;
    }
    Plan plan = ((PlanReader.Valid) read).plan();
    String secret = secretOf(pod);
    List<JobTask> desired = JobDivider.fromPlan(job, secret, plan.tasks());
    createAll(job, desired, tasks, context);
    PlanStatus planStatus = new PlanStatus();
    planStatus.setTasks(plan.tasks().size());
    planStatus.setSha256(plan.sha256());
    planStatus.setPodName(pod.getMetadata().getName());
    planStatus.setSecretName(secret);
    JobStatus next = JobStatusAggregator.aggregate(job, tasks, plan.tasks().size(),
        new JobStatusAggregator.Planned(planStatus, plan.changed(), plan.syncedAccounts()), now);
    if (recordNow(job, next, now, context) == null) {
      return UpdateControl.noUpdate();
    }
    events.normal(job, "Planned", "The plugin divided the Job into " + plan.tasks().size() + " tasks");
    if (plan.tasks().isEmpty() || tasks.size() + desired.size() >= plan.tasks().size()) {
      release(pod, context);
    }
    // The tasks' own events reconcile the Job from here on; a plan of no tasks is finished at once.
    return UpdateControl.<Job>noUpdate().rescheduleAfter(Duration.ZERO);
  }

  /**
   * A planning attempt failed (the plugin's error, a crash, a plugin that never served): retried like a task's
   * attempt (spec.backoffLimitPerTask, the operator's retry backoff counted from the attempt's end), with the
   * same Secret; when no attempt is left the Job ends ERROR with ERROR_GET_JOB_TASKS and the last attempt's code
   * and reason. Restart-safe: the attempts are the Job's pods {@code <job>-plan}, {@code <job>-plan-2}, ..., kept
   * (their finalizer released) until the Job goes.
   */
  private UpdateControl<Job> afterFailedPlanning(Job job, List<JobTask> tasks, Pod pod, int attempt,
      AttemptOutcome failed, Instant now, Context<Job> context) {
    int allowed = planningAttemptsAllowed(job);
    String why = attemptFailure(failed, attempt, allowed);
    boolean firstSeen = PodFinalizers.holds(pod, TaskPodBuilder.PLAN_FINALIZER);
    if (!failed.retryable() || attempt >= allowed) {
      LOG.info("Job {}/{}: the plugin did not plan it: {}", job.getMetadata().getNamespace(),
          job.getMetadata().getName(), why);
      UpdateControl<Job> control = write(job, JobStatusAggregator.ended(job, JobState.ERROR,
          new JobError(ErrorCodes.GET_JOB_TASKS, why), now), now, context);
      release(pod, context);
      return control;
    }
    if (firstSeen) {
      events.warning(job, "PlanningAttemptFailed", why + "; " + (allowed - attempt) + " retries left");
    }
    retire(pod, context);
    Instant due = failedAt(pod, failed).plus(settings.retryDelay(attempt));
    UpdateControl<Job> control = write(job, JobStatusAggregator.aggregate(job, tasks, 0, now), now, context);
    if (now.isBefore(due)) {
      Duration wait = Duration.between(now, due);
      Long seconds = job.getSpec().getActiveDeadlineSeconds();
      if (seconds != null) {
        Duration left = Duration.between(now, Instant.parse(job.getMetadata().getCreationTimestamp())
            .plusSeconds(seconds));
        wait = left.isNegative() ? Duration.ZERO : left.compareTo(wait) < 0 ? left : wait;
      }
      return control.rescheduleAfter(wait);
    }
    createPlanningPod(job, secretOf(pod), TaskNames.planningPod(job.getMetadata().getName(), attempt + 1), false,
        context);
    return untilDeadline(job, control, now);
  }

  /** Planning attempts per Secret: the first and spec.backoffLimitPerTask retries, as a task's. */
  private static int planningAttemptsAllowed(Job job) {
    Integer limit = job.getSpec().getBackoffLimitPerTask();
    return 1 + (limit == null ? 0 : limit);
  }

  private static String attemptFailure(AttemptOutcome failed, int attempt, int allowed) {
    return failed.errorCode() + ": " + failed.errorMessage() + " (planning attempt " + attempt + " of " + allowed + ")";
  }

  /** When a failed planning attempt ended: its container's end, else its pod's deletion or creation (fixed). */
  private static Instant failedAt(Pod pod, AttemptOutcome failed) {
    if (failed.finishedAt() != null) {
      return failed.finishedAt();
    }
    String fallback = pod.getMetadata().getDeletionTimestamp() != null ? pod.getMetadata().getDeletionTimestamp()
        : pod.getMetadata().getCreationTimestamp();
    Instant parsed = fallback == null ? null : Timestamps.parse(fallback);
    return parsed == null ? Instant.EPOCH : parsed;
  }

  /** The Secret a planning pod plans with, or null. */
  private static String secretOf(Pod pod) {
    return pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null && "secret".equals(v.getName()))
        .map(v -> v.getSecret().getSecretName()).findFirst().orElse(null);
  }

  /**
   * The Secrets a Job its plugin divides plans with, sorted by name: those its secretSelector matches (at least
   * one and at most {@value #MAX_PLAN_SECRETS}, else IllegalArgumentException), none without a selector.
   */
  /** status.planSecrets' schema limit. */
  static final int MAX_PLAN_SECRETS = 1000;

  private static List<String> planningSecrets(Job job, KubernetesClient client) {
    if (job.getSpec().getSecretSelector() == null) {
      return List.of();
    }
    String namespace = job.getMetadata().getNamespace();
    List<String> matched = SecretMetadata.list(client, namespace).stream()
        .filter(s -> SecretMetadata.matches(job.getSpec().getSecretSelector(), s.getLabels()))
        .map(ObjectMeta::getName).sorted().toList();
    if (matched.isEmpty() || matched.size() > MAX_PLAN_SECRETS) {
      throw new IllegalArgumentException("matches " + matched.size() + " Secrets in " + namespace
          + "; a Job its plugin divides plans with 1 to " + MAX_PLAN_SECRETS);
    }
    return matched;
  }

  /** Creates a planning pod (and the namespace's plugin port policy); one that exists already is left as it is. */
  private void createPlanningPod(Job job, String secret, String podName, boolean severalSecrets,
      Context<Job> context) {
    KubernetesClient client = context.getClient();
    Pod pod = TaskPodBuilder.buildPlanning(job, JobDivider.planning(job, secret, severalSecrets), settings.runner(),
        podName);
    portPolicy.ensure(client, job.getMetadata().getNamespace());
    try {
      Pod created = client.resource(pod).create();
      planningPods(context).handleRecentResourceCreate(ResourceID.fromResource(created), created);
      events.normal(job, "Planning", "Pod " + pod.getMetadata().getName() + " asks the plugin to divide the Job"
          + (secret == null ? "" : " with Secret " + secret));
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * Tasks of a recorded plan are missing (a restart cut their creation short): the plans are read again from
   * the planning pods that still hold them, checked against the recorded digests, and the missing tasks made.
   */
  private void createMissingPlannedTasks(Job job, PlanStatus recorded, Collection<Pod> pods, List<JobTask> existing,
      Context<Job> context) {
    List<PlanSource> sources = recorded.getSources() != null ? recorded.getSources() : List.of(singleSource(recorded));
    List<JobDivider.SecretPlan> plans = new ArrayList<>();
    List<Pod> holding = new ArrayList<>();
    for (PlanSource source : sources) {
      if (source.skipped()) {
        continue;
      }
      Pod pod = pods.stream().filter(p -> p.getMetadata().getName().equals(source.getPodName())).findFirst()
          .orElse(null);
      if (pod == null) {
        LOG.warn("Job {}/{}: {} of its {} planned tasks exist and planning pod {} is gone: the rest cannot be made",
            job.getMetadata().getNamespace(), job.getMetadata().getName(), existing.size(), recorded.getTasks(),
            source.getPodName());
        return;
      }
      PlanReader.Read read = readPlan(context.getClient(), pod);
      if (!(read instanceof PlanReader.Valid valid) || !valid.plan().sha256().equalsIgnoreCase(source.getSha256())) {
        LOG.warn("Job {}/{}: its plan cannot be read again from pod {}: {}", job.getMetadata().getNamespace(),
            job.getMetadata().getName(), pod.getMetadata().getName(),
            read instanceof PlanReader.Invalid invalid ? invalid.message() : "the plan changed");
        return;
      }
      plans.add(new JobDivider.SecretPlan(source.getSecretName(), valid.plan().tasks()));
      holding.add(pod);
    }
    createAll(job, JobDivider.fromPlans(job, plans, recorded.getSources() != null), existing, context);
    holding.forEach(pod -> release(pod, context));
  }

  private static PlanSource singleSource(PlanStatus plan) {
    PlanSource source = new PlanSource();
    source.setSecretName(plan.getSecretName());
    source.setPodName(plan.getPodName());
    source.setTasks(plan.getTasks());
    source.setSha256(plan.getSha256());
    return source;
  }

  /**
   * A Job its plugin divides with several Secrets (SpaceONE's USE_SERVICE_ACCOUNT_SECRET): one planning pod per
   * Secret of status.planSecrets ({@code <job>-plan-s<i>}, retried like the single Secret's), all at once. A
   * Secret whose planning fails after its retries, or whose plan does not match its digest, is skipped (a
   * Warning event, the SecretsSkipped condition, status.plan.sources); once every Secret planned or was skipped,
   * the plans are read, their tasks concatenated in Secret order (each with its Secret), changed and
   * synced_accounts concatenated, and only then the tasks created and the plan recorded. When every Secret was
   * skipped the Job ends ERROR with ERROR_GET_JOB_TASKS. Restart-safe as the single Secret's planning: pods by
   * name, plans kept under the finalizer until recorded.
   */
  private UpdateControl<Job> reconcilePlannedWithSeveral(Job job, List<JobTask> tasks, List<String> secrets,
      Instant now, Context<Job> context) {
    String jobName = job.getMetadata().getName();
    List<Pod> owned = context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> job.getMetadata().getUid().equals(ref.getUid())))
        .toList();
    // Each Secret's planning attempts' pods, by attempt; the last one decides.
    List<Map<Integer, Pod>> attempts = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      int source = i;
      attempts.add(owned.stream().filter(p -> TaskNames.planningAttemptOf(jobName, source, p.getMetadata().getName()) > 0)
          .collect(Collectors.toMap(p -> TaskNames.planningAttemptOf(jobName, source, p.getMetadata().getName()),
              p -> p, (a, b) -> a)));
    }
    PlanStatus recorded = job.getStatus().getPlan();
    if (recorded != null) {
      if (tasks.size() < recorded.getTasks()) {
        createMissingPlannedTasks(job, recorded, owned, tasks, context);
      } else {
        owned.forEach(pod -> release(pod, context));
      }
      return write(job, JobStatusAggregator.aggregate(job, tasks, recorded.getTasks(), now), now, context);
    }
    Optional<JobState> stop = planningStop(job, now);
    if (stop.isPresent()) {
      for (Pod pod : owned) {
        release(pod, context);
        if (!planned(pod) && PodOutcomes.of(pod, now).isEmpty()) {
          deletePod(context.getClient(), pod);
        }
      }
      return write(job, JobStatusAggregator.ended(job, stop.get(), stoppedWhilePlanning(job, stop.get()), now), now,
          context);
    }
    boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
    int allowed = planningAttemptsAllowed(job);
    boolean allEnded = true;
    Duration wait = null;
    Map<Integer, Pod> plannedPods = new TreeMap<>();
    Map<Integer, PlanSource> skipped = new TreeMap<>();
    for (int i = 0; i < secrets.size(); i++) {
      String secret = secrets.get(i);
      int attempt = attempts.get(i).keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
      Pod pod = attempts.get(i).get(attempt);
      PlanningAttempts.supersededBy(attempts.get(i), attempt).forEach(p -> release(p, context));
      if (pod == null) {
        allEnded = false;
        if (!suspended) {
          createPlanningPod(job, secret, TaskNames.planningPod(jobName, i, 1), true, context);
        }
        continue;
      }
      if (planned(pod)) {
        plannedPods.put(i, pod);
        continue;
      }
      Optional<AttemptOutcome> failed = PlanningAttempts.outcome(pod, now);
      if (failed.isEmpty()) {
        allEnded = false;
        continue;
      }
      String why = attemptFailure(failed.get(), attempt, allowed);
      boolean firstSeen = PodFinalizers.holds(pod, TaskPodBuilder.PLAN_FINALIZER);
      if (!failed.get().retryable() || attempt >= allowed) {
        skipped.put(i, skippedSource(secret, pod, failed.get().errorCode(), why));
        if (firstSeen) {
          events.warning(job, "PlanningSecretSkipped", "Secret " + secret + ": " + why
              + "; the other Secrets' tasks run");
        }
        release(pod, context);
        continue;
      }
      allEnded = false;
      if (firstSeen) {
        events.warning(job, "PlanningAttemptFailed", "Secret " + secret + ": " + why + "; "
            + (allowed - attempt) + " retries left");
      }
      retire(pod, context);
      Instant due = failedAt(pod, failed.get()).plus(settings.retryDelay(attempt));
      if (now.isBefore(due)) {
        Duration left = Duration.between(now, due);
        wait = wait == null || left.compareTo(wait) < 0 ? left : wait;
      } else if (!suspended) {
        createPlanningPod(job, secret, TaskNames.planningPod(jobName, i, attempt + 1), true, context);
      }
    }
    if (!allEnded) {
      UpdateControl<Job> control = write(job, JobStatusAggregator.aggregate(job, tasks, 0, now), now, context);
      return untilDeadline(job, wait == null ? control : control.rescheduleAfter(wait), now);
    }
    // Every Secret planned or was skipped: the plans are read, in Secret order.
    Map<Integer, Plan> plans = new TreeMap<>();
    for (Map.Entry<Integer, Pod> entry : plannedPods.entrySet()) {
      PlanReader.Read read = readPlan(context.getClient(), entry.getValue());
      if (read instanceof PlanReader.Valid valid) {
        plans.put(entry.getKey(), valid.plan());
      } else {
        PlanReader.Invalid invalid = (PlanReader.Invalid) read;
        String secret = secrets.get(entry.getKey());
        skipped.put(entry.getKey(), skippedSource(secret, entry.getValue(), invalid.errorCode(), invalid.message()));
        events.warning(job, "PlanningSecretSkipped", "Secret " + secret + ": " + invalid.errorCode() + ": "
            + invalid.message() + "; the other Secrets' tasks run");
        release(entry.getValue(), context);
      }
    }
    if (plans.isEmpty()) {
      String why = "the plugin could not plan with any of its " + secrets.size() + " Secrets: "
          + skipped.values().stream().map(s -> "Secret " + s.getSecretName() + ": " + s.getErrorMessage())
              .collect(Collectors.joining("; "));
      LOG.info("Job {}/{}: {}", job.getMetadata().getNamespace(), jobName, why);
      return write(job, JobStatusAggregator.ended(job, JobState.ERROR, new JobError(ErrorCodes.GET_JOB_TASKS, why),
          now), now, context);
    }
    List<PlanSource> sources = new ArrayList<>();
    List<JobDivider.SecretPlan> secretPlans = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    List<SyncedAccount> synced = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      Plan plan = plans.get(i);
      if (plan == null) {
        sources.add(skipped.get(i));
        continue;
      }
      PlanSource source = new PlanSource();
      source.setSecretName(secrets.get(i));
      source.setPodName(plannedPods.get(i).getMetadata().getName());
      source.setTasks(plan.tasks().size());
      source.setSha256(plan.sha256());
      sources.add(source);
      secretPlans.add(new JobDivider.SecretPlan(secrets.get(i), plan.tasks()));
      changed.addAll(plan.changed() == null ? List.of() : plan.changed());
      synced.addAll(plan.syncedAccounts() == null ? List.of() : plan.syncedAccounts());
    }
    List<JobTask> desired = JobDivider.fromPlans(job, secretPlans, true);
    createAll(job, desired, tasks, context);
    PlanStatus planStatus = new PlanStatus();
    planStatus.setTasks(desired.size());
    planStatus.setSources(sources);
    JobStatus next = JobStatusAggregator.aggregate(job, tasks, desired.size(),
        new JobStatusAggregator.Planned(planStatus, changed, synced), now);
    if (recordNow(job, next, now, context) == null) {
      return UpdateControl.noUpdate();
    }
    events.normal(job, "Planned", "The plugin divided the Job into " + desired.size() + " tasks with "
        + plans.size() + " of its " + secrets.size() + " Secrets");
    plannedPods.values().forEach(pod -> release(pod, context));
    return UpdateControl.<Job>noUpdate().rescheduleAfter(Duration.ZERO);
  }

  /** CANCELED or TIMEOUT when the Job was canceled or ran past its deadline while its plugin planned it. */
  private static Optional<JobState> planningStop(Job job, Instant now) {
    return Boolean.TRUE.equals(job.getSpec().getCancel()) ? Optional.of(JobState.CANCELED)
        : deadlinePassed(job, now) ? Optional.of(JobState.TIMEOUT) : Optional.empty();
  }

  private static JobError stoppedWhilePlanning(Job job, JobState stop) {
    return stop == JobState.CANCELED
        ? new JobError(ErrorCodes.COLLECT_CANCELED, "the Job was canceled while its plugin planned it")
        : new JobError(ErrorCodes.JOB_TIMEOUT, "the Job ran longer than activeDeadlineSeconds ("
            + job.getSpec().getActiveDeadlineSeconds() + "s) while its plugin planned it");
  }

  private static PlanSource skippedSource(String secret, Pod pod, String errorCode, String message) {
    PlanSource source = new PlanSource();
    source.setSecretName(secret);
    source.setPodName(pod.getMetadata().getName());
    source.setErrorCode(errorCode);
    source.setErrorMessage(message);
    return source;
  }

  /**
   * Whether the planning pod's runner ended with its plan: the pod Succeeded, or the runner exited 0 while the plugin
   * sidecar still stops (a real kubelet ends the pod only after the sidecar, which may take its grace period: a
   * Python plugin running as PID 1 ignores SIGTERM).
   */
  static boolean planned(Pod pod) {
    if (pod.getStatus() == null) {
      return false;
    }
    if ("Succeeded".equals(pod.getStatus().getPhase())) {
      return true;
    }
    return pod.getStatus().getContainerStatuses() != null && pod.getStatus().getContainerStatuses().stream()
        .anyMatch(c -> TaskPodBuilder.RUNNER_CONTAINER.equals(c.getName()) && c.getState() != null
            && c.getState().getTerminated() != null
            && Integer.valueOf(0).equals(c.getState().getTerminated().getExitCode()));
  }

  /** The plan in a planning pod's runner log, checked against the runner's result. */
  private static PlanReader.Read readPlan(KubernetesClient client, Pod pod) {
    String log;
    try {
      log = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .inContainer(TaskPodBuilder.RUNNER_CONTAINER).getLog();
    } catch (KubernetesClientException e) {
      return new PlanReader.Invalid(ErrorCodes.GET_JOB_TASKS, "the log of pod " + pod.getMetadata().getName()
          + " cannot be read: " + e.getMessage());
    }
    String result = pod.getStatus().getContainerStatuses().stream()
        .filter(c -> TaskPodBuilder.RUNNER_CONTAINER.equals(c.getName()) && c.getState() != null
            && c.getState().getTerminated() != null)
        .map(c -> c.getState().getTerminated().getMessage()).findFirst().orElse(null);
    return PlanReader.read(log, result);
  }

  private void release(Pod pod, Context<Job> context) {
    PodFinalizers.stopIfMayStillRun(context.getClient(), pod);
    Pod released = PodFinalizers.release(context.getClient(), pod, TaskPodBuilder.PLAN_FINALIZER);
    if (released == null) {
      released = PodFinalizers.release(context.getClient(), pod, PlanningAttempts.RETIRED_FINALIZER);
    }
    cached(pod, released, context);
  }

  /** A failed planning attempt that will be retried (see {@link PlanningAttempts#retire}). */
  private void retire(Pod pod, Context<Job> context) {
    cached(pod, PlanningAttempts.retire(context.getClient(), pod), context);
  }

  /** The next reconcile sees the pod as stored now, not a stale cached copy. */
  private static void cached(Pod pod, Pod stored, Context<Job> context) {
    if (stored != null) {
      planningPods(context).handleRecentResourceUpdate(ResourceID.fromResource(stored), stored, pod);
    }
  }

  private static void deletePod(KubernetesClient client, Pod pod) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<Pod, Job> planningPods(Context<Job> context) {
    return (InformerEventSource<Pod, Job>) context.eventSourceRetriever().getEventSourceFor(Pod.class);
  }

  private static boolean deadlinePassed(Job job, Instant now) {
    Long seconds = job.getSpec().getActiveDeadlineSeconds();
    return seconds != null && !now.isBefore(Instant.parse(job.getMetadata().getCreationTimestamp()).plusSeconds(seconds));
  }

  /** A planning Job wakes at its deadline by itself: no event would tell it. */
  private static UpdateControl<Job> untilDeadline(Job job, UpdateControl<Job> control, Instant now) {
    Long seconds = job.getSpec().getActiveDeadlineSeconds();
    if (seconds == null || control.getScheduleDelay().isPresent()) {
      return control;
    }
    Duration left = Duration.between(now, Instant.parse(job.getMetadata().getCreationTimestamp()).plusSeconds(seconds));
    return control.rescheduleAfter(left.isNegative() ? Duration.ZERO : left);
  }

  /** Creates the tasks that do not exist yet; by name, so a restart creates nothing twice. */
  private Division divide(Job job, List<JobTask> existing, Context<Job> context) {
    KubernetesClient client = context.getClient();
    JobSpec spec = job.getSpec();
    String namespace = job.getMetadata().getNamespace();
    List<ObjectMeta> selected = List.of();
    boolean explicitSecrets = spec.getTasks() != null && spec.getTasks().stream().anyMatch(t -> t.getSecretRef() != null);
    if (spec.getSecretSelector() != null || explicitSecrets) {
      List<ObjectMeta> secrets = SecretMetadata.list(client, namespace);
      Set<String> names = secrets.stream().map(ObjectMeta::getName).collect(Collectors.toSet());
      if (spec.getTasks() != null) {
        for (int i = 0; i < spec.getTasks().size(); i++) {
          TaskTemplate task = spec.getTasks().get(i);
          if (task.getSecretRef() != null && !names.contains(task.getSecretRef().getName())) {
            return new Division(0, Optional.of(new JobError(ErrorCodes.SECRET_NOT_FOUND, "spec.tasks[" + i
                + "].secretRef.name: Secret " + task.getSecretRef().getName() + " not found in " + namespace)));
          }
        }
      }
      if (spec.getSecretSelector() != null) {
        selected = secrets.stream()
            .filter(s -> SecretMetadata.matches(spec.getSecretSelector(), s.getLabels()))
            .toList();
      }
    }
    List<JobTask> desired = JobDivider.divide(job, selected);
    if (desired.size() > JobSpec.MAX_TASKS) {
      return new Division(0, Optional.of(new JobError(ErrorCodes.TOO_MANY_TASKS,
          "the Job divides into " + desired.size() + " tasks, more than " + JobSpec.MAX_TASKS)));
    }
    createAll(job, desired, existing, context);
    return new Division(desired.size(), Optional.empty());
  }

  /** Creates the desired tasks that do not exist yet; by name, so a restart creates nothing twice. */
  private void createAll(Job job, List<JobTask> desired, List<JobTask> existing, Context<Job> context) {
    KubernetesClient client = context.getClient();
    var taskCache = taskCache(context);
    Set<String> present = existing.stream().map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
    // Created a few at a time: one request after another, a Job of 1,000 tasks would wait on 1,000 round
    // trips. The order they land in does not matter: admission counts a missing task as unfinished.
    List<CompletableFuture<Boolean>> creations = desired.stream()
        .filter(task -> !present.contains(task.getMetadata().getName()))
        .map(task -> CompletableFuture.supplyAsync(() -> create(client, taskCache, task), taskCreators))
        .toList();
    int created = 0;
    for (CompletableFuture<Boolean> creation : creations) {
      try {
        created += creation.join() ? 1 : 0;
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    if (created > 0) {
      LOG.info("Job {}/{}: created {} of {} tasks", job.getMetadata().getNamespace(), job.getMetadata().getName(),
          created, desired.size());
      events.normal(job, "TasksCreated", "Divided into " + desired.size() + " tasks; created " + created);
    }
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<JobTask, Job> taskCache(Context<Job> context) {
    return (InformerEventSource<JobTask, Job>) context.eventSourceRetriever().getEventSourceFor(JobTask.class);
  }

  private static String jobKey(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }

  /** Creates one task; false when it existed already. */
  private static boolean create(KubernetesClient client, InformerEventSource<JobTask, Job> taskCache, JobTask task) {
    try {
      JobTask stored = client.resource(task).create();
      // Seen at once by the next reconcile, even before the informer delivers it.
      taskCache.handleRecentResourceCreate(ResourceID.fromResource(stored), stored);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return false;
    }
  }

  /**
   * Writes the status when it changed. While tasks progress, writes are spaced by the status interval (the
   * time of the last write is the status' own updatedAt, not a field in memory); a change of state is
   * written at once.
   */
  private UpdateControl<Job> write(Job job, JobStatus next, Instant now, Context<Job> context) {
    JobStatus previous = job.getStatus();
    if (StatusRecorder.sameIgnoringUpdatedAt(next, previous)) {
      return ttlOrNothing(job, next, now);
    }
    JobState before = previous == null ? null : previous.getStatus();
    boolean stateChanged = before != next.getStatus()
        || Conditions.isTrue(previous.getConditions(), Conditions.SUSPENDED)
        != Conditions.isTrue(next.getConditions(), Conditions.SUSPENDED);
    Instant lastWrite = previous == null ? null : Timestamps.parse(previous.getUpdatedAt());
    if (!stateChanged && lastWrite != null) {
      Duration wait = Duration.between(now, lastWrite.plus(settings.jobStatusInterval()));
      if (!wait.isNegative() && !wait.isZero()) {
        return UpdateControl.<Job>noUpdate().rescheduleAfter(wait);
      }
    }
    if (recordNow(job, next, now, context) == null) {
      return UpdateControl.noUpdate();
    }
    if (stateChanged) {
      announce(job, previous, next);
    }
    reportProgress(job, previous, next);
    return ttlOrNothing(job, next, now);
  }

  /**
   * One Event each time another tenth of the tasks has finished, with the counts, so that {@code kubectl describe}
   * follows a large Job's progress without an Event per task (which would double the writes of 10,000 tasks).
   */
  private void reportProgress(Job job, JobStatus previous, JobStatus next) {
    int total = next.getTotalTasks();
    int before = previous == null ? 0 : previous.getTotalTasks() - previous.getRemainedTasks();
    int after = total - next.getRemainedTasks();
    if (total == 0 || after >= total || after * 10L / total == before * 10L / total) {
      return;
    }
    events.normal(job, "Progress", "Finished " + after + " of " + total + " tasks: " + next.getSuccessTasks()
        + " succeeded, " + next.getFailureTasks() + " failed, " + next.getCanceledTasks() + " canceled");
  }

  /** Writes the status now; null when the write was dropped (a conflict with a newer Job). */
  private Job recordNow(Job job, JobStatus next, Instant now, Context<Job> context) {
    next.setUpdatedAt(Timestamps.format(now));
    Job stored = statusRecorder.record(job, next);
    if (stored != null) {
      // The next reconcile sees this status, not a stale cached one, and does not divide the Job again.
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(stored), stored, job);
    }
    return stored;
  }

  private void announce(Job job, JobStatus previous, JobStatus next) {
    String name = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    boolean wasSuspended = previous != null && Conditions.isTrue(previous.getConditions(), Conditions.SUSPENDED);
    boolean suspended = Conditions.isTrue(next.getConditions(), Conditions.SUSPENDED);
    if (suspended != wasSuspended) {
      events.normal(job, suspended ? "Suspended" : "Resumed",
          suspended ? "No new task pods start until spec.suspend is false" : "Task pods start again");
    }
    JobState before = previous == null ? null : previous.getStatus();
    if (before == next.getStatus()) {
      return;
    }
    LOG.info("Job {}: {} -> {} ({})", name, before, next.getStatus(), next.getProgress());
    String summary = "tasks " + next.getProgress() + ", created " + next.getCreatedCount() + ", updated "
        + next.getUpdatedCount() + ", failures " + next.getFailureCount();
    switch (next.getStatus()) {
      case CREATED -> { }
      case IN_PROGRESS -> events.normal(job, "Started", "Tasks are running");
      case SUCCESS -> events.normal(job, "Completed", "Every task succeeded: " + summary);
      case FAILURE -> events.warning(job, "Failed", next.getErrorMessage() + "; " + summary);
      case TIMEOUT -> events.warning(job, "DeadlineExceeded", next.getErrorMessage() + "; " + summary);
      case CANCELED -> events.normal(job, "Canceled", "Canceled on request; kept " + summary);
      case ERROR -> events.warning(job, "InvalidJob", next.getErrorCode() + ": " + next.getErrorMessage());
    }
  }

  private UpdateControl<Job> ttlOrNothing(Job job, JobStatus status, Instant now) {
    Long ttl = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
    if (ttl == null || status.getFinishedAt() == null) {
      return UpdateControl.noUpdate();
    }
    Duration left = Duration.between(now, Timestamps.parse(status.getFinishedAt()).plusSeconds(ttl));
    return UpdateControl.<Job>noUpdate().rescheduleAfter(left.isNegative() ? Duration.ZERO : left);
  }

  /** A finished Job is deleted, with its tasks and pods, ttlSecondsAfterFinished after it finished. */
  private UpdateControl<Job> expireIfDue(Job job, Instant now, KubernetesClient client) {
    Long ttl = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
    String finishedAt = job.getStatus().getFinishedAt();
    if (ttl == null || finishedAt == null) {
      return UpdateControl.noUpdate();
    }
    Instant expiry = Timestamps.parse(finishedAt).plusSeconds(ttl);
    if (now.isBefore(expiry)) {
      return UpdateControl.<Job>noUpdate().rescheduleAfter(Duration.between(now, expiry));
    }
    LOG.info("Job {}/{}: deleting, {}s after it finished", job.getMetadata().getNamespace(),
        job.getMetadata().getName(), ttl);
    client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    return UpdateControl.noUpdate();
  }

  /** Stops the task creators (called when the operator stops; JOSDK has stopped reconciling by then). */
  @Override
  public void close() {
    taskCreators.shutdownNow();
  }
}
