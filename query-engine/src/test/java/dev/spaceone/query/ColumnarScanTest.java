package dev.spaceone.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The columnar scan of a {@link RecordTable} answers exactly as the map path over the same records: random
 * tables (kept by random puts, replacements and removes) and random stat/analyze queries, each run both ways.
 * Queries the columns can serve must not read the maps at all; the others must fall back and still agree.
 * The seeds are fixed, so a failure is reproducible.
 */
class ColumnarScanTest {
  private static final List<String> TEXT = List.of("a", "b", "c");
  private static final List<String> NUMBER = List.of("n", "m");
  private static final List<String> A = List.of("x", "y", "z", "X", "job-1", "", "2024-01-01T00:00:00Z");
  private static final List<String> OPERATORS = List.of("eq", "not", "in", "not_in", "contain", "not_contain",
      "contain_in", "not_contain_in", "regex", "regex_in", "exists", "gt", "lte", "datetime_gt", "timediff_lt");
  private static final List<String> NUMBER_OPERATORS =
      List.of("eq", "not", "gt", "gte", "lt", "lte", "in", "not_in", "exists");
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private final QueryEngine engine = new QueryEngine("id", List.of("a"), TestData.CLOCK);

  /** A scope that counts how often the map path lists its records. */
  private static final class Watched implements RecordSource {
    private final RecordTable.Scope scope;
    int listed;

    Watched(RecordTable.Scope scope) {
      this.scope = scope;
    }

    @Override
    public List<Map<String, Object>> records() {
      listed++;
      return scope.records();
    }

    @Override
    public List<Map<String, Object>> filterAndGroup(Filter filter, GroupStage group, QueryBudget budget)
        throws QueryException {
      return scope.filterAndGroup(filter, group, budget);
    }

    @Override
    public List<Map<String, Object>> matching(Filter filter, QueryBudget budget) throws QueryException {
      return scope.matching(filter, budget);
    }

    @Override
    public List<Object> distinct(Filter filter, KeyPath key, QueryBudget budget) throws QueryException {
      return scope.distinct(filter, key, budget);
    }
  }

  @Test
  void columnsAnswerAsTheMapsDoAndSkipThem() {
    Random random = new Random(14);
    RecordTable table = new RecordTable("ns", TEXT, NUMBER);
    Map<String, Map<String, Object>> live = new HashMap<>();
    int columnar = 0;
    for (int round = 0; round < 40; round++) {
      churn(random, table, live, 300, false);
      assertSameRecords(live, table);
      for (int q = 0; q < 40; q++) {
        boolean eligible = random.nextInt(3) > 0;
        JsonNode query = query(random, eligible);
        boolean scanned = compare(table, query, random);
        if (eligible) {
          assertTrue(scanned, "the maps were read for " + query);
          columnar++;
        }
      }
    }
    assertTrue(columnar > 500, "columnar answers: " + columnar);
  }

  @Test
  void recordsTheColumnsCannotHoldSendQueriesOnThoseKeysToTheMaps() {
    Random random = new Random(17);
    RecordTable table = new RecordTable("ns", TEXT, NUMBER);
    Map<String, Map<String, Object>> live = new HashMap<>();
    for (int round = 0; round < 20; round++) {
      churn(random, table, live, 300, true);
      assertSameRecords(live, table);
      for (int q = 0; q < 40; q++) {
        compare(table, query(random, random.nextBoolean()), random);
      }
    }
    // Once every odd value is gone, the columns serve those keys again.
    for (String id : List.copyOf(live.keySet())) {
      table.put(id, record(random, id, false));
    }
    Watched watched = new Watched(table.scope(Set.of("ns0", "ns1", "ns2")));
    JsonNode query = TestData.json(
        "{'aggregate':[{'group':{'keys':[{'key':'a','name':'a'}],'fields':[{'key':'m','name':'m','operator':'sum'}]}}]}");
    assertAnswered(() -> engine.stat(watched, query, QueryBudget.start(QueryLimits.defaults())));
    assertEquals(0, watched.listed);
  }

