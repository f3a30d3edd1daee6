package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Malformed queries fail with a QueryException whose field() is the JSON path of the culprit. */
class QueryErrorsTest {
  private static final List<Map<String, Object>> RECORDS = TestData.records("""
      [{'id':'a','status':'SUCCESS','n':1,'label':'x'},{'id':'b','status':'FAILURE','n':2,'label':'y'}]""");

  private final QueryEngine engine = new QueryEngine("id", List.of("label"), TestData.CLOCK);

  private QueryException search(String query) {
    return assertThrows(QueryException.class, () -> engine.search(RECORDS, json(query)));
  }

  private QueryException stat(String query) {
    return assertThrows(QueryException.class, () -> engine.stat(RECORDS, json(query)));
  }

  private QueryException analyze(String query) {
    return assertThrows(QueryException.class, () -> engine.analyze(RECORDS, json(query)));
  }

  @Test
  void listValueForASingleValueOperator() {
    for (String operator : List.of("eq", "not", "lt", "lte", "gt", "gte", "contain", "regex")) {
      QueryException e = search("{'filter':[{'k':'status','v':['a'],'o':'" + operator + "'}]}");
      assertEquals("query.filter[0].v", e.field(), operator);
      assertTrue(e.reason().contains("single value"), e.getMessage());
    }
  }

  @Test
  void nonListForAListOperator() {
    for (String operator : List.of("in", "not_in", "contain_in", "not_contain_in", "regex_in")) {
      QueryException e = search("{'filter_or':[{'k':'status','v':'a','o':'" + operator + "'}]}");
      assertEquals("query.filter_or[0].v", e.field(), operator);
    }
  }

  @Test
  void unknownOperator() {
    QueryException e = search("{'filter':[{'k':'status','v':'a','o':'eq'},{'k':'status','v':'a','o':'equals'}]}");
    assertEquals("query.filter[1].o", e.field());
    assertTrue(e.reason().contains("equals"));
    assertEquals("query.filter[0].operator",
        search("{'filter':[{'key':'status','value':'a','operator':'like'}]}").field());
  }

  @Test
  void badRegex() {
    assertEquals("query.filter[0].v", search("{'filter':[{'k':'status','v':'(unclosed','o':'regex'}]}").field());
    assertEquals("query.filter[0].v[1]",
        search("{'filter':[{'k':'status','v':['ok','[bad'],'o':'regex_in'}]}").field());
  }

  @Test
  void nonNumberSummedOrAveraged() {
    QueryException sum = stat("{'aggregate':[{'group':{'keys':[{'key':'status','name':'s'}],"
        + "'fields':[{'name':'c','operator':'count'},{'name':'t','key':'label','operator':'sum'}]}}]}");
    assertEquals("query.aggregate[0].group.fields[1].key", sum.field());
    assertTrue(sum.reason().contains("\"x\""), sum.getMessage());
    assertEquals("query.fields.avg.key",
        analyze("{'fields':{'avg':{'key':'label','operator':'average'}}}").field());
  }

  @Test
  void unknownGroupOperatorAndStage() {
    assertEquals("query.aggregate[1].group.fields[0].operator",
        stat("{'aggregate':[{'limit':5},{'group':{'fields':[{'name':'x','key':'n','operator':'median'}]}}]}").field());
    assertEquals("query.aggregate[0].lookup", stat("{'aggregate':[{'lookup':{}}]}").field());
    assertEquals("query.aggregate[0]", stat("{'aggregate':[{'limit':1,'skip':1}]}").field());
    assertEquals("query.fields.x.operator", analyze("{'fields':{'x':{'key':'n','operator':'median'}}}").field());
  }

  @Test
  void missingKeysAndNames() {
    assertEquals("query.filter[0].k", search("{'filter':[{'v':'a','o':'eq'}]}").field());
    assertEquals("query.filter[0].o", search("{'filter':[{'k':'a','v':'a'}]}").field());
    assertEquals("query.aggregate[0].group.keys[0].name",
        stat("{'aggregate':[{'group':{'keys':[{'key':'status'}]}}]}").field());
    assertEquals("query.aggregate[0].group.fields[0].key",
        stat("{'aggregate':[{'group':{'fields':[{'name':'m','operator':'max'}]}}]}").field());
    assertEquals("query.aggregate[0].unwind.path", stat("{'aggregate':[{'unwind':{}}]}").field());
    assertEquals("query.aggregate[0].count.name", stat("{'aggregate':[{'count':{}}]}").field());
    assertEquals("query.sort[0].key", search("{'sort':[{'desc':true}]}").field());
    assertEquals("query.fields", analyze("{'group_by':['status']}").field());
    assertEquals("query", stat("{}").field());
    assertEquals("query", stat("{'distinct':'a','aggregate':[]}").field());
  }

  @Test
  void wrongTypes() {
    assertEquals("query", assertThrows(QueryException.class, () -> engine.search(RECORDS, json("[1]"))).field());
    assertEquals("query.filter", search("{'filter':{'k':'a'}}").field());
    assertEquals("query.filter[0]", search("{'filter':['status']}").field());
    assertEquals("query.filter[0].v", search("{'filter':[{'k':'a','v':'yes','o':'exists'}]}").field());
    assertEquals("query.filter[0].v", search("{'filter':[{'k':'a','v':'yesterday','o':'datetime_gt'}]}").field());
    assertEquals("query.filter[0].v", search("{'filter':[{'k':'a','v':'now-1y','o':'timediff_gt'}]}").field());
    assertEquals("query.filter[0].k", search("{'filter':[{'k':'a..b','v':1,'o':'eq'}]}").field());
    assertEquals("query.only[1]", search("{'only':['id',3]}").field());
    assertEquals("query.count_only", search("{'count_only':'yes'}").field());
    assertEquals("query.keyword", search("{'keyword':7}").field());
    assertEquals("query.page.start", search("{'page':{'start':'1'}}").field());
    assertEquals("query.aggregate", stat("{'aggregate':{'group':{}}}").field());
    assertEquals("query.select.total.operator", analyze("{'fields':{'t':{'key':'n','operator':'sum'}},"
        + "'select':{'total':{'operator':'concat','fields':['t','t']}}}").field());
    assertEquals("query.aggregate[1].group.fields[0].key", stat("{'aggregate':[{'group':{'keys':["
        + "{'key':'status','name':'status'}],'fields':[{'name':'s','key':'status','operator':'push'}]}},"
        + "{'group':{'fields':[{'name':'m','key':'status','operator':'merge_objects'}]}}]}").field());
  }

  @Test
  void negativeLimits() {
    assertEquals("query.page.limit", search("{'page':{'limit':-1}}").field());
    assertEquals("query.page.limit", stat("{'distinct':'status','page':{'limit':-5}}").field());
    assertEquals("query.aggregate[0].limit", stat("{'aggregate':[{'limit':-1}]}").field());
    assertEquals("query.aggregate[0].skip", stat("{'aggregate':[{'skip':1.5}]}").field());
  }

  @Test
  void unsupportedSpaceOneOptionsAreRefusedNotIgnored() {
    assertEquals("query.aggregate[0].group.keys[0].date_format", stat(
        "{'aggregate':[{'group':{'keys':[{'key':'d','name':'d','date_format':'%Y'}]}}]}").field());
    assertEquals("query.aggregate[0].group.fields[0].conditions", stat("{'aggregate':[{'group':{'fields':["
        + "{'name':'c','operator':'count','conditions':[]}]}}]}").field());
  }
}
