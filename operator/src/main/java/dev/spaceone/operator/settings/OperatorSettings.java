package dev.spaceone.operator.settings;

import dev.spaceone.operator.desired.PluginRunner;
import java.time.Duration;
import java.util.Set;

/**
 * How the controllers run. In a cluster it comes from {@link Settings#fromEnvironment}; tests and the sandbox
 * build it directly.
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
 * @param identity this replica's name in the leader Lease and in its Events (the pod's name in a cluster)
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
    String identity,
    PluginRunner runner) {

  public static final String LEASE_NAME = "spaceone-job-operator";

  /** Settings for tests and the sandbox: no leader election, short delays, no management port. */
  public static OperatorSettings forTests() {
    return new OperatorSettings(Set.of(), false, null, Duration.ofMillis(200), Duration.ofMillis(100),
        Duration.ofSeconds(2), 10, -1, "spaceone-job-operator-local", PluginRunner.DEFAULT);
  }

  public OperatorSettings withManagementPort(int port) {
    return new OperatorSettings(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, retryBackoff,
        retryBackoffLimit, reconcileThreads, port, identity, runner);
  }

  public OperatorSettings withLeaderElection(String namespace) {
    return new OperatorSettings(watchNamespaces, true, namespace, jobStatusInterval, retryBackoff,
        retryBackoffLimit, reconcileThreads, managementPort, identity, runner);
  }

  public OperatorSettings withRetryBackoff(Duration backoff, Duration limit) {
    return new OperatorSettings(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, backoff, limit,
        reconcileThreads, managementPort, identity, runner);
  }

  public OperatorSettings withRunner(PluginRunner value) {
    return new OperatorSettings(watchNamespaces, leaderElection, leaseNamespace, jobStatusInterval, retryBackoff,
        retryBackoffLimit, reconcileThreads, managementPort, identity, value);
  }

  /** The wait after failed attempt {@code failedAttempt} (from 1): retryBackoff doubled per attempt, capped. */
  public Duration retryDelay(int failedAttempt) {
    Duration delay = retryBackoff.multipliedBy(1L << Math.min(Math.max(failedAttempt, 1) - 1, 20));
    return delay.compareTo(retryBackoffLimit) > 0 ? retryBackoffLimit : delay;
  }
}
