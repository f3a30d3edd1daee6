package dev.spaceone.runner;

import com.google.protobuf.Struct;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.cost.CostCollection;
import dev.spaceone.runner.cost.CostPlan;
import dev.spaceone.runner.grpc.PluginCallException;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.inventory.InventoryCollection;
import dev.spaceone.runner.result.ErrorInfo;
import dev.spaceone.runner.result.TaskResult;
import dev.spaceone.runner.sink.ResourceSink;
import dev.spaceone.runner.sink.SinkException;
import dev.spaceone.runner.sink.Sinks;
import io.grpc.Deadline;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One run of the runner: a task ({@code collect}) or a cost plan ({@code plan}). Writes the result file in every
 * case and returns the exit code: 0 when the collection ran to its end (failures included), 1 when it could not
 * (bad input, plugin unreachable, stream broken, deadline).
 */
public final class Runner {
  /** Opens the plugin connection; the real one waits for the TCP port, tests hand over in-process channels. */
  public interface Connector {
    PluginConnection connect(Deadline deadline) throws PluginCallException;
  }

  private final RunnerSettings settings;
  private final Connector connector;
  private final PrintStream stdout;
  private final IntConsumer halt;

  /**
   * @param stdout the plan's lines and the log sink's records
   * @param halt ends the process when the watchdog fires (Runtime.halt in production)
   */
  public Runner(RunnerSettings settings, Connector connector, PrintStream stdout, IntConsumer halt) {
    this.settings = settings;
    this.connector = connector;
    this.stdout = stdout;
    this.halt = halt;
  }

  public int run() {
    ResultFile resultFile = new ResultFile(settings.resultFile());
    TaskResult result = new TaskResult();
    Deadline deadline = Deadline.after(settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "deadline-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    // After the deadline the calls end by themselves; the watchdog is for whatever does not (a stuck sink).
    watchdog.schedule(() -> {
      result.addTaskFailure(new ErrorInfo(ErrorCodes.PLUGIN_TIMEOUT,
          "task deadline of " + settings.deadline().toSeconds() + " s reached; the runner was stopped"));
      if (resultFile.write(result.toJson())) {
        Log.info("deadline passed and the run did not end: stopping");
        halt.accept(1);
      }
    }, settings.watchdog().toMillis(), TimeUnit.MILLISECONDS);
    try {
      return runTask(resultFile, result, deadline);
    } finally {
      watchdog.shutdownNow();
    }
  }

  private int runTask(ResultFile resultFile, TaskResult result, Deadline deadline) {
    Task task;
    Struct secretData;
    try {
      task = Task.read(settings.taskFile());
      secretData = SecretData.read(settings.secretDir());
    } catch (Task.InvalidTaskException e) {
      return fail(resultFile, result, new ErrorInfo(ErrorCodes.INVALID_TASK, e.getMessage()));
    } catch (IOException e) {
      return fail(resultFile, result, new ErrorInfo(ErrorCodes.INVALID_TASK,
          "cannot read the Secret directory " + settings.secretDir() + ": " + e.getClass().getSimpleName()));
    }
    boolean plan = "plan".equals(settings.mode());
    if (plan && !Task.COST_ANALYSIS.equals(task.service())) {
      return fail(resultFile, result, new ErrorInfo(ErrorCodes.INVALID_TASK,
          "plan mode divides cost-analysis Jobs only, not " + task.service()));
    }
    Log.info((plan ? "planning " : "collecting ") + task.service() + " task " + task.jobTaskId() + " of job "
        + task.jobId() + " on " + settings.endpoint() + ", deadline " + settings.deadline().toSeconds() + " s");
    try (PluginConnection plugin = connector.connect(deadline)) {
      if (plan) {
        resultFile.write(new CostPlan(plugin, task, secretData).run(stdout).toString());
        return 0;
      }
      try (ResourceSink sink = Sinks.open(task, settings.sinkDir(), stdout)) {
        if (Task.INVENTORY.equals(task.service())) {
          new InventoryCollection(plugin, task, secretData, sink, result).run();
        } else {
          new CostCollection(plugin, task, secretData, sink, result).run();
        }
      }
    } catch (PluginCallException e) {
      return fail(resultFile, result, e.error());
    } catch (SinkException e) {
      return fail(resultFile, result, new ErrorInfo(e.errorCode(), e.getMessage()));
    }
    Log.info("done: created " + result.createdCount() + ", updated " + result.updatedCount() + ", failures "
        + result.failureCount());
    resultFile.write(result.toJson());
    return 0;
  }

  private static int fail(ResultFile resultFile, TaskResult result, ErrorInfo error) {
    Log.info("failed: " + error.errorCode() + ": " + error.message());
    result.addTaskFailure(error);
    resultFile.write(result.toJson());
    return 1;
  }
}
