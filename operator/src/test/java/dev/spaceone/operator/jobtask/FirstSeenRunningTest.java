package dev.spaceone.operator.jobtask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FirstSeenRunningTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void keepsTheFirstInstantPerPodUid() {
    FirstSeenRunning seen = new FirstSeenRunning();
    assertEquals(T0, seen.firstSeen(pod("task-1", "uid-a"), T0));
    assertEquals(T0, seen.firstSeen(pod("task-1", "uid-a"), T0.plusSeconds(1)));
    // A pod of the same name created again is another pod.
    assertEquals(T0.plusSeconds(2), seen.firstSeen(pod("task-1", "uid-b"), T0.plusSeconds(2)));
    seen.forget(pod("task-1", "uid-a"));
    assertEquals(1, seen.size());
  }

  @Test
  void anEntryNobodyForgetsIsSweptOnceOld() {
    FirstSeenRunning seen = new FirstSeenRunning();
    seen.firstSeen(pod("of-a-deleted-job", "uid-gone"), T0);
    seen.firstSeen(pod("running", "uid-1"), T0.plus(FirstSeenRunning.SWEPT_AFTER));
    assertEquals(2, seen.size(), "no entry is swept before it is older than the bound");
    seen.firstSeen(pod("running", "uid-1"), T0.plus(FirstSeenRunning.SWEPT_AFTER.multipliedBy(2)).plusSeconds(1));
    assertEquals(1, seen.size(), "the entry whose task went first is gone");
  }

  private static Pod pod(String name, String uid) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(uid).endMetadata().build();
  }
}
