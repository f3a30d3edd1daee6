package dev.spaceone.operator.job;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.operator.jobtask.AttemptOutcome;
import dev.spaceone.operator.jobtask.PodFinalizers;
import dev.spaceone.operator.jobtask.PodOutcomes;
import dev.spaceone.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How many planning attempts a Secret has used is read from the cluster: the highest attempt among the Job's
 * planning pods ({@code <job>-plan}, {@code <job>-plan-2}, ...). So the latest attempt's pod must not vanish
 * before the next one exists. A failed attempt whose pod must be stopped (its plugin never served, and could
 * still start) is deleted but kept by {@link #RETIRED_FINALIZER} as the record of that attempt, until the next
 * attempt's pod exists or the Job stops planning. Without it, a pod deleted during the retry backoff (or an
 * operator restart) took its attempt's count with it, and the Secret was planned again from attempt 1.
 */
final class PlanningAttempts {
  static final String RETIRED_FINALIZER = TaskPodBuilder.RETIRED_PLAN_FINALIZER;

  private PlanningAttempts() {
  }

  /**
   * The outcome of a planning attempt's pod, or empty while it may still plan. A retired attempt has failed
   * whatever its pod says while the kubelet stops it: its runner never started, and never will on a deleted pod.
   */
  static Optional<AttemptOutcome> outcome(Pod pod, Instant now) {
    Optional<AttemptOutcome> outcome = PodOutcomes.of(pod, now);
    if (outcome.isPresent() || !retired(pod)) {
      return outcome;
    }
    return Optional.of(new AttemptOutcome(TaskState.FAILURE, true, null, ErrorCodes.PLUGIN_UNREACHABLE,
        "the plugin never served; the pod " + pod.getMetadata().getName() + " was stopped",
        Timestamps.parse(pod.getMetadata().getDeletionTimestamp())));
  }

  /** Whether the pod is a failed attempt that was stopped and is kept as its record. */
  static boolean retired(Pod pod) {
    return PodFinalizers.holds(pod, RETIRED_FINALIZER) && !PodFinalizers.holds(pod, TaskPodBuilder.PLAN_FINALIZER);
  }

  /**
   * Ends a failed attempt that will be retried: a pod that could still start its runner is deleted, its plan
   * finalizer swapped for {@link #RETIRED_FINALIZER} first (one update, so a restart finds it either holding the
   * plan finalizer, and judges it again, or retired); a pod that ended by itself stays as it is, released.
   * Returns the pod as stored after a finalizer change, else null.
   */
  static Pod retire(KubernetesClient client, Pod pod) {
    if (retired(pod)) {
      return null;
    }
    if (!PodOutcomes.mayStillRun(pod)) {
      return PodFinalizers.release(client, pod, TaskPodBuilder.PLAN_FINALIZER);
    }
    Pod kept = PodFinalizers.replace(client, pod, TaskPodBuilder.PLAN_FINALIZER, RETIRED_FINALIZER);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
    return kept;
  }

  /** The retired pods of attempts before {@code latest}: the latest pod is their record now. */
  static Stream<Pod> supersededBy(Map<Integer, Pod> attempts, int latest) {
    return attempts.entrySet().stream().filter(e -> e.getKey() < latest)
        .map(Map.Entry::getValue).filter(p -> PodFinalizers.holds(p, RETIRED_FINALIZER));
  }
}
