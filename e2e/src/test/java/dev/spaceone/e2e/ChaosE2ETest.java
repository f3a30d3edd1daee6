package dev.spaceone.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.ResultCounts;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.testkit.Pki;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.desired.TaskNames;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.testkit.SimulatedKubelet;
import dev.spaceone.testkit.SimulatedKubelet.ContainerRun;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's chaos test, on a real control plane of its own (so no other e2e class's operator or kubelet stand-in
 * touches its objects, and its audit log holds only its operators' writes): several Jobs of tens of tasks with
 * retries, run by two operator processes with leader election at once, while a seeded schedule kills them with
 * SIGKILL and starts new ones, deletes running pods (the kubelet stand-in honours the grace period; half the
 * plugins ignore SIGTERM), deletes finished pods before their result is read, and each operator's fault proxy fails
 * 5% of its API requests with 500, 429 or a connection reset.
 *
 * <p>At the end every task's status and counts are exactly what its plugin reported in its last attempt, each
 * earlier attempt failed, Job roll-ups equal the sum of their tasks, no two attempts of a task overlapped, no Job
 * ran more plugins at once than its parallelism, no pod keeps the result finalizer, and the audit log shows no
 * write by an operator that did not hold the Lease.
 *
 * <p>{@code -Dchaos.seed=N} replays a schedule (the seed is printed first; thread timing still varies),
 * {@code -Dchaos.minutes=M} runs the chaos phase for M minutes instead of the CI's ~100 s (with
 * {@code -De2e.forkTimeoutSeconds} raised to match).
 */
class ChaosE2ETest {
  private static final double FAULT_RATE = 0.05;
  private static final Duration CI_CHAOS_PHASE = Duration.ofSeconds(100);
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(6);
  private static final String NODE = "chaos-node";
  private static final String OPERATOR_PREFIX = "chaos-operator-";

  /** What the schedule does at one moment. */
  private enum Kind { CREATE_JOB, KILL_OPERATOR, START_OPERATOR, DELETE_RUNNING_POD }

  private record Action(Duration at, Kind kind, int choice, int graceSeconds) {
  }

