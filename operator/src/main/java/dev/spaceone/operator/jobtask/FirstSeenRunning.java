package dev.spaceone.operator.jobtask;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this process first saw each running pod, by the pod's uid, while its task is not yet IN_PROGRESS: the
 * IN_PROGRESS delay counts from here, not from the pod's start, since an operator that sees pods late (a busy API
 * server) would otherwise write IN_PROGRESS for pods about to end. Lost on restart, which only delays an
 * IN_PROGRESS. An entry goes when its task is written IN_PROGRESS or its pod is released; one whose task went first
 * (its Job deleted within the delay) is swept once older than {@link #SWEPT_AFTER}, so none stays for the process's
 * life.
 */
final class FirstSeenRunning {
  static final Duration SWEPT_AFTER = Duration.ofMinutes(10);
  private final Map<String, Instant> byPodUid = new ConcurrentHashMap<>();
  private volatile Instant nextSweep = Instant.MIN;

  /** When {@code pod} was first seen running: {@code now} on the first call. */
  Instant firstSeen(Pod pod, Instant now) {
    sweep(now);
    return byPodUid.computeIfAbsent(pod.getMetadata().getUid(), uid -> now);
  }

  void forget(Pod pod) {
    byPodUid.remove(pod.getMetadata().getUid());
  }

  int size() {
    return byPodUid.size();
  }

  /** At most once per {@link #SWEPT_AFTER}: a scan per reconcile would cost O(running pods) each time. */
  private void sweep(Instant now) {
    if (now.isBefore(nextSweep)) {
      return;
    }
    nextSweep = now.plus(SWEPT_AFTER);
    Instant cutoff = now.minus(SWEPT_AFTER);
    byPodUid.values().removeIf(seen -> seen.isBefore(cutoff));
  }
}
