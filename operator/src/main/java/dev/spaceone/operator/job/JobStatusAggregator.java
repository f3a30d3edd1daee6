package dev.spaceone.operator.job;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.PlanSource;
import dev.spaceone.operator.api.v1alpha1.PlanStatus;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.SyncedAccount;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.status.Conditions;
import dev.spaceone.operator.status.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Computes a Job's whole status from its tasks, every time: nothing is counted in memory, so a restart or a
 * missed event changes nothing. A pure function of the Job, its tasks and the clock.
 */
public final class JobStatusAggregator {
  /** Lists in a Job's status are bounded: it must stay small at 10,000 tasks. */
  static final int MAX_LISTED = 100;

  private JobStatusAggregator() {
  }

  /** The status of a Job divided into {@code totalTasks} tasks, of which {@code tasks} exist so far. */
  public static JobStatus aggregate(Job job, Collection<JobTask> tasks, int totalTasks, Instant now) {
    return aggregate(job, tasks, totalTasks, null, now);
  }

  /**
   * The job-level part of a plugin's plan, as the status keeps it: the plan's size and digest, and its
   * {@code changed} and {@code synced_accounts} (at most {@value #MAX_LISTED} each).
   */
  public record Planned(PlanStatus plan, List<Changed> changed, List<SyncedAccount> syncedAccounts) {
  }

  /**
   * The status of a Job, with the plan just read ({@code planned}; null: the plan the status holds, if any). A
   * Job its plugin divides is CREATED until its plan is read, and its {@code changed} and {@code syncedAccounts}
   * are the plan's.
   */
  public static JobStatus aggregate(Job job, Collection<JobTask> tasks, int totalTasks, Planned planned,
      Instant now) {
    JobStatus previous = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus status = new JobStatus();
    int success = 0;
    int failure = 0;
    int canceled = 0;
    int running = 0;
    int jobTimeouts = 0;
    Map<String, Changed> changed = new LinkedHashMap<>();
    Map<String, SyncedAccount> synced = new LinkedHashMap<>();
    String firstError = null;
    // In index order, so that the listed accounts, ranges and first error do not change between reconciles.
    List<JobTask> ordered = tasks.stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
    for (JobTask task : ordered) {
      JobTaskStatus taskStatus = task.getStatus();
      TaskState state = taskStatus == null || taskStatus.getStatus() == null ? TaskState.PENDING : taskStatus.getStatus();
      if (taskStatus != null) {
        status.addCounts(taskStatus);
      }
      switch (state) {
        case SUCCESS -> {
          success++;
          if (task.getSpec().getServiceAccountId() != null && synced.size() < MAX_LISTED) {
            SyncedAccount account = new SyncedAccount();
            account.setAccountId(task.getSpec().getServiceAccountId());
            synced.putIfAbsent(account.getAccountId(), account);
          }
        }
        case FAILURE, TIMEOUT -> {
          failure++;
          if (ErrorCodes.JOB_TIMEOUT.equals(taskStatus.getErrorCode())) {
            jobTimeouts++;
          }
          if (firstError == null) {
            firstError = task.getMetadata().getName() + ": " + taskStatus.getErrorCode() + " "
                + (taskStatus.getErrorMessage() == null ? "" : taskStatus.getErrorMessage());
          }
        }
        case CANCELED -> canceled++;
        case IN_PROGRESS -> running++;
        case PENDING -> { }
      }
      if (task.getSpec().getChanged() != null && changed.size() < MAX_LISTED && state.isFinished()) {
        Changed range = task.getSpec().getChanged();
        changed.putIfAbsent(range.getStart() + "/" + range.getEnd() + "/" + range.getFilter(), range);
      }
    }
    int total = Math.max(totalTasks, tasks.size());
    int finished = success + failure + canceled;
    status.setTotalTasks(total);
    status.setSuccessTasks(success);
    status.setFailureTasks(failure);
    status.setCanceledTasks(canceled);
    status.setRunningTasks(running);
    status.setRemainedTasks(total - finished);
    status.setProgress(finished + "/" + total);
    status.setObservedGeneration(job.getMetadata().getGeneration());
    boolean costAnalysis = job.getSpec().getService() == Service.COST_ANALYSIS;
    boolean pluginDivided = job.getSpec().isPluginDivided();
    PlanStatus plan = planned != null ? planned.plan() : previous.getPlan();
    if (pluginDivided) {
      status.setPlanSecrets(previous.getPlanSecrets());
      status.setPlan(plan);
      status.setChanged(planned != null ? listed(planned.changed()) : previous.getChanged());
      status.setSyncedAccounts(planned != null ? listed(planned.syncedAccounts()) : previous.getSyncedAccounts());
    } else if (costAnalysis) {
      status.setChanged(changed.isEmpty() ? null : new ArrayList<>(changed.values()));
      status.setSyncedAccounts(synced.isEmpty() ? null : new ArrayList<>(synced.values()));
    }

    JobState state;
    if (pluginDivided && plan == null) {
      state = JobState.CREATED;
    } else if (finished == total) {
      if (canceled > 0) {
        state = JobState.CANCELED;
      } else if (jobTimeouts > 0) {
        state = JobState.TIMEOUT;
        status.setErrorCode(ErrorCodes.JOB_TIMEOUT);
        status.setErrorMessage("the Job ran longer than activeDeadlineSeconds ("
            + job.getSpec().getActiveDeadlineSeconds() + "s)");
      } else if (failure > 0) {
        state = JobState.FAILURE;
        // SpaceONE's cost-analysis names a Job failed by its tasks ERROR_JOB_TASK.
        status.setErrorCode(costAnalysis ? ErrorCodes.JOB_TASK : null);
        status.setErrorMessage(failure + " of " + total + " tasks failed; first: " + firstError.trim());
      } else {
        state = JobState.SUCCESS;
      }
    } else {
      state = finished + running > 0 ? JobState.IN_PROGRESS : JobState.CREATED;
    }
    status.setStatus(state);
    status.setStartedAt(previous.getStartedAt() != null ? previous.getStartedAt()
        : state != JobState.CREATED ? Timestamps.format(now) : null);
    status.setFinishedAt(!state.isFinished() ? null
        : previous.getFinishedAt() != null ? previous.getFinishedAt() : Timestamps.format(now));
    status.setUpdatedAt(previous.getUpdatedAt());
    var conditions = conditions(job, previous, state, status.getErrorMessage(), now);
    String skipped = plan == null || plan.getSources() == null ? "" : plan.getSources().stream()
        .filter(PlanSource::skipped)
        .map(s -> "Secret " + s.getSecretName() + ": " + s.getErrorCode() + ": " + s.getErrorMessage())
        .collect(Collectors.joining("; "));
    status.setConditions(Conditions.with(conditions, Conditions.SECRETS_SKIPPED, !skipped.isEmpty(),
        "PlanningFailed", "the plugin could not plan with " + skipped + "; the other Secrets' tasks run",
        job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration(), now));
    return status;
  }

