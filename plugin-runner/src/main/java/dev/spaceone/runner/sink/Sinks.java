package dev.spaceone.runner.sink;

import dev.spaceone.runner.result.ErrorCodes;
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
  public static ResourceSink open(String type, Path sinkDir, PrintStream stdout) throws SinkException {
    return switch (type) {
      case "none" -> StatelessSink.none();
      case "log" -> StatelessSink.log(stdout);
      case "postgres" -> throw new SinkException(ErrorCodes.SINK,
          "sink postgres is not available in this runner build (the resource store is not part of it yet)", null);
      default -> throw new SinkException(ErrorCodes.INVALID_TASK,
          "task.json sink must be none, log or postgres, not '" + type + "'", null);
    };
  }
}
