package dev.spaceone.operator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 3: hostile queries and clients while a Job of 50 tasks runs in the same process. Every
 * health poll (management and query port) answers within the probe timeout, no query fails with an error
 * (an OutOfMemoryError or a stack overflow would be a 500), the server turns the excess away with 429s and
 * the Job succeeds. How much the Job slowed is a timing, measured by {@code bench/run isolation}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IsolationTest {
  @TempDir
  Path dir;

  @Test
  void hostileQueriesNeitherSilenceHealthNorFailTheJob() throws Exception {
    IsolationRun.Result r = IsolationRun.run(dir, 12, 20_000);
    System.out.println("ISOLATION " + r);
    assertEquals(java.util.List.of(), r.failedPolls(),
        "every /healthz and /readyz poll answers 200 within " + IsolationRun.PROBE_TIMEOUT);
    assertTrue(r.polls() > 10, "health was polled throughout: " + r.polls());
    assertTrue(r.hostileRequests() > 50, "the hostile clients did run: " + r.hostileRequests());
    assertEquals(0, r.answers().getOrDefault(500, 0), "no query failed with an error (500): " + r.answers());
    assertTrue(r.rejected() > 0, "the caps turned some away: " + r);
  }
}
