package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, engine side: hostile queries are bounded by a linear-time regex engine, size limits checked before
 * any record is read, and a deadline, memory budget and cancellation checked while the records are scanned.
 */
class QueryBudgetTest {
  private final QueryEngine engine = new QueryEngine("job_task_id", List.of("job_task_id"), TestData.CLOCK);

  private static List<Map<String, Object>> tasks(int n, String name) {
    List<Map<String, Object>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("job_task_id", String.format("t%06d", i));
      r.put("name", name);
      r.put("status", i % 3 == 0 ? "FAILURE" : "SUCCESS");
      r.put("options", Map.of("region", "region-" + (i % 7), "filter", List.of("a", "b", "c", "d")));
      r.put("a", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
      r.put("b", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
      r.put("c", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
      out.add(r);
    }
    return out;
  }

  private static QueryException limit(QueryException.Kind kind, org.junit.jupiter.api.function.Executable query) {
    QueryException e = assertThrows(QueryException.class, query);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  // Finding 1: backtracking regexes. java.util.regex needs 2^30 steps for ((a+)+)+$ over 30 a's and a '!';
  // RE2/J is linear. The timeout only guards the build against a regression; it is no speed target.
  @Test
  void regexesCannotBacktrack() {
    List<Map<String, Object>> records = tasks(400, "a".repeat(30) + "!");
    for (String query : List.of("{'filter':[{'k':'name','v':'((a+)+)+$','o':'regex'}]}",
        "{'filter':[{'k':'name','v':['x','((a+)+)+$'],'o':'regex_in'}]}")) {
      SearchResult r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> engine.search(records, json(query)));
      assertEquals(0, r.totalCount(), query);
    }
    StatResult stat = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> engine.stat(records, json(
        "{'aggregate':[{'match':{'filter':[{'k':'name','v':'((a+)+)+$','o':'contain'}]}},{'count':{'name':'n'}}]}")));
    assertEquals(List.of(), stat.results());
  }

  @Test
  void aLongValueDoesNotOverflowTheStack() throws QueryException {
    // java.util.regex recurses per repetition of (a|b)* and threw StackOverflowError on 20,000 characters.
    List<Map<String, Object>> records = tasks(3, "ab".repeat(10_000) + "c");
    assertEquals(3, engine.search(records, json("{'filter':[{'k':'name','v':'^(a|b)*c$','o':'regex'}]}"))
        .totalCount());
  }

  @Test
  void pcreOnlySyntaxIsA422NamingTheValue() {
    QueryException e = limit(QueryException.Kind.INVALID,
        () -> engine.search(tasks(1, "x"), json("{'filter':[{'k':'name','v':'(a)\\\\1','o':'regex'}]}")));
    assertEquals("query.filter[0].v", e.field());
    assertTrue(e.reason().contains("RE2"), e.reason());
  }

  // Finding 3: sizes.
  @Test
  void tooManyValuesInOneCondition() {
    ArrayNode values = TestData.JSON.createArrayNode();
    for (int i = 0; i < 245_010; i++) {
      values.add("v" + i);
    }
    for (String operator : List.of("regex_in", "contain_in", "in", "not_contain_in")) {
      ObjectNode query = TestData.JSON.createObjectNode();
      query.putArray("filter").addObject().put("k", "name").put("o", operator).set("v", values);
      QueryException e = limit(QueryException.Kind.LIMIT, () -> engine.search(tasks(1, "x"), query));
      assertEquals("query.filter[0].v", e.field());
      assertEquals("has 245010 values; the limit is 1000 values (QUERY_MAX_VALUES_PER_CONDITION)", e.reason());
    }
  }

  @Test
  void tooManyOnlyKeysConditionsFieldsAndGroupKeys() {
    ObjectNode only = TestData.JSON.createObjectNode();
    ArrayNode keys = only.putArray("only");
    for (int i = 0; i < 20_000; i++) {
      keys.add("k" + i);
    }
    assertEquals("query.only", limit(QueryException.Kind.LIMIT, () -> engine.search(tasks(1, "x"), only)).field());

    ObjectNode filters = TestData.JSON.createObjectNode();
    ArrayNode filter = filters.putArray("filter");
    ArrayNode filterOr = filters.putArray("filter_or");
    for (int i = 0; i < 60; i++) {
      filter.addObject().put("k", "name").put("v", "x").put("o", "eq");
      filterOr.addObject().put("k", "name").put("v", "x").put("o", "eq");
    }
    QueryException conditions = limit(QueryException.Kind.LIMIT, () -> engine.search(tasks(1, "x"), filters));
    assertEquals("query.filter_or", conditions.field(), "60 + 60 conditions pass the limit in filter_or");
    assertTrue(conditions.reason().endsWith("the limit is 100 conditions (QUERY_MAX_CONDITIONS)"));

    ObjectNode analyze = TestData.JSON.createObjectNode();
    ArrayNode groupBy = analyze.putArray("group_by");
    for (int i = 0; i < 20_000; i++) {
      groupBy.add("k" + i);
    }
    analyze.putObject("fields").putObject("n").put("operator", "count");
    assertEquals("query.group_by",
        limit(QueryException.Kind.LIMIT, () -> engine.analyze(tasks(1, "x"), analyze)).field());

    ObjectNode counts = TestData.JSON.createObjectNode();
    ObjectNode fields = counts.putObject("fields");
    for (int i = 0; i < 30_000; i++) {
      fields.putObject("c" + i).put("operator", "count");
    }
    assertEquals("query.fields", limit(QueryException.Kind.LIMIT, () -> engine.analyze(tasks(1, "x"), counts))
        .field());

    ObjectNode pushes = TestData.JSON.createObjectNode();
    ArrayNode groupFields = pushes.putArray("aggregate").addObject().putObject("group").putArray("fields");
    for (int i = 0; i < 1000; i++) {
      groupFields.addObject().put("name", "p" + i).put("key", "options").put("operator", "push");
    }
    assertEquals("query.aggregate[0].group.fields",
        limit(QueryException.Kind.LIMIT, () -> engine.stat(tasks(1, "x"), pushes)).field());
  }

  // Finding 2: memory, enforced while the engine works.
  @Test
  void unwindFanOutIsBounded() {
    // 4,000 records x 10 x 10 x 10 would be 4 million rows: the memory budget stops it first.
    String unwindThree = "{'aggregate':[{'unwind':{'path':'a'}},{'unwind':{'path':'b'}},{'unwind':{'path':'c'}},"
        + "{'count':{'name':'n'}}]}";
    QueryException memory = limit(QueryException.Kind.LIMIT, () -> engine.stat(tasks(4_000, "x"), json(unwindThree)));
    assertTrue(memory.reason().contains("QUERY_MAX_MEMORY_BYTES"), memory.reason());

    QueryLimits limits = QueryLimits.defaults().with(QueryLimits.Limit.UNWIND_ROWS, 50_000);
    QueryException rows = limit(QueryException.Kind.LIMIT,
        () -> engine.stat(tasks(1_000, "x"), json(unwindThree), QueryBudget.start(limits)));
    assertEquals("query.aggregate[1].unwind.path", rows.field());
    assertEquals("unwinds into more than 50000 rows; the limit is 50000 rows (QUERY_MAX_UNWIND_ROWS)", rows.reason());
  }

  @Test
  void theMemoryBudgetStopsAGroupThatGrows() throws QueryException {
    List<Map<String, Object>> records = tasks(20_000, "x");
    String manyGroups = "{'aggregate':[{'group':{'keys':[{'key':'job_task_id','name':'id'}],"
        + "'fields':[{'name':'o','key':'options','operator':'push'},{'name':'s','key':'status','operator':'add_to_set'}]}},"
        + "{'count':{'name':'n'}}]}";
    QueryBudget small = QueryBudget.start(QueryLimits.defaults().with(QueryLimits.Limit.MEMORY_BYTES, 1 << 20));
    QueryException e = limit(QueryException.Kind.LIMIT, () -> engine.stat(records, json(manyGroups), small));
    assertEquals("query", e.field());
    assertTrue(e.reason().endsWith("the limit is 1048576 bytes (QUERY_MAX_MEMORY_BYTES)"), e.reason());
    assertTrue(small.memory() <= (1 << 20) + 4096, "stopped as soon as the budget was spent: " + small.memory());
    // The default budget serves the same query.
    assertEquals("[{\"n\":20000}]", TestData.text(engine.stat(records, json(manyGroups)).results()));
  }

  @Test
  void theAnswerIsBoundedInRowsAndBytes() {
    List<Map<String, Object>> records = tasks(3_000, "y".repeat(2_000));
    QueryLimits limits = QueryLimits.defaults().with(QueryLimits.Limit.RESULT_ROWS, 2_000)
        .with(QueryLimits.Limit.RESULT_BYTES, 1 << 20);
    QueryException rows = limit(QueryException.Kind.LIMIT,
        () -> engine.stat(records, json("{'distinct':'job_task_id'}"), QueryBudget.start(limits)));
    assertTrue(rows.reason().startsWith("answers 3000 rows"), rows.reason());
    assertTrue(rows.reason().endsWith("the limit is 2000 rows (QUERY_MAX_RESULT_ROWS)"), rows.reason());
    QueryException bytes = limit(QueryException.Kind.LIMIT,
        () -> engine.search(records, json("{'page':{'limit':1000}}"), QueryBudget.start(limits)));
    assertTrue(bytes.reason().contains("QUERY_MAX_RESULT_BYTES"), bytes.reason());
  }

  // Finding 4: a deadline and cancellation while scanning, not after.
  /** 100,000 records that call {@code onRead} as the engine reads each one. */
  private static List<Map<String, Object>> watched(IntConsumer onRead) {
    Map<String, Object> record = Map.of("job_task_id", "t", "status", "SUCCESS");
    return new AbstractList<>() {
      @Override
      public Map<String, Object> get(int index) {
        onRead.accept(index);
        return record;
      }

      @Override
      public int size() {
        return 100_000;
      }
    };
  }

  @Test
  void cancellingStopsTheScanWithinAFewHundredRecords() {
    QueryBudget budget = QueryBudget.start(QueryLimits.defaults());
    AtomicInteger read = new AtomicInteger();
    List<Map<String, Object>> records = watched(i -> {
      read.incrementAndGet();
      if (i == 10_000) {
        budget.cancel(); // as the server does from its own thread when the client goes away
      }
    });
    limit(QueryException.Kind.CANCELLED, () -> engine.stat(records, json(
        "{'aggregate':[{'group':{'keys':[{'key':'status','name':'s'}],'fields':[{'name':'n','operator':'count'}]}}]}"),
        budget));
    assertTrue(read.get() < 10_000 + 1_024, "read " + read.get() + " of 100,000 records");
  }

  @Test
  void theDeadlineStopsTheScan() {
    QueryBudget budget = QueryBudget.start(QueryLimits.defaults(), Duration.ofMillis(50));
    long deadline = System.nanoTime() + Duration.ofMillis(50).toNanos();
    AtomicInteger read = new AtomicInteger();
    List<Map<String, Object>> records = watched(i -> {
      read.incrementAndGet();
      if (i == 5_000) {
        while (System.nanoTime() - deadline <= 0) {
          Thread.onSpinWait(); // the query has now run past its deadline
        }
      }
    });
    QueryException e = limit(QueryException.Kind.DEADLINE,
        () -> engine.search(records, json("{'filter':[{'k':'status','v':'x','o':'contain'}]}"), budget));
    assertTrue(e.reason().contains("QUERY_DEADLINE_MS"), e.reason());
    assertTrue(read.get() < 5_000 + 1_024, "read " + read.get() + " of 100,000 records");
  }

  @Test
  void anInterruptedThreadCancelsTheQuery() {
    Thread.currentThread().interrupt();
    try {
      limit(QueryException.Kind.CANCELLED, () -> engine.search(tasks(2_000, "x"), json("{}")));
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt stays visible to the caller");
    }
  }

  // Finding 7, engine side.
  @Test
  void aStartNearLongMaxAnswersAnEmptyPageWithoutMore() throws QueryException {
    AnalyzeResult r = engine.analyze(tasks(10, "x"), json("{'group_by':['job_task_id'],"
        + "'fields':{'n':{'operator':'count'}},'page':{'start':9223372036854775807,'limit':10}}"));
    assertEquals(List.of(), r.results());
    assertFalse(r.more());
    SearchResult s = engine.search(tasks(10, "x"), json("{'page':{'start':9223372036854775807,'limit':10}}"));
    assertEquals(List.of(), s.results());
    assertEquals(10, s.totalCount());
  }

  @Test
  void namesWithANewlineAreA422NamingTheField() {
    for (String query : List.of("{'filter':[{'k':'na\\nme','v':'x','o':'eq'}]}", "{'only':['a\\nb']}",
        "{'sort':[{'key':'a\\rb'}]}")) {
      QueryException e = limit(QueryException.Kind.INVALID, () -> engine.search(tasks(1, "x"), json(query)));
      assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
    QueryException field = limit(QueryException.Kind.INVALID, () -> engine.analyze(tasks(1, "x"),
        json("{'group_by':['status'],'fields':{'a\\nb':{'operator':'count'}}}")));
    assertEquals("query.fields.a\\nb", field.field());
    assertTrue(field.reason().contains("control characters"), field.reason());
  }
}
