package dev.spaceone.e2e.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU seconds of this process and its descendants (the control plane, KWOK, the scheduler, the operator), by
 * program name, so that a run tells which process its time went to, not only its wall time.
 */
final class ProcessCpu {
  private final Map<String, Double> seconds;

  private ProcessCpu(Map<String, Double> seconds) {
    this.seconds = seconds;
  }

  /** A snapshot now; {@code operatorPid} is named "operator" (the other java process is the bench itself). */
  static ProcessCpu snapshot(long operatorPid) {
    Map<String, Double> byName = new TreeMap<>();
    ProcessHandle self = ProcessHandle.current();
    add(byName, "bench", self);
    self.descendants().forEach(p -> add(byName, p.pid() == operatorPid ? "operator" : name(p), p));
    return new ProcessCpu(byName);
  }

  private static void add(Map<String, Double> byName, String name, ProcessHandle process) {
    process.info().totalCpuDuration().map(Duration::toNanos)
        .ifPresent(nanos -> byName.merge(name, nanos / 1e9, Double::sum));
  }

  private static String name(ProcessHandle process) {
    String command = process.info().command().orElse("unknown");
    return command.substring(command.lastIndexOf('/') + 1);
  }

  /** CPU seconds spent since {@code before}, by program, largest first, and their sum. */
  String since(ProcessCpu before) {
    Map<String, Double> delta = new TreeMap<>();
    seconds.forEach((name, s) -> {
      double d = s - before.seconds.getOrDefault(name, 0.0);
      if (d >= 0.05) {
        delta.put(name, d);
      }
    });
    double total = delta.values().stream().mapToDouble(Double::doubleValue).sum();
    return delta.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s=%.1f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(" ", String.format(Locale.ROOT, "cpu_s total=%.1f ", total), ""));
  }
}
