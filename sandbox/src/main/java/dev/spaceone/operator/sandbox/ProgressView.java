package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shows the Jobs and their tasks while they run. On a terminal ({@code System.console() != null}) a compact table is
 * redrawn in place with ANSI escapes; otherwise (a pipe, a CI log) a plain line per Job is printed when it changed,
 * at most once a second, each with a progress bar.
 */
final class ProgressView {
  static final int MAX_TASK_ROWS = 12;
  private static final int BAR = 20;
  private static final String CLEAR_LINE = "\033[2K";

  private final PrintStream out;
  private final boolean terminal;
  private final long startedNanos = System.nanoTime();
  private int drawnLines;
  private List<String> lastPlain = List.of();
  private long lastPlainNanos;

  ProgressView(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** One Job and its tasks, as last read; {@code job} is null until the Job exists. */
  record JobView(String name, Job job, List<JobTask> tasks) {
  }

  void show(List<JobView> jobs) {
    if (terminal) {
      redraw(table(jobs, elapsed()));
    } else {
      List<String> lines = jobs.stream().map(ProgressView::plainLine).toList();
      long now = System.nanoTime();
      if (!lines.equals(lastPlain) && now - lastPlainNanos >= Duration.ofSeconds(1).toNanos()) {
        lines.forEach(line -> out.println(String.format("%6.1fs ", elapsed().toMillis() / 1000.0) + line));
        out.flush();
        lastPlain = lines;
        lastPlainNanos = now;
      }
    }
  }

  /** The last frame, whatever changed: the table on a terminal, the lines otherwise. */
  void finish(List<JobView> jobs) {
    if (terminal) {
      redraw(table(jobs, elapsed()));
    } else {
      List<String> lines = jobs.stream().map(ProgressView::plainLine).toList();
      if (!lines.equals(lastPlain)) {
        lines.forEach(line -> out.println(String.format("%6.1fs ", elapsed().toMillis() / 1000.0) + line));
      }
      out.flush();
    }
    drawnLines = 0;
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private void redraw(List<String> lines) {
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append("\033[").append(drawnLines).append('A').append('\r');
    }
    for (String line : lines) {
      frame.append(CLEAR_LINE).append(line).append('\n');
    }
    // Lines left over from a longer previous frame.
    for (int i = lines.size(); i < drawnLines; i++) {
      frame.append(CLEAR_LINE).append('\n');
    }
    int extra = Math.max(0, drawnLines - lines.size());
    if (extra > 0) {
      frame.append("\033[").append(extra).append('A');
    }
    out.print(frame);
    out.flush();
    drawnLines = lines.size();
  }

  /** The table: a header, one row per Job and, under it, one per task (at most {@value #MAX_TASK_ROWS}). */
  static List<String> table(List<JobView> jobs, Duration elapsed) {
    List<String> lines = new ArrayList<>();
    int width = 28;
    for (JobView view : jobs) {
      width = Math.max(width, view.name().length());
      for (JobTask task : view.tasks()) {
        width = Math.max(width, task.getMetadata().getName().length() + 2);
      }
    }
    String name = "%-" + width + "s";
    String taskName = "  %-" + (width - 2) + "s";
    lines.add(String.format(name + " %-12s %-28s %8s %8s %8s   %.1fs", "JOB / TASK", "STATUS", "PROGRESS", "CREATED",
        "UPDATED", "FAILURES", elapsed.toMillis() / 1000.0));
    for (JobView view : jobs) {
      JobStatus s = view.job() == null ? null : view.job().getStatus();
      if (s == null || s.getStatus() == null) {
        lines.add(String.format(name + " %-12s", view.name(), "-"));
      } else {
        lines.add(String.format(name + " %-12s %-28s %8d %8d %8d", view.name(), s.getStatus(),
            bar(done(s), s.getTotalTasks()) + " " + done(s) + "/" + s.getTotalTasks(), s.getCreatedCount(),
            s.getUpdatedCount(), s.getFailureTasks()));
      }
      List<JobTask> tasks = view.tasks();
      for (int i = 0; i < Math.min(tasks.size(), MAX_TASK_ROWS); i++) {
        JobTask task = tasks.get(i);
        JobTaskStatus ts = task.getStatus();
        String state = ts == null || ts.getStatus() == null ? "PENDING" : ts.getStatus().name();
        String detail = ts == null ? "" : "attempt " + Math.max(ts.getAttempts(), 0)
            + (ts.getErrorCode() == null ? "" : "  " + ts.getErrorCode());
        lines.add(String.format(taskName + " %-12s %-28s %8d %8d %8s", task.getMetadata().getName(), state,
            shorten(detail, 28), ts == null ? 0 : ts.getCreatedCount(), ts == null ? 0 : ts.getUpdatedCount(),
            ts == null ? "" : String.valueOf(ts.getFailureCount())));
      }
      if (tasks.size() > MAX_TASK_ROWS) {
        lines.add("  ... and " + (tasks.size() - MAX_TASK_ROWS) + " more tasks");
      }
    }
    return lines;
  }

  static String plainLine(JobView view) {
    JobStatus s = view.job() == null ? null : view.job().getStatus();
    if (s == null || s.getStatus() == null) {
      return bar(0, 0) + " " + view.name() + " waiting for the operator";
    }
    Map<String, Long> byState = new java.util.TreeMap<>();
    view.tasks().forEach(t -> byState.merge(t.getStatus() == null || t.getStatus().getStatus() == null ? "PENDING"
        : t.getStatus().getStatus().name(), 1L, Long::sum));
    return bar(done(s), s.getTotalTasks()) + " " + view.name() + " " + s.getStatus() + " tasks " + done(s) + "/"
        + s.getTotalTasks() + " created=" + s.getCreatedCount() + " updated=" + s.getUpdatedCount() + " failures="
        + s.getFailureTasks() + (byState.isEmpty() ? "" : " " + byState);
  }

  /** Finished tasks: succeeded, failed or canceled. */
  static int done(JobStatus s) {
    return s.getSuccessTasks() + s.getFailureTasks() + s.getCanceledTasks();
  }

  static String bar(int done, int total) {
    int filled = total <= 0 ? 0 : (int) Math.round((double) BAR * done / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "~";
  }
}