  @Test
  void theBudgetStopsAColumnarScan() {
    Random random = new Random(3);
    RecordTable table = new RecordTable("ns", TEXT, NUMBER);
    for (int i = 0; i < 5_000; i++) {
      table.put("t" + i, record(random, "t" + i, false));
    }
    JsonNode query = TestData.json("{'aggregate':[{'group':{'keys':[{'key':'b','name':'b'}],"
        + "'fields':[{'name':'count','operator':'count'},{'key':'n','name':'n','operator':'sum'}]}}]}");
    Watched watched = new Watched(table.scope(Set.of("ns0", "ns1", "ns2")));

    QueryBudget cancelled = QueryBudget.start(QueryLimits.defaults());
    cancelled.cancel();
    assertEquals(QueryException.Kind.CANCELLED,
        assertThrows(QueryException.class, () -> engine.stat(watched, query, cancelled)).kind());
    QueryBudget late = QueryBudget.start(QueryLimits.defaults(), Duration.ZERO);
    assertEquals(QueryException.Kind.DEADLINE,
        assertThrows(QueryException.class, () -> engine.stat(watched, query, late)).kind());
    QueryBudget small = QueryBudget.start(QueryLimits.defaults().with(QueryLimits.Limit.MEMORY_BYTES, 4096));
    QueryException memory = assertThrows(QueryException.class, () -> engine.stat(watched, query, small));
    assertEquals(QueryException.Kind.LIMIT, memory.kind());
    assertTrue(memory.reason().contains("QUERY_MAX_MEMORY_BYTES"), memory.reason());
    assertEquals(0, watched.listed, "the budget acted inside the columnar scan");
  }

