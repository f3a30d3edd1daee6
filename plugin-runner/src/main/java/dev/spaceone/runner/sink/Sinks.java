package dev.spaceone.runner.sink;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.Task;
import java.io.PrintStream;
import java.nio.file.Path;

/** The sink a task names in task.json ("sink"). */
public final class Sinks {
  private Sinks() {
  }

  /**
   * @param sinkDir the sink Secret's files (SPACEONE_SINK_DIR), for postgres
   * @param stdout where the log sink prints
   */
  public static ResourceSink open(Task task, Path sinkDir, PrintStream stdout) throws SinkException {
    return switch (task.sink()) {
      case "none" -> StatelessSink.none();
      case "log" -> StatelessSink.log(stdout);
      case "postgres" -> PostgresSink.open(task, sinkDir);
      default -> throw new SinkException(ErrorCodes.INVALID_TASK,
          "task.json sink must be none, log or postgres, not '" + task.sink() + "'", null);
    };
  }
}
