package dev.spaceone.operator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.testing.PlanFixture;
import dev.spaceone.operator.testing.PlanFixture.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanReaderTest {
  static final PlanFixture PLAN = PlanFixture.of(List.of(
      new Task(Map.of("account", "a1", "start", "2024-01"), Map.of("start", "2024-01", "filter", Map.of("account", "a1"))),
      new Task(Map.of("account", "a2"), null),
      new Task(null, null)),
      List.of(Map.of("start", "2024-01", "end", "2024-02")), List.of("sa-1", "sa-2"));

  static Plan valid(PlanFixture fixture) {
    return assertInstanceOf(PlanReader.Valid.class, PlanReader.read(fixture.log(), fixture.result())).plan();
  }

  static String invalid(String log, String result) {
    PlanReader.Invalid invalid = assertInstanceOf(PlanReader.Invalid.class, PlanReader.read(log, result));
    assertEquals(ErrorCodes.GET_JOB_TASKS, invalid.errorCode());
    return invalid.message();
  }

  @Test
  void readsTheTasksInOrderWithTheirOptionsAndChanged() {
    Plan plan = valid(PLAN);
    assertEquals(3, plan.tasks().size());
    assertEquals(Map.of("account", "a1", "start", "2024-01"), plan.tasks().get(0).taskOptions());
    assertEquals("2024-01", plan.tasks().get(0).taskChanged().getStart());
    assertNull(plan.tasks().get(0).taskChanged().getEnd());
    assertEquals(Map.of("account", "a1"), plan.tasks().get(0).taskChanged().getFilter());
    assertEquals(Map.of("account", "a2"), plan.tasks().get(1).taskOptions());
    assertNull(plan.tasks().get(1).taskChanged());
    assertNull(plan.tasks().get(2).taskOptions());
    assertEquals(1, plan.changed().size());
    assertEquals("2024-02", plan.changed().get(0).getEnd());
    assertEquals(List.of("sa-1", "sa-2"), plan.syncedAccounts().stream().map(a -> a.getAccountId()).toList());
    assertEquals(64, plan.sha256().length());
  }

  @Test
  void otherLogLinesAreSkipped() {
    Plan plan = valid(new PlanFixture("noise\nSPACEONE_PLANNOT a plan line\n" + PLAN.log() + "runner: done\n",
        PLAN.result()));
    assertEquals(3, plan.tasks().size());
  }

  @Test
  void aCutLogIsRejected() {
    String cut = PLAN.log().substring(0, PLAN.log().lastIndexOf(PlanReader.PREFIX));
    assertTrue(invalid(cut, PLAN.result()).contains("no end line"));
    String withoutTask = PLAN.log().replaceFirst("SPACEONE_PLAN \\{\"kind\":\"task\"[^\n]*\n", "");
    assertTrue(invalid(withoutTask, PLAN.result()).contains("is not the one the runner reported"));
  }

  @Test
  void aChangedTaskLineIsCaughtByTheDigest() {
    String changed = PLAN.log().replace("\"a2\"", "\"a3\"");
    assertTrue(invalid(changed, PLAN.result()).contains("sha256"));
  }

  @Test
  void theResultMustCarryTheCountAndDigest() {
    assertTrue(invalid(PLAN.log(), "{\"created_count\": 1}").contains("plan_tasks"));
    assertTrue(invalid(PLAN.log(), null).contains("plan_tasks"));
    assertTrue(invalid(PLAN.log(), "not json").contains("plan_tasks"));
  }

  @Test
  void contentThatCannotBecomeATaskIsRejectedWithItsPlace() {
    PlanFixture badMonth = PlanFixture.of(List.of(new Task(null, Map.of("start", "2024-01-15"))), List.of(), List.of());
    assertTrue(invalid(badMonth.log(), badMonth.result()).contains("task 0: task_changed.start must be a month"));
    PlanFixture backwards = PlanFixture.of(List.of(), List.of(Map.of("start", "2024-03", "end", "2024-01")), List.of());
    assertTrue(invalid(backwards.log(), backwards.result()).contains("changed[0]: start 2024-03 is after end"));
    assertTrue(invalid("SPACEONE_PLAN {oops\n", PLAN.result()).contains("line 1 is not JSON"));
    assertTrue(invalid("SPACEONE_PLAN {\"kind\":\"what\"}\n", PLAN.result()).contains("unknown kind"));
  }

  @Test
  void moreThanTenThousandTasksAreRefused() {
    assertTrue(invalid("", "{\"plan_tasks\": 10001, \"plan_sha256\": \"00\"}").contains("more than 10000"));
  }

  @Test
  void tenThousandTasksAreRead() {
    PlanFixture big = PlanFixture.ofCounts(10_000, 1, 0);
    long started = System.nanoTime();
    Plan plan = valid(big);
    System.out.printf("PlanReader: 10,000 tasks (%d KiB of log) read in %d ms%n", big.log().length() / 1024,
        (System.nanoTime() - started) / 1_000_000);
    assertEquals(10_000, plan.tasks().size());
  }
}
