package dev.spaceone.operator.runtime;

import dev.spaceone.operator.task.PluginRunner;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How one operator process runs; read from the environment in a cluster, built directly by tests.
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaderElection whether to take a Lease before reconciling (on in a cluster, off in tests)
 * @param leaseNamespace namespace of the Lease
 * @param jobStatusInterval a Job's status is written at most this often while tasks progress, so that its
 *     writes are coalesced and not one per task event; final transitions are written at once
 * @param retryBackoff delay before a task's second attempt, doubled for each further one
 * @param retryBackoffLimit the longest delay between attempts
 * @param reconcileThreads reconciles running at once, per controller
 * @param managementPort port of /metrics, /healthz and /readyz; 0 picks a free one, -1 disables it
 * @param runner image and command of the plugin runner in grpc task pods
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseNamespace,
    Duration jobStatusInterval,
    Duration retryBackoff,
    Duration retryBackoffLimit,
    int reconcileThreads,
    int managementPort,
    PluginRunner runner) {

  public static final String LEASE_NAME = "spaceone-job-operator";

  public OperatorSettings(Set<String> watchNamespaces, boolean leaderElection, String leaseNamespace,
      Duration jobStatusInterval, Duration retryBackoff, Duration retryBackoffLimit, int reconcileThreads,
      int managementPort) {
    this(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, retryBackoff, retryBackoffLimit,
        reconcileThreads, managementPort, PluginRunner.DEFAULT);
  }

  /** Settings for tests and the sandbox: no leader election, short delays. */
  public static OperatorSettings forTests() {
    return new OperatorSettings(Set.of(), false, null, Duration.ofMillis(200), Duration.ofMillis(100),
        Duration.ofSeconds(2), 10, -1);
  }

  public OperatorSettings withManagementPort(int port) {
    return new OperatorSettings(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, retryBackoff,
        retryBackoffLimit, reconcileThreads, port, runner);
  }

  public OperatorSettings withRunner(PluginRunner runner) {
    return new OperatorSettings(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, retryBackoff,
        retryBackoffLimit, reconcileThreads, managementPort, runner);
  }

  /** Settings from the environment the Helm chart sets. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("WATCH_NAMESPACES", "").trim();
    Set<String> watch = namespaces.isEmpty() ? Set.of() : Set.of(namespaces.split("\\s*,\\s*"));
    return new OperatorSettings(
        watch,
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", "true")),
        env.getOrDefault("LEADER_ELECTION_NAMESPACE", env.get("POD_NAMESPACE")),
        Duration.ofMillis(Long.parseLong(env.getOrDefault("JOB_STATUS_INTERVAL_MS", "1000"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("TASK_RETRY_BACKOFF_SECONDS", "10"))),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("TASK_RETRY_BACKOFF_LIMIT_SECONDS", "360"))),
        Integer.parseInt(env.getOrDefault("RECONCILE_THREADS", "50")),
        Integer.parseInt(env.getOrDefault("MANAGEMENT_PORT", "8080")),
        PluginRunner.fromEnvironment(env));
  }
}
