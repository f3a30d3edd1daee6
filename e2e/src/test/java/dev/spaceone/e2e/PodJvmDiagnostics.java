package dev.spaceone.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the real node knows about a JVM pod at this moment, for failure messages: the container's restarts and last
 * termination, its cgroup's memory and CPU figures, the process's /proc status and a thread dump (SIGQUIT makes the
 * JVM print one to its stdout, read back through the pod's log). The test runs as root on the node's host, so the
 * container's process and cgroups are plain host paths.
 */
final class PodJvmDiagnostics {
  private static final List<String> MEMORY_FILES = List.of("memory.usage_in_bytes", "memory.max_usage_in_bytes",
      "memory.limit_in_bytes", "memory.failcnt", "memory.oom_control", "memory.stat",
      // cgroup v2 names, for a node on the unified hierarchy
      "memory.current", "memory.max", "memory.events");
  private static final List<String> CPU_FILES = List.of("cpu.stat", "cpuacct.usage", "cpu.cfs_quota_us",
      "cpu.shares", "cpu.max");
  private static final Duration DUMP_WAIT = Duration.ofSeconds(15);

  private PodJvmDiagnostics() {}

  /** Everything below for the pod's first container; never throws (each part says why it is missing). */
  static String of(RealNodeCluster cluster, Pod pod) {
    return of(cluster, pod, true);
  }

  /** As {@link #of(RealNodeCluster, Pod)}, the thread dump only if {@code threadDump}. */
  static String of(RealNodeCluster cluster, Pod pod, boolean threadDump) {
    StringBuilder text = new StringBuilder("\n--- JVM diagnostics of pod " + pod.getMetadata().getName() + " at "
        + Instant.now() + "\n");
    try {
      List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
      if (statuses == null || statuses.isEmpty() || statuses.get(0).getContainerID() == null) {
        return text.append("(no container yet)\n").toString();
      }
      ContainerStatus status = statuses.get(0);
      text.append("restarts ").append(status.getRestartCount()).append(", last termination ")
          .append(status.getLastState() == null ? null : status.getLastState().getTerminated()).append('\n');
      String id = status.getContainerID().replaceFirst("^[a-z]+://", "");
      long pid = hostPid(cluster, id);
      text.append("host pid ").append(pid).append(", load ").append(read(Paths.get("/proc/loadavg")));
      text.append(procStatus(pid));
      text.append(cgroups(pid));
      if (threadDump) {
        text.append(threadDump(cluster.plane.client(), pod, pid));
      }
    } catch (RuntimeException e) {
      text.append("(diagnostics failed: ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** The container's task pid on the host, from containerd. */
  private static long hostPid(RealNodeCluster cluster, String containerId) {
    for (String line : cluster.node.ctr("tasks", "ls").split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 2 && cols[0].equals(containerId)) {
        return Long.parseLong(cols[1]);
      }
    }
    throw new IllegalStateException("containerd has no task " + containerId);
  }

  private static String procStatus(long pid) {
    StringBuilder text = new StringBuilder();
    for (String line : read(Paths.get("/proc/" + pid + "/status")).split("\n")) {
      if (line.startsWith("State") || line.startsWith("Vm") || line.startsWith("Rss") || line.startsWith("Threads")
          || line.contains("ctxt_switches")) {
        text.append(line).append('\n');
      }
    }
    // utime and stime (fields 14, 15) in clock ticks, for CPU seconds used so far.
    String stat = read(Paths.get("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    if (fields.length > 13) {
      text.append("utime+stime ticks ").append(fields[11]).append('+').append(fields[12]).append('\n');
    }
    // schedstat per thread: ns on a CPU, ns runnable but waiting for one (CPU starvation shows as the second).
    long onCpu = 0;
    long waiting = 0;
    try (java.util.stream.Stream<Path> tasks = Files.list(Paths.get("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String[] sched = read(task.resolve("schedstat")).trim().split("\\s+");
        if (sched.length >= 2 && sched[0].matches("\\d+") && sched[1].matches("\\d+")) {
          onCpu += Long.parseLong(sched[0]);
          waiting += Long.parseLong(sched[1]);
        }
      }
      text.append("threads' schedstat: on CPU ").append(onCpu / 1_000_000).append(" ms, runnable waiting ")
          .append(waiting / 1_000_000).append(" ms\n");
    } catch (IOException e) {
      text.append("(no schedstat: ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** The memory and CPU files of the process's cgroups (v1: one line per hierarchy; v2: the line "0::path"). */
  private static String cgroups(long pid) {
    StringBuilder text = new StringBuilder();
    for (String line : read(Paths.get("/proc/" + pid + "/cgroup")).split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      boolean v2 = parts[0].equals("0") && parts[1].isEmpty();
      boolean memory = v2 || List.of(parts[1].split(",")).contains("memory");
      boolean cpu = v2 || List.of(parts[1].split(",")).contains("cpu");
      if (!memory && !cpu) {
        continue;
      }
      Path dir = v2 ? Paths.get("/sys/fs/cgroup", parts[2]) : Paths.get("/sys/fs/cgroup", parts[1], parts[2]);
      for (String file : memory ? MEMORY_FILES : List.<String>of()) {
        appendFile(text, dir.resolve(file));
      }
      for (String file : cpu ? CPU_FILES : List.<String>of()) {
        appendFile(text, dir.resolve(file));
      }
    }
    return text.toString();
  }

  private static void appendFile(StringBuilder text, Path file) {
    if (Files.isReadable(file)) {
      String content = read(file).strip();
      text.append(file).append(content.contains("\n") ? ":\n" : ": ").append(content).append('\n');
    }
  }

  /** SIGQUIT, then the log from the dump's first line once its end ("JNI global refs") is there. */
  private static String threadDump(KubernetesClient client, Pod pod, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        return "(kill -QUIT " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()) + ")\n";
      }
      long deadline = System.nanoTime() + DUMP_WAIT.toNanos();
      String log = "";
      while (System.nanoTime() < deadline) {
        log = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .tailingLines(4000).getLog();
        int start = log.lastIndexOf("Full thread dump");
        if (start >= 0 && log.indexOf("JNI global refs", start) > 0) {
          return "thread dump:\n" + log.substring(start) + "\n";
        }
        Thread.sleep(500);
      }
      return "(no complete thread dump in the log within " + DUMP_WAIT.toSeconds() + " s; its last 4000 lines end:\n"
          + log.substring(Math.max(0, log.length() - 4000)) + ")\n";
    } catch (IOException | RuntimeException e) {
      return "(thread dump failed: " + e + ")\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(thread dump interrupted)\n";
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }

  /**
   * Polls a pod's HTTP endpoint as the kubelet's probe would and, the first times it answers late or not at all,
   * records the diagnostics at that moment: a stall is seen while it lasts, not only when a test times out later.
   */
  static final class StallWatch implements AutoCloseable {
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_SNAPSHOTS = 3;

    /** Polls between two figure readings (about 20 s): a thread dump is only taken at a stall. */
    private static final int FIGURES_EVERY = 10;

    private final Thread thread;
    private final StringBuffer seen = new StringBuffer();
    private volatile String lastFigures = "";
    private volatile boolean closed;

    /** {@code pod} is looked up on each poll, so a restarted or replaced pod is followed. */
    StallWatch(RealNodeCluster cluster, java.util.function.Supplier<Pod> pod, int port, String path) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      thread = new Thread(() -> {
        int snapshots = 0;
        int polls = 0;
        while (!closed) {
          Pod current = null;
          try {
            current = pod.get();
          } catch (RuntimeException e) {
            // the API server is busy or the pod is being replaced; the next poll retries
          }
          String ip = current == null || current.getStatus() == null ? null : current.getStatus().getPodIP();
          if (ip != null) {
            long started = System.nanoTime();
            String problem;
            try {
              int code = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path))
                  .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
              problem = code == 200 ? null : "answered " + code;
            } catch (IOException e) {
              problem = e.toString();
            } catch (InterruptedException e) {
              return;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (polls++ % FIGURES_EVERY == 0) {
              lastFigures = of(cluster, current, false);
            }
            if (problem != null || ms > 1000) {
              String what = Instant.now() + " " + path + " of " + current.getMetadata().getName() + " after " + ms
                  + " ms: " + (problem == null ? "slow" : problem);
              System.err.println("[e2e] stall watch: " + what);
              seen.append('\n').append(what);
              if (problem != null && snapshots < MAX_SNAPSHOTS && !closed) {
                snapshots++;
                String diagnostics = of(cluster, current);
                System.err.println("[e2e] stall watch diagnostics:" + diagnostics);
                seen.append(diagnostics);
              }
            }
          }
          try {
            Thread.sleep(PERIOD.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "stall-watch");
      thread.setDaemon(true);
      thread.start();
    }

    /** Late or failed answers seen so far, with the diagnostics taken at the first few. */
    String seen() {
      return seen.length() == 0 ? "" : "\n--- stall watch:" + seen;
    }

    /** The figures (no thread dump) of the last few polls. */
    String lastFigures() {
      return lastFigures;
    }

    @Override
    public void close() {
      closed = true;
      thread.interrupt();
    }
  }
}
