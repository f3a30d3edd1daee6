package dev.spaceone.operator.bench;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.runtime.OperatorSettings;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.operator.testing.OperatorHarness;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One Job of 1,000 tasks whose pods finish at once, on the mock, with the operator's production settings
 * (but for leader election). Prints how fast the tasks went through, how many API writes the operator
 * made per task (counted at the mock, by User-Agent) and the heap's peak, measured by the JVM's pools.
 * Run with {@code bench/run fanout}; not part of the test suite.
 */
public final class FanoutBenchmark {
  static final int TASKS = Integer.getInteger("bench.tasks", 1000);
  static final int PARALLELISM = Integer.getInteger("bench.parallelism", 50);

  public static void main(String[] args) {
    OperatorSettings production = OperatorSettings.fromEnvironment(Map.of("LEADER_ELECTION", "false",
        "MANAGEMENT_PORT", "-1"));
    StringBuilder yaml = new StringBuilder("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: fanout
        spec:
          plugin:
            image: collector:bench
          parallelism: %d
          tasks:
        """.formatted(PARALLELISM));
    for (int i = 0; i < TASKS; i++) {
      yaml.append("  - options: {created: 1, updated: 2}\n");
    }
    try (OperatorHarness harness = new OperatorHarness(production,
        pod -> PluginRun.succeeds(Duration.ZERO, OperatorHarness.resultFromTaskOptions(pod)))) {
      System.gc();
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
      long writesBefore = harness.cluster.writes(MockCluster.OPERATOR_AGENT);
      long start = System.nanoTime();
      harness.create(yaml.toString());
      Job job = harness.awaitJob("fanout", j -> j.getStatus() != null && j.getStatus().getStatus() != null
          && j.getStatus().getStatus().isFinished(), Duration.ofMinutes(5));
      double seconds = (System.nanoTime() - start) / 1e9;
      long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
      if (job.getStatus().getStatus() != JobState.SUCCESS || job.getStatus().getCreatedCount() != TASKS) {
        throw new IllegalStateException("the Job did not succeed with every count: " + job.getStatus().getStatus()
            + " created=" + job.getStatus().getCreatedCount());
      }
      long writes = harness.cluster.writes(MockCluster.OPERATOR_AGENT) - writesBefore;
      Map<String, Long> byKind = harness.cluster.requests().stream()
          .filter(r -> r.agent().equals(MockCluster.OPERATOR_AGENT) && r.isWrite())
          .collect(Collectors.groupingBy(r -> r.method() + " " + kind(r.path()), TreeMap::new, Collectors.counting()));
      System.out.println("operator writes by kind: " + byKind + " (parallelism " + PARALLELISM
          + ", Job status interval " + production.jobStatusInterval().toMillis() + " ms)");
      System.out.printf("BENCH fanout tasks=%d seconds=%.2f tasks_per_s=%.1f writes_per_task=%.2f peak_heap_mb=%d%n",
          TASKS, seconds, TASKS / seconds, (double) writes / TASKS, peakHeap / (1024 * 1024));
    }
  }

  private static final Pattern NAMESPACED = Pattern.compile("/namespaces/[^/]+/([^/?]+)(?:/[^/?]+)?(/[^/?]+)?");

  /** The resource (and subresource) a request path names, e.g. "jobtasks/status". */
  static String kind(String path) {
    Matcher matcher = NAMESPACED.matcher(path);
    return matcher.find() ? matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)) : path;
  }
}
