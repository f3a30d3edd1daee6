package dev.spaceone.operator.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process and every process it started, as a container runtime stops a container. */
final class ProcessTrees {
  private ProcessTrees() {
  }

  /**
   * SIGTERM to the process and its descendants, then SIGKILL to whatever is left after {@code grace}. The
   * descendants are taken before anything is signalled: once a parent dies, its children are no longer its own.
   */
  static void kill(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>();
    root.descendants().forEach(tree::add);
    tree.add(root);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : tree) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        // still alive, or interrupted: killed below
      }
    }
    // Children started during the grace period are caught too.
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    tree.forEach(ProcessHandle::destroyForcibly);
  }
}