  @Test
  void theDictionaryReusesTheCodesOfValuesNoRecordHolds() {
    RecordTable table = new RecordTable("ns", TEXT, NUMBER);
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 1_000; i++) {
        table.put("t" + i, Map.of("ns", "ns0", "a", "value-" + round + "-" + i));
      }
    }
    assertTrue(table.text(KeyPath.unchecked("a")).next() <= 1_002, "codes: " + table.text(KeyPath.unchecked("a")).next());
    for (int i = 0; i < 1_000; i++) {
      table.remove("t" + i);
    }
    assertEquals(0, table.size());
    assertEquals(Set.of(), table.partitions());
    assertEquals(List.of(), table.scope(Set.of("ns0")).records());
  }

  /** Runs the query over the columns and over the maps; true if the columns answered without the maps. */
  private boolean compare(RecordTable table, JsonNode query, Random random) {
    Set<String> partitions = random.nextInt(4) == 0 ? Set.of("ns1") : Set.of("ns0", "ns1", "ns2", "elsewhere");
    Watched watched = new Watched(table.scope(partitions));
    List<Map<String, Object>> maps = table.scope(partitions).records();
    String columns = answer(() -> run(watched, query, QueryBudget.start(QueryLimits.defaults())));
    String expected = answer(() -> run(() -> maps, query, QueryBudget.start(QueryLimits.defaults())));
    assertEquals(expected, columns, query.toString());
    return watched.listed == 0;
  }

  /** A search (it has count_only), an analyze (it has fields) or a stat. */
  private Object run(RecordSource source, JsonNode query, QueryBudget budget) throws QueryException {
    if (query.has("count_only")) {
      return engine.search(source, query, budget);
    }
    return query.has("fields") ? engine.analyze(source, query, budget) : engine.stat(source, query, budget);
  }

  private interface Run {
    Object run() throws QueryException;
  }

  private static String answer(Run run) {
    try {
      return TestData.text(run.run());
    } catch (QueryException e) {
      return e.kind() + " " + e.field() + ": " + e.reason();
    }
  }

  private static void assertAnswered(Run run) {
    String answer = answer(run);
    assertTrue(answer.startsWith("{"), answer);
  }

  private static void assertSameRecords(Map<String, Map<String, Object>> live, RecordTable table) {
    List<Map<String, Object>> records = new ArrayList<>(table.scope(Set.of("ns0", "ns1", "ns2")).records());
    records.sort(Comparator.comparing(r -> (String) r.get("id")));
    List<Map<String, Object>> expected = new ArrayList<>(live.values());
    expected.sort(Comparator.comparing(r -> (String) r.get("id")));
    assertEquals(expected, records);
    assertEquals(live.size(), table.size());
  }

  private void churn(Random random, RecordTable table, Map<String, Map<String, Object>> live, int operations,
      boolean odd) {
    for (int i = 0; i < operations; i++) {
      int op = random.nextInt(10);
      if (op < 2 && !live.isEmpty()) {
        String id = List.copyOf(live.keySet()).get(random.nextInt(live.size()));
        table.remove(id);
        live.remove(id);
      } else {
        String id = "t" + random.nextInt(600);
        Map<String, Object> record = record(random, id, odd);
        table.put(id, record);
        live.put(id, record);
      }
    }
  }

  private static Map<String, Object> record(Random random, String id, boolean odd) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("ns", "ns" + random.nextInt(3));
    if (random.nextInt(7) > 0) {
      r.put("a", A.get(random.nextInt(A.size())));
    }
    if (random.nextInt(5) > 0) {
      r.put("b", "b-" + random.nextInt(25));
    }
    r.put("c", random.nextBoolean() ? "SUCCESS" : "FAILURE");
    r.put("d", "d-" + random.nextInt(4));
    int n = random.nextInt(20);
    if (n == 0) {
      r.put("n", Long.MAX_VALUE - random.nextInt(3)); // sums overflow to doubles
    } else if (n > 2) {
      r.put("n", (long) random.nextInt(1000) - 100);
    }
    r.put("m", random.nextInt(5));
    if (odd && random.nextInt(15) == 0) {
      r.put("a", random.nextBoolean() ? List.of("x", "y") : 7);
    }
    if (odd && random.nextInt(15) == 0) {
      r.put("m", random.nextBoolean() ? 2.5 : "five");
    }
    return r;
  }

  /**
   * A stat (distinct, or aggregate with a group first) or analyze query; eligible ones use only column keys
   * (text keys for groups and distinct) and the operators the columns serve.
   */
  private JsonNode query(Random random, boolean eligible) {
    List<String> keys = new ArrayList<>(List.of("a", "b", "c", "ns"));
    List<String> filterKeys = new ArrayList<>(List.of("a", "b", "c", "ns", "n", "m"));
    if (!eligible) {
      keys.add("d");
      keys.add("o.p");
      filterKeys.add("d");
      filterKeys.add("o.p");
    }
    ObjectNode query = nodes.objectNode();
    if (random.nextInt(3) > 0) {
      query.set("filter", conditions(random, filterKeys));
    }
    if (random.nextInt(4) == 0) {
      query.set("filter_or", conditions(random, filterKeys));
    }
    if (random.nextInt(8) == 0) { // a search: the filter alone, counted or paged
      query.put("count_only", random.nextBoolean());
      if (random.nextBoolean()) {
        query.putArray("sort").addObject().put("key", random.nextBoolean() ? "b" : "n").put("desc", random.nextBoolean());
      }
      if (random.nextBoolean()) {
        query.putObject("page").put("start", 1 + random.nextInt(20)).put("limit", random.nextInt(30));
      }
      return query;
    }
    if (random.nextInt(7) == 0) {
      query.put("distinct", eligible || random.nextBoolean() ? keys.get(random.nextInt(keys.size())) : "n");
      if (random.nextBoolean()) {
        query.putObject("page").put("start", 1 + random.nextInt(3)).put("limit", random.nextInt(4));
      }
      return query;
    }
    int groupKeys = random.nextInt(4);
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < groupKeys; i++) {
      String key = keys.get(random.nextInt(keys.size()));
      if (!chosen.contains(key)) {
        chosen.add(key);
      }
    }
    List<String[]> fields = new ArrayList<>(); // {name, operator, key}
    fields.add(new String[] {"count", "count", null});
    List<String[]> served = List.of(new String[] {"sum", "n"}, new String[] {"sum", "m"},
        new String[] {"average", "n"}, new String[] {"average", "m"}, new String[] {"max", "n"},
        new String[] {"min", "m"}, new String[] {"max", "a"}, new String[] {"min", "b"}, new String[] {"min", "ns"},
        new String[] {"first", "n"}, new String[] {"last", "a"}, new String[] {"first", "b"},
        new String[] {"last", "m"}, new String[] {"add_to_set", "b"}, new String[] {"add_to_set", "ns"});
    List<String[]> unserved = List.of(new String[] {"sum", "a"}, new String[] {"average", "b"},
        new String[] {"max", "d"}, new String[] {"push", "a"}, new String[] {"add_to_set", "n"},
        new String[] {"first", "o.p"});
    for (int i = random.nextInt(4); i > 0; i--) {
      String[] field = served.get(random.nextInt(served.size()));
      fields.add(new String[] {field[0] + "_" + field[1] + "_" + i, field[0], field[1]});
    }
    if (!eligible && random.nextBoolean()) {
      String[] field = unserved.get(random.nextInt(unserved.size()));
      fields.add(new String[] {field[0] + "_" + field[1].replace('.', '_'), field[0], field[1]});
    }
    if (random.nextInt(3) == 0) {
      ArrayNode groupBy = query.putArray("group_by");
      chosen.forEach(groupBy::add);
      ObjectNode out = query.putObject("fields");
      for (String[] field : fields) {
        ObjectNode f = out.putObject(field[0]).put("operator", field[1]);
        if (field[2] != null) {
          f.put("key", field[2]);
        }
      }
      if (random.nextBoolean()) {
        query.putArray("sort").addObject().put("key", "count").put("desc", true);
      }
      return query;
    }
    ArrayNode pipeline = query.putArray("aggregate");
    ObjectNode group = pipeline.addObject().putObject("group");
    ArrayNode groupKeyNodes = group.putArray("keys");
    chosen.forEach(k -> groupKeyNodes.addObject().put("key", k).put("name", k.replace('.', '_')));
    ArrayNode fieldNodes = group.putArray("fields");
    for (String[] field : fields) {
      ObjectNode f = fieldNodes.addObject().put("name", field[0]).put("operator", field[1]);
      if (field[2] != null) {
        f.put("key", field[2]);
      }
    }
    for (String[] field : fields) {
      if (field[1].equals("add_to_set") && random.nextBoolean()) { // SpaceONE's count distinct
        pipeline.addObject().putObject("project").putArray("fields").addObject().put("name", "distinct")
            .put("key", field[0]).put("operator", "size");
        break;
      }
    }
    if (random.nextBoolean()) {
      pipeline.addObject().putObject("sort").put("key", "count").put("desc", random.nextBoolean());
    }
    if (random.nextInt(4) == 0) {
      query.putObject("page").put("start", 1 + random.nextInt(3)).put("limit", random.nextInt(4));
    }
    return query;
  }

  private ArrayNode conditions(Random random, List<String> keys) {
    ArrayNode list = nodes.arrayNode();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      String key = keys.get(random.nextInt(keys.size()));
      if (NUMBER.contains(key)) {
        list.add(numberCondition(random, key));
        continue;
      }
      String operator = OPERATORS.get(random.nextInt(OPERATORS.size()));
      ObjectNode condition = list.addObject().put("k", key).put("o", operator);
      switch (operator) {
        case "in", "not_in", "contain_in", "not_contain_in", "regex_in" -> {
          ArrayNode values = condition.putArray("v");
          for (int v = random.nextInt(3); v >= 0; v--) {
            values.add(value(random, operator));
          }
          if (random.nextInt(6) == 0 && !operator.startsWith("regex") && !operator.contains("contain")) {
            values.addNull();
          }
        }
        case "exists" -> condition.put("v", random.nextBoolean());
        case "datetime_gt" -> condition.put("v", "2023-12-31");
        case "timediff_lt" -> condition.put("v", "now-1d");
        default -> condition.put("v", value(random, operator));
      }
    }
    return list;
  }

  /** A condition on a number key: comparisons, (not) in and exists, with whole, fractional and odd values. */
  private ObjectNode numberCondition(Random random, String key) {
    String operator = NUMBER_OPERATORS.get(random.nextInt(NUMBER_OPERATORS.size()));
    ObjectNode condition = nodes.objectNode().put("k", key).put("o", operator);
    switch (operator) {
      case "in", "not_in" -> {
        ArrayNode values = condition.putArray("v");
        for (int v = random.nextInt(4); v >= 0; v--) {
          values.add(numberValue(random));
        }
        if (random.nextInt(5) == 0) {
          values.addNull();
        }
      }
      case "exists" -> condition.put("v", random.nextBoolean());
      default -> condition.set("v", numberValue(random));
    }
    return condition;
  }

  private JsonNode numberValue(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> nodes.numberNode(random.nextInt(5) + 0.5);
      case 1 -> nodes.numberNode(Long.MAX_VALUE - random.nextInt(3));
      case 2 -> nodes.textNode(String.valueOf(random.nextInt(5)));
      case 3 -> nodes.numberNode(random.nextInt(2000) - 200);
      default -> nodes.numberNode(random.nextInt(6));
    };
  }

  private static String value(Random random, String operator) {
    if (operator.startsWith("regex")) {
      return List.of("^x", "Y$", "job-\\d", ".*", "ns[01]").get(random.nextInt(5));
    }
    if (random.nextBoolean()) {
      return A.get(random.nextInt(A.size()));
    }
    return List.of("b-1", "b-13", "SUCCESS", "ns0", "ns2", "d-1", "s").get(random.nextInt(7));
  }
}