  private static <T> List<T> listed(List<T> items) {
    return items == null || items.isEmpty() ? null : new ArrayList<>(items.subList(0, Math.min(items.size(), MAX_LISTED)));
  }

  /** The status of a Job that cannot run. */
  public static JobStatus error(Job job, JobError error, Instant now) {
    return ended(job, JobState.ERROR, error, now);
  }

  /**
   * The final status of a Job that ended before it was divided (its plugin could not plan it, or it was
   * canceled or timed out while planning).
   */
  public static JobStatus ended(Job job, JobState state, JobError error, Instant now) {
    JobStatus previous = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus status = new JobStatus();
    status.setStatus(state);
    status.setErrorCode(error.code());
    status.setErrorMessage(error.message());
    status.setProgress("0/0");
    status.setObservedGeneration(job.getMetadata().getGeneration());
    status.setFinishedAt(previous.getFinishedAt() != null ? previous.getFinishedAt() : Timestamps.format(now));
    status.setUpdatedAt(previous.getUpdatedAt());
    status.setStartedAt(previous.getStartedAt());
    status.setPlanSecrets(previous.getPlanSecrets());
    status.setConditions(conditions(job, previous, state, error.message(), now));
    return status;
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> conditions(Job job, JobStatus previous,
      JobState state, String message, Instant now) {
    long generation = job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    var conditions = previous.getConditions();
    conditions = Conditions.with(conditions, Conditions.COMPLETE, state == JobState.SUCCESS, "Succeeded",
        "every task succeeded", generation, now);
    boolean failed = state == JobState.FAILURE || state == JobState.TIMEOUT || state == JobState.CANCELED
        || state == JobState.ERROR;
    conditions = Conditions.with(conditions, Conditions.FAILED, failed, reason(state),
        message == null ? "the Job ended " + state : message, generation, now);
    boolean suspended = Boolean.TRUE.equals(job.getSpec() == null ? null : job.getSpec().getSuspend())
        && !state.isFinished();
    conditions = Conditions.with(conditions, Conditions.SUSPENDED, suspended, "JobSuspended",
        "spec.suspend is true: no new task pods start", generation, now);
    return conditions;
  }

  private static String reason(JobState state) {
    return switch (state) {
      case TIMEOUT -> "DeadlineExceeded";
      case CANCELED -> "Canceled";
      case ERROR -> "InvalidSpec";
      default -> "TasksFailed";
    };
  }
}
