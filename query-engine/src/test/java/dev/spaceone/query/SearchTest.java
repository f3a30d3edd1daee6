package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchTest {
  private final QueryEngine engine =
      new QueryEngine("job_task_id", List.of("job_task_id", "plugin.image"), TestData.CLOCK);

  private static List<Map<String, Object>> tasks(int n) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("job_task_id", String.format("t%04d", i));
      record.put("status", i % 2 == 0 ? "SUCCESS" : "FAILURE");
      records.add(record);
    }
    return records;
  }

  private List<Object> ids(List<Map<String, Object>> records, String query) throws QueryException {
    return TestData.ids(engine.search(records, json(query)).results(), "job_task_id");
  }

  @Test
  void tiesBreakByIdAscendingWhateverTheInputOrder() throws QueryException {
    List<Map<String, Object>> records = TestData.records("""
        [{'job_task_id':'c','status':'A'},{'job_task_id':'a','status':'B'},
         {'job_task_id':'b','status':'A'},{'job_task_id':'d','status':'B'}]""");
    for (long seed = 0; seed < 5; seed++) {
      List<Map<String, Object>> shuffled = new ArrayList<>(records);
      Collections.shuffle(shuffled, new Random(seed));
      assertEquals(List.of("b", "c", "a", "d"), ids(shuffled, "{'sort':[{'key':'status'}]}"));
      assertEquals(List.of("a", "d", "b", "c"), ids(shuffled, "{'sort':[{'key':'status','desc':true}]}"),
          "desc reverses the key, never the id tie-break");
      assertEquals(List.of("a", "b", "c", "d"), ids(shuffled, "{}"), "no sort: id order");
    }
  }

  @Test
  void sortsByManyKeysWithNullsFirstAscending() throws QueryException {
    List<Map<String, Object>> records = TestData.records("""
        [{'job_task_id':'1','p':'aws','n':2},{'job_task_id':'2','p':null,'n':1},
         {'job_task_id':'3','n':5},{'job_task_id':'4','p':'aws','n':1},{'job_task_id':'5','p':'gcp','n':10}]""");
    assertEquals(List.of("3", "2", "4", "1", "5"), ids(records, "{'sort':[{'key':'p'},{'key':'n'}]}"));
    assertEquals(List.of("5", "1", "4", "2", "3"),
        ids(records, "{'sort':[{'key':'p','desc':true},{'key':'n','desc':true}]}"), "nulls last descending");
    assertEquals(List.of("2", "4", "1", "3", "5"), ids(records, "{'sort':{'key':'n'}}"), "older single-object sort");
  }

  @Test
  void pageLimitDefaultsTo1000AndIsCappedAt1000() throws QueryException {
    List<Map<String, Object>> records = tasks(1500);
    SearchResult all = engine.search(records, json("{}"));
    assertEquals(1000, all.results().size());
    assertEquals(1500, all.totalCount());
    assertEquals(1000, engine.search(records, json("{'page':{'limit':5000}}")).results().size());
    assertEquals(500, engine.search(records, json("{'page':{'start':1001}}")).results().size());
  }

  @Test
  void pageStartIsOneBasedAndBelowOneCountsAsOne() throws QueryException {
    List<Map<String, Object>> records = tasks(10);
    assertEquals(List.of("t0003", "t0004"), ids(records, "{'page':{'start':3,'limit':2}}"));
    assertEquals(List.of("t0001", "t0002"), ids(records, "{'page':{'start':0,'limit':2}}"));
    assertEquals(List.of("t0001", "t0002"), ids(records, "{'page':{'start':-7,'limit':2}}"));
    assertEquals(List.of(), ids(records, "{'page':{'start':11,'limit':2}}"));
    assertEquals(10, engine.search(records, json("{'page':{'start':11,'limit':2}}")).totalCount());
  }

  @Test
  void onlyProjectsNestedKeys() throws QueryException {
    List<Map<String, Object>> records = TestData.records("""
        [{'job_task_id':'t1','status':'SUCCESS','plugin':{'image':'img','version':'1'},
          'errors':[{'error_code':'E1','message':'m1'},{'error_code':'E2','message':'m2'}]}]""");
    SearchResult result = engine.search(records,
        json("{'only':['job_task_id','plugin.image','errors.error_code','no_such_key']}"));
    assertEquals("{\"job_task_id\":\"t1\",\"plugin\":{\"image\":\"img\"},"
        + "\"errors\":[{\"error_code\":\"E1\"},{\"error_code\":\"E2\"}]}", TestData.text(result.results().get(0)));

    SearchResult twoThroughList = engine.search(records, json("{'only':['errors.error_code','errors.message']}"));
    assertEquals("{\"errors\":[{\"error_code\":\"E1\",\"message\":\"m1\"},{\"error_code\":\"E2\",\"message\":\"m2\"}]}",
        TestData.text(twoThroughList.results().get(0)));
    assertEquals(4, records.get(0).size(), "the record itself is untouched");
  }

  @Test
  void countOnlyReturnsNoResultsButTheCount() throws QueryException {
    SearchResult result = engine.search(tasks(7),
        json("{'count_only':true,'filter':[{'k':'status','v':'SUCCESS','o':'eq'}]}"));
    assertTrue(result.results().isEmpty());
    assertEquals(3, result.totalCount());
  }

  @Test
  void keywordIsCaseInsensitiveSubstringOfTheKeywordKeys() throws QueryException {
    List<Map<String, Object>> records = TestData.records("""
        [{'job_task_id':'t1','status':'gcp','plugin':{'image':'cloudforet/plugin-aws'}},
         {'job_task_id':'t2','status':'x','plugin':{'image':'cloudforet/plugin-GCP'}},
         {'job_task_id':'gcp-3','status':'x'}]""");
    assertEquals(List.of("gcp-3", "t2"), ids(records, "{'keyword':' gcp '}"), "status is not a keyword key");
    assertEquals(List.of("t2"), ids(records,
        "{'keyword':'GCP','filter':[{'k':'plugin','v':true,'o':'exists'}]}"));
    assertEquals(List.of("gcp-3", "t1", "t2"), ids(records, "{'keyword':''}"));
  }
}