  /** The figures the note reports. */
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicInteger starts = new AtomicInteger();
  private final AtomicInteger runningDeleted = new AtomicInteger();
  private final AtomicInteger finishedDeleted = new AtomicInteger();
  private final Map<String, Instant> deletionRequested = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  @Timeout(value = 120, unit = TimeUnit.MINUTES)
  void operatorsUnderKillsPodDeletionsAndApiFaultsRecordEveryTaskExactlyOnce() throws Exception {
    ControlPlane.assumeAvailable();
    long seed = System.getProperty("chaos.seed") == null ? new SecureRandom().nextLong()
        : Long.parseLong(System.getProperty("chaos.seed"));
    double minutes = Double.parseDouble(System.getProperty("chaos.minutes", "0"));
    Duration phase = minutes > 0 ? Duration.ofMillis((long) (minutes * 60_000)) : CI_CHAOS_PHASE;
    System.err.println("[chaos] seed " + seed + " (replay with -Dchaos.seed=" + seed + "), chaos phase " + phase);
    long wallStart = System.nanoTime();
    Random random = new Random(seed);
    List<Action> schedule = schedule(random, phase);

    try (ControlPlane plane = ControlPlane.start()) {
      KubernetesClient admin = plane.client();
      installCrds(admin);
      String ns = SpaceOneCluster.createNamespace(plane, "chaos");
      String leaseNs = SpaceOneCluster.createNamespace(plane, "chaos-lease");
      admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();
      Path workDir = Files.createDirectories(plane.workDir().resolve("chaos"));
      System.err.println("[chaos] namespace " + ns + ", operator logs and kubeconfigs in " + workDir);

      SimulatedKubelet kubelet = new SimulatedKubelet(plane.newClient(plane.kubeconfigPath()), ChaosE2ETest::plugin,
          NODE, pod -> ns.equals(pod.getMetadata().getNamespace()));
      Random finishedRandom = new Random(seed ^ 0x5DEECE66DL);
      ExecutorService deleter = Executors.newSingleThreadExecutor();
      SharedIndexInformer<Pod> finishedPods = deleteSomeFinishedPods(admin, ns, finishedRandom, deleter);
      Operators operators = new Operators(plane, workDir, seed, Map.of(
          "LEADER_ELECTION", "true",
          "LEADER_ELECTION_NAMESPACE", leaseNs,
          "WATCH_NAMESPACES", ns,
          "MANAGEMENT_PORT", "-1",
          "TASK_RETRY_BACKOFF_SECONDS", "1",
          "TASK_RETRY_BACKOFF_LIMIT_SECONDS", "4",
          "JOB_STATUS_INTERVAL_MS", "500",
          "RECONCILE_THREADS", "10",
          "LOG_LEVEL", "info"));
      Map<String, Integer> parallelism = new LinkedHashMap<>();
      try {
        operators.start();
        operators.start();
        run(schedule, admin, ns, leaseNs, kubelet, operators, random, parallelism);
        // The chaos ends; faults stay on. Two operators again, and every Job must finish.
        while (operators.alive() < 2) {
          operators.start();
        }
        for (String job : parallelism.keySet()) {
          awaitFinished(admin, ns, job, operators);
        }
        awaitThat("no pod keeps the result finalizer", Duration.ofMinutes(2), () -> admin.pods().inNamespace(ns)
            .list().getItems().stream().noneMatch(p -> p.getMetadata().getFinalizers() != null
                && p.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER)));
        awaitThat("every plugin to have stopped", Duration.ofMinutes(1),
            () -> kubelet.runs().stream().allMatch(r -> r.ended() != null));
      } finally {
        operators.close();
        finishedPods.close();
        deleter.shutdownNow();
        kubelet.close();
      }

      List<ContainerRun> runs = kubelet.runs();
      List<AuditLog.Write> audit = AuditLog.read(plane.auditLogPath());
      List<String> problems = new ArrayList<>();
      int tasks = 0;
      Map<TaskState, Integer> outcomes = new TreeMap<>();
      for (var job : parallelism.entrySet()) {
        List<JobTask> jobTasks = SpaceOneCluster.tasks(admin, ns, job.getKey());
        tasks += jobTasks.size();
        jobTasks.forEach(t -> outcomes.merge(t.getStatus().getStatus(), 1, Integer::sum));
        checkTasks(jobTasks, runs, audit, problems);
        checkRollUp(SpaceOneCluster.job(admin, ns, job.getKey()), jobTasks, problems);
        checkParallelism(job.getKey(), job.getValue(), runs, problems);
      }
      checkNoOverlap(runs, problems);
      List<AuditLog.Write> byNonLeaders = AuditLog.writesByNonLeaders(audit, leaseNs, OperatorSettings.LEASE_NAME,
          user -> user.startsWith(OPERATOR_PREFIX));
      byNonLeaders.forEach(w -> problems.add("write by a non-leader: " + w));
      long operatorWrites = audit.stream().filter(w -> w.succeeded() && !"leases".equals(w.resource())).count();
      if (operatorWrites == 0) {
        problems.add("the audit log " + plane.auditLogPath() + " holds no operator write: it was not audited");
      }

      Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);
      System.err.println("[chaos] figures: seed=" + seed + " wall=" + wall.toSeconds() + "s chaosPhase="
          + phase.toSeconds() + "s jobs=" + parallelism.size() + " tasks=" + tasks + " outcomes=" + outcomes
          + " pods(attempts)=" + runs.stream().map(ContainerRun::pod).distinct().count()
          + " operatorKills=" + kills + " operatorStarts=" + starts + " leaderChanges=" + leaderChanges(audit, leaseNs)
          + " runningPodsDeleted=" + runningDeleted + " finishedPodsDeletedBeforeRead=" + finishedDeleted
          + " injected500=" + operators.injected(FaultProxy.Fault.INTERNAL_ERROR)
          + " injected429=" + operators.injected(FaultProxy.Fault.TOO_MANY_REQUESTS)
          + " injectedResets=" + operators.injected(FaultProxy.Fault.RESET)
          + " proxiedRequests=" + operators.requests()
          + " auditedWrites=" + operatorWrites
          + " deletedKilledAtGraceEnd=" + runs.stream().filter(r -> r.deletionSeen() != null
              && Integer.valueOf(137).equals(r.exitCode())).count()
          + " deletedStoppedBySigterm=" + runs.stream().filter(r -> r.deletionSeen() != null
              && Integer.valueOf(143).equals(r.exitCode())).count()
          + " deletedWithOwnReport=" + runs.stream().filter(r -> r.deletionSeen() != null && !r.killed()).count()
          + " longestWaitForTerminatingPod=" + longestWait(runs).toMillis() + "ms"
          + " longestDeletionToRetry=" + longestDeletionToRetry(runs).toMillis() + "ms"
          + " maxRunningOfOneTask=" + kubelet.maxRunningOfOneTask());
      if (!problems.isEmpty()) {
        fail(problems.size() + " problems (seed " + seed + "):\n" + String.join("\n", problems.subList(0,
            Math.min(40, problems.size()))));
      }
      assertEquals(1, kubelet.maxRunningOfOneTask(), "two attempts of one task ran at once");
      assertTrue(kills.get() > 0 && runningDeleted.get() > 0, "the chaos did happen");
    }
  }

  /** The CRDs on this control plane (SpaceOneCluster's install is once per run, for the shared one). */
  private static void installCrds(KubernetesClient admin) {
    for (Path file : SpaceOneCluster.crdFiles()) {
      var crd = admin.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
      admin.resource(crd).forceConflicts().serverSideApply();
      admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              SETTLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ the schedule

  /** The whole schedule, drawn up front from the seed. */
  private static List<Action> schedule(Random random, Duration phase) {
    List<Action> actions = new ArrayList<>();
    long end = phase.toMillis();
    for (int i = 0; i < 3; i++) {
      actions.add(new Action(Duration.ZERO, Kind.CREATE_JOB, 0, 0));
    }
    for (long t = 35_000; t < end - 25_000; t += 35_000) {
      actions.add(new Action(Duration.ofMillis(t), Kind.CREATE_JOB, 0, 0));
    }
    for (long t = 12_000 + random.nextInt(8_000); t < end; t += 15_000 + random.nextInt(15_000)) {
      // Two kills in three hit the leader (a leader change), the others a follower.
      actions.add(new Action(Duration.ofMillis(t), Kind.KILL_OPERATOR, random.nextInt(3), 0));
      actions.add(new Action(Duration.ofMillis(t + 2_000 + random.nextInt(3_000)), Kind.START_OPERATOR, 0, 0));
    }
    for (long t = 3_000; t < end; t += 1_000 + random.nextInt(2_000)) {
      actions.add(new Action(Duration.ofMillis(t), Kind.DELETE_RUNNING_POD, random.nextInt(1_000),
          2 + random.nextInt(7)));
    }
    actions.sort(Comparator.comparing(Action::at));
    return actions;
  }

  private void run(List<Action> schedule, KubernetesClient admin, String ns, String leaseNamespace,
      SimulatedKubelet kubelet, Operators operators, Random random, Map<String, Integer> parallelism)
      throws InterruptedException {
    long start = System.nanoTime();
    ExecutorService killer = Executors.newSingleThreadExecutor();
    try {
      runActions(schedule, admin, ns, leaseNamespace, kubelet, operators, random, parallelism, start, killer);
    } finally {
      killer.shutdown();
      if (!killer.awaitTermination(3, TimeUnit.MINUTES)) {
        killer.shutdownNow();
      }
    }
  }

  private void runActions(List<Action> schedule, KubernetesClient admin, String ns, String leaseNamespace,
      SimulatedKubelet kubelet, Operators operators, Random random, Map<String, Integer> parallelism, long start,
      ExecutorService killer) throws InterruptedException {
    for (Action action : schedule) {
      long wait = action.at().toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (wait > 0) {
        Thread.sleep(wait); // the schedule's own clock: what it waits for is time, not a condition
      }
      if (operators.alive() == 0) {
        operators.start(); // both exited on their own (a lost Lease ends the process), as a Deployment restarts
      }
      switch (action.kind()) {
        case CREATE_JOB -> {
          String name = "chaos-" + (parallelism.size() + 1);
          int width = 3 + random.nextInt(4);
          parallelism.put(name, width);
          admin.resource(job(name, ns, width, 15 + random.nextInt(11), random)).create();
        }
        case KILL_OPERATOR -> killer.execute(() -> {
          String leader = leader(admin, leaseNamespace);
          if (action.choice() != 0) {
            // A leader kill waits until a live process holds the Lease (after a kill it names the dead one until
            // it expires), so that each such kill is a leader change; on its own thread, so the rest of the
            // schedule (pod deletions) goes on meanwhile.
            leader = awaitLiveLeader(admin, leaseNamespace, operators);
          }
          if (operators.kill(action.choice(), leader)) {
            kills.incrementAndGet();
          }
        });
        case START_OPERATOR -> {
          if (operators.alive() < 2) {
            operators.start();
          }
        }
        case DELETE_RUNNING_POD -> {
          List<ContainerRun> running = kubelet.runs().stream()
              .filter(r -> r.ended() == null && r.deletionSeen() == null)
              .sorted(Comparator.comparing(ContainerRun::pod)).toList();
          if (!running.isEmpty()) {
            ContainerRun victim = running.get(action.choice() % running.size());
            deletionRequested.put(victim.pod(), Instant.now());
            try {
              admin.pods().inNamespace(ns).withName(victim.pod()).withGracePeriod(action.graceSeconds()).delete();
              runningDeleted.incrementAndGet();
            } catch (KubernetesClientException e) {
              System.err.println("[chaos] could not delete " + victim.pod() + ": " + e.getMessage());
            }
          }
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  /** Deletes a quarter of the pods that finished while the operator has not yet read them (finalizer still on). */
  private SharedIndexInformer<Pod> deleteSomeFinishedPods(KubernetesClient admin, String ns, Random random,
      ExecutorService deleter) {
    return admin.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        String oldPhase = old.getStatus() == null ? null : old.getStatus().getPhase();
        boolean justFinished = ("Succeeded".equals(phase) || "Failed".equals(phase)) && !phase.equals(oldPhase);
        if (justFinished && pod.getMetadata().getDeletionTimestamp() == null
            && pod.getMetadata().getFinalizers() != null
            && pod.getMetadata().getFinalizers().contains(TaskPodBuilder.RESULT_FINALIZER)) {
          boolean delete;
          synchronized (random) {
            delete = random.nextInt(4) == 0;
          }
          if (delete) {
            deleter.execute(() -> {
              try {
                admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).delete();
                finishedDeleted.incrementAndGet();
              } catch (KubernetesClientException e) {
                System.err.println("[chaos] could not delete " + pod.getMetadata().getName() + ": " + e.getMessage());
              }
            });
          }
        }
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
      }
    });
  }

  // ------------------------------------------------------------------ the Jobs and their plugin

  /**
   * A Job whose tasks name what their plugin does: {@code runMs}, the counts it reports, {@code failAttempts}
   * (attempts up to this one write a valid result with created 1000+attempt and exit 3: retried, never counted),
   * {@code failureCount} (a valid result with failure_count and an error: a final FAILURE with its counts),
   * {@code stopMs} (how long it takes to exit after SIGTERM; -1: it ignores SIGTERM).
   */
  private static Job job(String name, String ns, int parallelism, int taskCount, Random random) {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < taskCount; i++) {
      // One task in four runs long, so a deleted plugin that ignores SIGTERM is killed at the grace period's end.
      int runMs = random.nextInt(4) == 0 ? 6_000 + random.nextInt(4_000) : 500 + random.nextInt(3_500);
      tasks.append("    - options: {runMs: ").append(runMs)
          .append(", created: ").append(random.nextInt(50))
          .append(", updated: ").append(random.nextInt(20))
          .append(", deleted: ").append(random.nextInt(5))
          .append(", failAttempts: ").append(random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0)
          .append(", failureCount: ").append(random.nextInt(10) == 0 ? 1 + random.nextInt(3) : 0)
          .append(", stopMs: ").append(random.nextBoolean() ? -1 : random.nextInt(1_500))
          .append("}\n");
    }
    Job job = Serialization.unmarshal("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          parallelism: %d
          backoffLimitPerTask: 8
          plugin:
            image: chaos-collector:1
          tasks:
        %s""".formatted(name, parallelism, tasks), Job.class);
    job.getMetadata().setNamespace(ns);
    return job;
  }

  static PluginRun plugin(Pod pod) {
    JsonNode options;
    try {
      options = Serialization.jsonMapper().readTree(pod.getMetadata().getAnnotations()
          .get(TaskPodBuilder.TASK_JSON_ANNOTATION)).path("task_options");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    int attempt = Integer.parseInt(pod.getMetadata().getLabels().get(Labels.ATTEMPT));
    Duration runTime = Duration.ofMillis(options.path("runMs").asLong(1000));
    long stopMs = options.path("stopMs").asLong(0);
    Duration stopTime = stopMs < 0 ? SimulatedKubelet.IGNORES_SIGTERM : Duration.ofMillis(stopMs);
    if (attempt <= options.path("failAttempts").asInt(0)) {
      String result = "{\"created_count\":" + (1000 + attempt) + ",\"errors\":[{\"error_code\":\"ERROR_FLAKY\","
          + "\"message\":\"attempt " + attempt + " failed\"}]}";
      return new PluginRun(runTime, 3, result, stopTime);
    }
    int failures = options.path("failureCount").asInt(0);
    String result = "{\"created_count\":" + options.path("created").asLong() + ",\"updated_count\":"
        + options.path("updated").asLong() + ",\"deleted_count\":" + options.path("deleted").asLong()
        + ",\"failure_count\":" + failures + ",\"success_count\":" + options.path("created").asLong()
        + ",\"total_count\":" + (options.path("created").asLong() + failures)
        + (failures > 0 ? ",\"errors\":[{\"error_code\":\"ERROR_AUTH\",\"message\":\"denied\"}]" : "") + "}";
    return new PluginRun(runTime, 0, result, stopTime);
  }

  // ------------------------------------------------------------------ the checks

  /** Each task ends as its last attempt's plugin reported; every earlier attempt failed; each pod created once. */
  private static void checkTasks(List<JobTask> tasks, List<ContainerRun> runs, List<AuditLog.Write> audit,
      List<String> problems) {
    Map<String, ContainerRun> byPod = runs.stream().collect(Collectors.toMap(ContainerRun::pod, r -> r));
    Map<String, Long> creations = audit.stream()
        .filter(w -> w.succeeded() && "pods".equals(w.resource()) && "create".equals(w.verb()))
        .collect(Collectors.groupingBy(AuditLog.Write::name, Collectors.counting()));
    for (JobTask task : tasks) {
      String name = task.getMetadata().getName();
      JobTaskStatus status = task.getStatus();
      int attempts = status.getAttempts();
      for (int attempt = 1; attempt <= attempts; attempt++) {
        String pod = TaskNames.pod(name, attempt);
        if (creations.getOrDefault(pod, 0L) != 1) {
          problems.add(pod + " was created " + creations.getOrDefault(pod, 0L) + " times");
        }
        ContainerRun run = byPod.get(pod);
        if (attempt < attempts && run != null && !run.killed() && run.exitCode() != null && run.exitCode() == 0) {
          problems.add(name + ": attempt " + attempt + " reported a final result, yet attempt " + attempts + " ran");
        }
      }
      String next = TaskNames.pod(name, attempts + 1);
      if (creations.containsKey(next) || byPod.containsKey(next)) {
        problems.add(name + ": pod " + next + " exists beyond the recorded " + attempts + " attempts");
      }
      ContainerRun last = byPod.get(TaskNames.pod(name, attempts));
      Expected expected = Expected.of(last);
      String actual = status.getStatus() + " " + status.getErrorCode() + " " + counts(status);
      String wanted = expected.state + " " + expected.errorCode + " " + expected.counts;
      if (!actual.equals(wanted)) {
        problems.add(name + ": recorded " + actual + ", its plugin reported " + wanted + " (last run " + last + ")");
      }
    }
  }

  /** What a task's status must be, from its last attempt's container as the kubelet stand-in saw it end. */
  private record Expected(TaskState state, String errorCode, String counts) {
    static Expected of(ContainerRun last) {
      if (last == null || last.killed()) {
        return new Expected(TaskState.FAILURE, ErrorCodes.POD_DELETED, "0/0/0/0/0/0");
      }
      JsonNode result;
      try {
        result = Serialization.jsonMapper().readTree(last.message());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      String counts = result.path("created_count").asLong() + "/" + result.path("updated_count").asLong() + "/"
          + result.path("deleted_count").asLong() + "/" + result.path("failure_count").asLong() + "/"
          + result.path("success_count").asLong() + "/" + result.path("total_count").asLong();
      if (last.exitCode() != 0) {
        return new Expected(TaskState.FAILURE, ErrorCodes.COLLECTOR_PLUGIN, counts);
      }
      if (result.path("failure_count").asLong() > 0) {
        return new Expected(TaskState.FAILURE, "ERROR_AUTH", counts);
      }
      return new Expected(TaskState.SUCCESS, null, counts);
    }
  }

  private static String counts(ResultCounts c) {
    return c.getCreatedCount() + "/" + c.getUpdatedCount() + "/" + c.getDeletedCount() + "/" + c.getFailureCount()
        + "/" + c.getSuccessCount() + "/" + c.getTotalCount();
  }

  private static void checkRollUp(Job job, List<JobTask> tasks, List<String> problems) {
    var s = job.getStatus();
    String name = job.getMetadata().getName();
    long[] sum = new long[7];
    for (JobTask task : tasks) {
      ResultCounts c = task.getStatus();
      sum[0] += c.getCreatedCount();
      sum[1] += c.getUpdatedCount();
      sum[2] += c.getDeletedCount();
      sum[3] += c.getDisconnectedCount();
      sum[4] += c.getFailureCount();
      sum[5] += c.getSuccessCount();
      sum[6] += c.getTotalCount();
    }
    List<Long> rollUp = List.of(s.getCreatedCount(), s.getUpdatedCount(), s.getDeletedCount(),
        s.getDisconnectedCount(), s.getFailureCount(), s.getSuccessCount(), s.getTotalCount());
    List<Long> sums = java.util.Arrays.stream(sum).boxed().toList();
    if (!rollUp.equals(sums)) {
      problems.add(name + ": roll-up " + rollUp + " but its tasks sum to " + sums);
    }
    long success = tasks.stream().filter(t -> t.getStatus().getStatus() == TaskState.SUCCESS).count();
    long failure = tasks.stream().filter(t -> t.getStatus().getStatus() == TaskState.FAILURE).count();
    if (s.getTotalTasks() != tasks.size() || s.getSuccessTasks() != success || s.getFailureTasks() != failure
        || s.getRemainedTasks() != 0) {
      problems.add(name + ": task tallies total/success/failure/remained " + s.getTotalTasks() + "/"
          + s.getSuccessTasks() + "/" + s.getFailureTasks() + "/" + s.getRemainedTasks() + ", tasks say "
          + tasks.size() + "/" + success + "/" + failure + "/0");
    }
  }

  /** The most plugins of the Job that ran at once, from the runs' start and end instants. */
  private static void checkParallelism(String job, int parallelism, List<ContainerRun> runs, List<String> problems) {
    List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
    for (ContainerRun run : runs) {
      if (run.job().equals(job)) {
        edges.add(Map.entry(run.started(), 1));
        edges.add(Map.entry(run.ended() == null ? Instant.MAX : run.ended(), -1));
      }
    }
    // Ends before starts at the same instant: a plugin that ended as another started did not run beside it.
    edges.sort(Map.Entry.<Instant, Integer>comparingByKey().thenComparing(Map.Entry::getValue));
    int running = 0;
    int max = 0;
    for (var edge : edges) {
      running += edge.getValue();
      max = Math.max(max, running);
    }
    if (max > parallelism) {
      problems.add(job + ": " + max + " plugins ran at once, parallelism " + parallelism);
    }
  }

  private static void checkNoOverlap(List<ContainerRun> runs, List<String> problems) {
    Map<String, List<ContainerRun>> byTask = runs.stream().collect(Collectors.groupingBy(ContainerRun::task));
    byTask.forEach((task, attempts) -> {
      for (int i = 0; i < attempts.size(); i++) {
        for (int j = i + 1; j < attempts.size(); j++) {
          if (attempts.get(i).overlaps(attempts.get(j))) {
            problems.add(task + ": attempts overlapped: " + attempts.get(i) + " and " + attempts.get(j));
          }
        }
      }
    });
  }

  /** The longest time a deleted running plugin ran on after its deletion (what its task waited for). */
  private static Duration longestWait(List<ContainerRun> runs) {
    return runs.stream().filter(r -> r.deletionSeen() != null && r.ended() != null
            && r.deletionSeen().isBefore(r.ended()))
        .map(r -> Duration.between(r.deletionSeen(), r.ended())).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
  }

  /** The longest time from a running pod's deletion to the start of its task's next attempt. */
  private static Duration longestDeletionToRetry(List<ContainerRun> runs) {
    Map<String, ContainerRun> byPod = runs.stream().collect(Collectors.toMap(ContainerRun::pod, r -> r));
    Duration longest = Duration.ZERO;
    for (ContainerRun run : runs) {
      ContainerRun next = byPod.get(TaskNames.pod(run.task(), run.attempt() + 1));
      if (run.deletionSeen() != null && next != null) {
        Duration wait = Duration.between(run.deletionSeen(), next.started());
        longest = wait.compareTo(longest) > 0 ? wait : longest;
      }
    }
    return longest;
  }

  private static String leader(KubernetesClient admin, String leaseNamespace) {
    try {
      var lease = admin.leases().inNamespace(leaseNamespace).withName(OperatorSettings.LEASE_NAME).get();
      return lease == null ? null : lease.getSpec().getHolderIdentity();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private static String awaitLiveLeader(KubernetesClient admin, String leaseNamespace, Operators operators) {
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
        if (operators.alive() == 0) {
          operators.start();
        }
        return operators.isAlive(leader(admin, leaseNamespace));
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.err.println("[chaos] no live operator took the Lease within 90 s; killing another");
    }
    return leader(admin, leaseNamespace);
  }

  private static long leaderChanges(List<AuditLog.Write> audit, String leaseNs) {
    List<String> holders = audit.stream().filter(w -> w.succeeded() && "leases".equals(w.resource())
            && leaseNs.equals(w.namespace()) && w.holder() != null)
        .sorted(Comparator.comparing(AuditLog.Write::completed)).map(AuditLog.Write::holder).toList();
    long changes = 0;
    for (int i = 1; i < holders.size(); i++) {
      changes += holders.get(i).equals(holders.get(i - 1)) ? 0 : 1;
    }
    return changes;
  }

  private static void awaitFinished(KubernetesClient admin, String ns, String job, Operators operators) {
    try {
      awaitThat("Job " + job + " to finish", SETTLE_TIMEOUT, () -> {
        Job j = SpaceOneCluster.job(admin, ns, job);
        return j != null && j.getStatus() != null && j.getStatus().getFinishedAt() != null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + SpaceOneCluster.describe(admin, ns, job) + "\n" + operators.tails(), e);
    }
  }

  private static void awaitThat(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
    SpaceOneCluster.awaitThat(what, timeout, condition);
  }

  // ------------------------------------------------------------------ the operator processes

  /** The operator processes: each with its own identity, certificate and fault proxy. */
  private final class Operators implements AutoCloseable {
    private final ControlPlane plane;
    private final Path workDir;
    private final long seed;
    private final Map<String, String> env;
    private final int apiServerPort;
    private final List<OperatorProcess> all = new ArrayList<>();

    Operators(ControlPlane plane, Path workDir, long seed, Map<String, String> env) {
      this.plane = plane;
      this.workDir = workDir;
      this.seed = seed;
      this.env = env;
      this.apiServerPort = URI.create(plane.apiServerUrl()).getPort();
      // An interrupted run (Ctrl-C, the fork's timeout) must not leave operator JVMs behind.
      Runtime.getRuntime().addShutdownHook(new Thread(this::close, "chaos-operators-shutdown"));
    }

    synchronized void start() {
      int n = all.size() + 1;
      String identity = OPERATOR_PREFIX + n;
      Pki.Issued cert = plane.issueClientCertificate(identity, "system:masters",
          dev.spaceone.testkit.LocalControlPlane.AUDITED_GROUP);
      try {
        FaultProxy proxy = new FaultProxy(cert.sslContext(plane.clusterCa().certificate()), apiServerPort,
            FAULT_RATE, seed + n, () -> true);
        all.add(OperatorProcess.start(identity, proxy, workDir, env));
        starts.incrementAndGet();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    synchronized int alive() {
      return (int) all.stream().filter(OperatorProcess::alive).count();
    }

    /** Kills the leader when {@code choice} is not 0 (and it lives), else another live process; false if none. */
    synchronized boolean kill(int choice, String leader) {
      List<OperatorProcess> alive = all.stream().filter(OperatorProcess::alive).toList();
      if (alive.isEmpty()) {
        return false;
      }
      List<OperatorProcess> followers = alive.stream().filter(p -> !p.identity.equals(leader)).toList();
      List<OperatorProcess> leaders = alive.stream().filter(p -> p.identity.equals(leader)).toList();
      OperatorProcess victim = choice != 0 && !leaders.isEmpty() ? leaders.get(0)
          : followers.isEmpty() ? alive.get(0) : followers.get(0);
      System.err.println("[chaos] kill -9 " + victim.identity + (victim.identity.equals(leader) ? " (leader)" : "")
          + " (pid " + victim.pid() + ")");
      victim.kill();
      return true;
    }

    synchronized boolean isAlive(String identity) {
      return all.stream().anyMatch(p -> p.identity.equals(identity) && p.alive());
    }

    synchronized long injected(FaultProxy.Fault fault) {
      return all.stream().mapToLong(p -> p.proxy.injected(fault)).sum();
    }

    synchronized long requests() {
      return all.stream().mapToLong(p -> p.proxy.requests()).sum();
    }

    synchronized String tails() {
      return all.stream().map(p -> "---- " + p.identity + (p.alive() ? " (alive)" : " (dead)") + ":\n" + p.tail())
          .collect(Collectors.joining("\n"));
    }

    @Override
    public synchronized void close() {
      all.stream().filter(OperatorProcess::alive).forEach(OperatorProcess::kill);
      all.forEach(p -> p.proxy.close());
    }
  }
}
