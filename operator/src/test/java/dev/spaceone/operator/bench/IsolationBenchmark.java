package dev.spaceone.operator.bench;

import dev.spaceone.operator.query.IsolationRun;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issue 17, item 3, as timings: a Job of 50 tasks on a quiet operator, then under 16 hostile query
 * clients in the same process. Target: the loaded Job within 20% of the quiet one. Run by
 * {@code bench/run isolation}; ends with one BENCH line.
 */
public final class IsolationBenchmark {
  private IsolationBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Path dir = Files.createTempDirectory("isolation-bench");
    IsolationRun.Result r = IsolationRun.run(dir, 16, 20_000);
    System.out.println("failed polls: " + r.failedPolls());
    System.out.println("BENCH isolation " + r);
    System.exit(0);
  }
}
