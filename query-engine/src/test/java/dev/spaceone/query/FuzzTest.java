package dev.spaceone.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random junk queries built from the query vocabulary must end in a result or a QueryException,
 * never another exception. The seed is fixed, so a failure is reproducible.
 */
class FuzzTest {
  private static final List<String> WORDS = List.of("filter", "filter_or", "k", "v", "o", "key", "value",
      "operator", "sort", "desc", "page", "start", "limit", "only", "count_only", "keyword", "distinct",
      "aggregate", "group", "keys", "fields", "name", "unwind", "path", "count", "project", "exclude",
      "exclude_keys", "skip", "match", "group_by", "select", "status", "n", "tags", "o.a", "id");
  private static final List<String> OPERATORS = List.of("eq", "not", "lt", "lte", "gt", "gte", "exists",
      "contain", "not_contain", "in", "not_in", "contain_in", "not_contain_in", "regex", "regex_in",
      "datetime_lt", "datetime_gte", "timediff_gt", "timediff_lte", "count", "sum", "average", "max",
      "min", "first", "last", "push", "add_to_set", "merge_objects", "now-1d", "2024-01-01", "(", "");

  private static final List<Map<String, Object>> RECORDS = TestData.records("""
      [{'id':'a','status':'SUCCESS','n':1,'tags':['x','y'],'o':{'a':1}},
       {'id':'b','status':null,'n':'two','tags':[],'o':[{'a':2},3]},
       {'id':'c','n':2.5,'tags':'z','o':'s','created_at':'2024-01-01T00:00:00Z'}]""");

  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private final QueryEngine engine = new QueryEngine("id", List.of("status", "o.a"), TestData.CLOCK);

  @Test
  void randomQueriesNeverEscapeAsOtherExceptions() {
    Random random = new Random(20240110);
    for (int i = 0; i < 20_000; i++) {
      JsonNode query = randomNode(random, 0);
      run(query, i % 3);
    }
  }

  /** Near-valid queries, so that the random values reach the operators, stages and accumulators. */
  @Test
  void randomWellShapedQueriesNeverEscapeAsOtherExceptions() {
    Random random = new Random(7);
    int answered = 0;
    for (int i = 0; i < 20_000; i++) {
      ObjectNode query = nodes.objectNode();
      query.set(random.nextBoolean() ? "filter" : "filter_or", conditions(random));
      query.set("sort", often(random) ? nodes.arrayNode().add(object("key", word(random))) : randomNode(random, 4));
      query.set("page", often(random)
          ? object("start", nodes.numberNode(random.nextInt(4))).put("limit", random.nextInt(4))
          : randomNode(random, 4));
      if (!often(random)) {
        query.set(pick(random, List.of("only", "keyword", "count_only", "group_by", "select")), randomNode(random, 4));
      }
      if (random.nextBoolean()) {
        query.set("distinct", often(random) ? word(random) : randomNode(random, 4));
      } else {
        query.set("aggregate", stages(random));
      }
      ObjectNode fields = nodes.objectNode();
      fields.set("f", field(random));
      query.set("fields", fields);
      if (run(query, i % 3)) {
        answered++;
      }
    }
    assertTrue(answered > 500, "only " + answered + " queries got past validation");
  }

  private ArrayNode stages(Random random) {
    ArrayNode aggregate = nodes.arrayNode();
    for (int s = random.nextInt(4); s > 0; s--) {
      String stage = pick(random, List.of("group", "unwind", "count", "sort", "project", "limit", "skip", "match"));
      JsonNode body = !often(random) ? randomNode(random, 4) : switch (stage) {
        case "group" -> object("keys", nodes.arrayNode().add(object("key", word(random)).put("name", "g")))
            .set("fields", nodes.arrayNode().add(field(random)));
        case "unwind" -> object("path", word(random));
        case "count" -> object("name", nodes.textNode("c"));
        case "sort" -> nodes.arrayNode().add(object("key", word(random)).put("desc", random.nextBoolean()));
        case "project" -> object("fields", nodes.arrayNode().add(object("key", word(random)).put("name", "p")));
        case "match" -> object("filter", conditions(random));
        default -> nodes.numberNode(random.nextInt(3));
      };
      aggregate.add(object(stage, body));
    }
    return aggregate;
  }

  private ArrayNode conditions(Random random) {
    ArrayNode conditions = nodes.arrayNode();
    for (int c = random.nextInt(3); c >= 0; c--) {
      conditions.add(object("k", word(random)).put("o", pick(random, OPERATORS)).set("v", randomNode(random, 4)));
    }
    return conditions;
  }

  private ObjectNode field(Random random) {
    ObjectNode field = object("key", word(random)).put("name", "f").put("operator", pick(random, OPERATORS));
    if (random.nextInt(4) == 0) {
      field.set("fields", randomNode(random, 4));
    }
    return field;
  }

  /** Mostly true: most parts of a query are well formed, so that later parts get exercised. */
  private static boolean often(Random random) {
    return random.nextInt(10) < 8;
  }

  private JsonNode word(Random random) {
    return nodes.textNode(pick(random, List.of("id", "status", "n", "tags", "o", "o.a", "created_at", "x.y")));
  }

  private ObjectNode object(String name, JsonNode value) {
    ObjectNode object = nodes.objectNode();
    object.set(name, value);
    return object;
  }

  /** True if the query was answered, false if refused with a QueryException. */
  private boolean run(JsonNode query, int which) {
    try {
      switch (which) {
        case 0 -> engine.search(RECORDS, query);
        case 1 -> engine.stat(RECORDS, query);
        default -> engine.analyze(RECORDS, query);
      }
      return true;
    } catch (QueryException expected) {
      return false;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("query " + query + " escaped with " + e, e);
    }
  }

  private JsonNode randomNode(Random random, int depth) {
    int kind = depth > 5 ? random.nextInt(5) : random.nextInt(8);
    return switch (kind) {
      case 0 -> nodes.textNode(pick(random, random.nextBoolean() ? WORDS : OPERATORS));
      case 1 -> nodes.numberNode(random.nextInt(7) - 2);
      case 2 -> nodes.numberNode(random.nextDouble() * 4 - 1);
      case 3 -> nodes.booleanNode(random.nextBoolean());
      case 4 -> nodes.nullNode();
      case 5 -> {
        ArrayNode array = nodes.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomNode(random, depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = nodes.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          object.set(pick(random, WORDS), randomNode(random, depth + 1));
        }
        yield object;
      }
    };
  }

  private static String pick(Random random, List<String> words) {
    return words.get(random.nextInt(words.size()));
  }
}
