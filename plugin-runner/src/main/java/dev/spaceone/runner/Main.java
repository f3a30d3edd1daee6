package dev.spaceone.runner;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.result.ErrorInfo;
import dev.spaceone.runner.result.TaskResult;
import java.nio.file.Path;

/**
 * {@code java -jar spaceone-plugin-runner.jar collect|plan}: the main container of a task pod whose plugin is a
 * SpaceONE gRPC plugin (the pod's sidecar). Environment: PLUGIN-RUNNER-CONTRACT.md.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    String mode = args.length == 1 ? args[0] : "";
    if (!mode.equals("collect") && !mode.equals("plan")) {
      System.err.println("usage: spaceone-plugin-runner collect|plan");
      System.exit(2);
    }
    RunnerSettings settings;
    try {
      settings = RunnerSettings.fromEnvironment(mode, System.getenv());
    } catch (IllegalArgumentException e) {
      Log.info(e.getMessage());
      String resultFile = System.getenv("SPACEONE_RESULT_FILE");
      if (resultFile != null && !resultFile.isBlank()) {
        TaskResult result = new TaskResult();
        result.addTaskFailure(new ErrorInfo(ErrorCodes.INVALID_TASK, e.getMessage()));
        new ResultFile(Path.of(resultFile)).write(result.toJson());
      }
      System.exit(1);
      return;
    }
    Runner runner = new Runner(settings, deadline -> PluginConnection.open(settings.endpoint(),
        settings.connectTimeout(), deadline, settings.unaryTimeout(), PluginConnection.MAX_INBOUND_BYTES),
        System.out, code -> Runtime.getRuntime().halt(code));
    int code = runner.run();
    System.out.flush();
    System.exit(code);
  }
}
