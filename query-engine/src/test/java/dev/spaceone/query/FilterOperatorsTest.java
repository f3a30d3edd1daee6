package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterOperatorsTest {
  private static final List<Map<String, Object>> TASKS = TestData.records("""
      [
       {'job_task_id':'t1','status':'SUCCESS','created_count':5,'provider':'aws',
        'created_at':'2024-01-10T10:00:00Z','plugin':{'image':'cloudforet/plugin-aws'},
        'errors':[],'tags':['prod','blue']},
       {'job_task_id':'t2','status':'FAILURE','created_count':0,'provider':'google_cloud',
        'created_at':'2024-01-08T00:00:00.000Z','plugin':{'image':'cloudforet/plugin-gcp'},
        'errors':[{'error_code':'ERROR_AUTH','message':'denied'},{'error_code':'ERROR_TIMEOUT'}],
        'tags':['dev']},
       {'job_task_id':'t3','status':'IN_PROGRESS','created_count':12.5,'provider':null,
        'created_at':'2024-01-10T11:30:00+00:00','errors':[{'error_code':'ERROR_QUOTA'}]},
       {'job_task_id':'t4','status':'SUCCESS','created_count':'n/a'}
      ]""");

  private final QueryEngine engine = new QueryEngine("job_task_id", List.of(), TestData.CLOCK);

  /** Ids matched by a single condition {k, v, o}; v is JSON text. */
  private List<Object> match(String key, String operator, String value) throws QueryException {
    String query = "{'filter':[{'k':'" + key + "','v':" + value + ",'o':'" + operator + "'}]}";
    return TestData.ids(engine.search(TASKS, json(query)).results(), "job_task_id");
  }

  @Test
  void eq() throws QueryException {
    assertEquals(List.of("t1", "t4"), match("status", "eq", "'SUCCESS'"));
    assertEquals(List.of(), match("status", "eq", "'success'"));
    assertEquals(List.of("t1"), match("created_count", "eq", "5.0"), "numbers compare by value");
    assertEquals(List.of("t3", "t4"), match("provider", "eq", "null"), "null and missing");
  }

  @Test
  void not() throws QueryException {
    assertEquals(List.of("t2", "t3"), match("status", "not", "'SUCCESS'"));
    assertEquals(List.of("t1", "t2"), match("provider", "not", "null"));
  }

  @Test
  void numericAndStringComparisons() throws QueryException {
    assertEquals(List.of("t3"), match("created_count", "gt", "5"), "a string value never compares to a number");
    assertEquals(List.of("t1", "t3"), match("created_count", "gte", "5"));
    assertEquals(List.of("t2"), match("created_count", "lt", "5"));
    assertEquals(List.of("t2"), match("created_count", "lte", "0"));
    assertEquals(List.of(), match("created_count", "lt", "0"));
    assertEquals(List.of("t2"), match("status", "lt", "'IN_PROGRESS'"));
    assertEquals(List.of(), match("missing_key", "gte", "0"), "missing never compares");
  }

  @Test
  void exists() throws QueryException {
    assertEquals(List.of("t1", "t2"), match("plugin", "exists", "true"));
    assertEquals(List.of("t3", "t4"), match("plugin", "exists", "false"));
    assertEquals(List.of("t2", "t3"), match("errors.error_code", "exists", "true"));
    assertEquals(List.of("t1", "t2", "t3"), match("provider", "exists", "true"), "a null value exists");
  }

  @Test
  void containIsCaseInsensitiveSubstring() throws QueryException {
    assertEquals(List.of("t2"), match("plugin.image", "contain", "'GCP'"));
    assertEquals(List.of(), match("plugin.image", "contain", "'azure'"));
    assertEquals(List.of("t1", "t3", "t4"), match("plugin.image", "not_contain", "'gcp'"));
    assertEquals(List.of("t3", "t4"), match("plugin.image", "not_contain", "'cloudforet'"));
  }

  @Test
  void inAndNotIn() throws QueryException {
    assertEquals(List.of("t1", "t2"), match("provider", "in", "['aws','google_cloud']"));
    assertEquals(List.of(), match("provider", "in", "['azure']"));
    assertEquals(List.of("t3", "t4"), match("provider", "in", "[null]"));
    assertEquals(List.of("t2", "t3", "t4"), match("provider", "not_in", "['aws']"));
    assertEquals(List.of("t3"), match("created_count", "in", "[12.5, 99]"));
  }

  @Test
  void containInAndNotContainIn() throws QueryException {
    assertEquals(List.of("t1"), match("plugin.image", "contain_in", "['AWS','zzz']"));
    assertEquals(List.of(), match("plugin.image", "contain_in", "['zzz']"));
    // SpaceONE ORs one "not contains" per value: only a record containing every value is excluded.
    assertEquals(List.of("t1", "t2", "t3", "t4"), match("plugin.image", "not_contain_in", "['aws','gcp']"));
    assertEquals(List.of("t2", "t3", "t4"), match("plugin.image", "not_contain_in", "['CLOUDFORET','aws']"));
    assertEquals(List.of("t2", "t3", "t4"), match("plugin.image", "not_contain_in", "['aws']"));
  }

  @Test
  void regexIsCaseInsensitiveSearch() throws QueryException {
    assertEquals(List.of("t1", "t2"), match("job_task_id", "regex", "'^T[12]$'"));
    assertEquals(List.of("t2"), match("plugin.image", "regex", "'plugin-g'"));
    assertEquals(List.of(), match("job_task_id", "regex", "'^x'"));
    assertEquals(List.of("t1", "t3"), match("job_task_id", "regex_in", "['^t1$','^t3$']"));
    assertEquals(List.of(), match("job_task_id", "regex_in", "['^t9$']"));
  }

  @Test
  void datetimeOperatorsCompareInstants() throws QueryException {
    assertEquals(List.of("t1", "t3"), match("created_at", "datetime_gt", "'2024-01-09'"));
    assertEquals(List.of("t2"), match("created_at", "datetime_lt", "'2024-01-09T00:00:00Z'"));
    assertEquals(List.of("t1", "t2"), match("created_at", "datetime_lte", "'2024-01-10T10:00:00Z'"));
    assertEquals(List.of("t3"), match("created_at", "datetime_gte", "'2024-01-10T20:30:00+09:00'"));
    assertEquals(List.of(), match("created_at", "datetime_gt", "'2024-01-10T11:30:00'"));
  }

  @Test
  void timediffOperatorsCompareToTheClock() throws QueryException {
    // The clock says 2024-01-10T12:00:00Z.
    assertEquals(List.of("t1", "t3"), match("created_at", "timediff_gt", "'now-1d'"));
    assertEquals(List.of("t2"), match("created_at", "timediff_lt", "'now-1d'"));
    assertEquals(List.of("t3"), match("created_at", "timediff_gte", "'now-30m'"));
    assertEquals(List.of("t2"), match("created_at", "timediff_lte", "'now/d'"));
    assertEquals(List.of(), match("created_at", "timediff_gt", "'now+2h'"));
    assertEquals(List.of("t1", "t2", "t3"), match("created_at", "timediff_lt", "'now'"));
    assertEquals(List.of("t1", "t2", "t3"), match("created_at", "timediff_gt", "'now-1w'"));
  }

  @Test
  void keysReachIntoNestedMapsAndLists() throws QueryException {
    assertEquals(List.of("t1"), match("tags", "eq", "'prod'"), "any list element");
    assertEquals(List.of("t2"), match("errors.error_code", "eq", "'ERROR_TIMEOUT'"));
    assertEquals(List.of("t2"), match("errors.0.error_code", "eq", "'ERROR_AUTH'"), "list index");
    assertEquals(List.of(), match("errors.1.error_code", "eq", "'ERROR_AUTH'"));
    assertEquals(List.of("t1", "t3", "t4"), match("errors.error_code", "not", "'ERROR_AUTH'"));
    assertEquals(List.of("t2"), match("errors.message", "contain", "'DENIED'"));
  }

  @Test
  void filterIsAndFilterOrIsOrAndBothCombineWithAnd() throws QueryException {
    String both = "{'filter':[{'k':'status','v':'SUCCESS','o':'eq'}],"
        + "'filter_or':[{'k':'provider','v':'aws','o':'eq'},{'k':'created_count','v':'n/a','o':'eq'}]}";
    assertEquals(List.of("t1", "t4"), TestData.ids(engine.search(TASKS, json(both)).results(), "job_task_id"));

    String orOnly = "{'filter_or':[{'k':'status','v':'FAILURE','o':'eq'},{'k':'status','v':'IN_PROGRESS','o':'eq'}]}";
    assertEquals(List.of("t2", "t3"), TestData.ids(engine.search(TASKS, json(orOnly)).results(), "job_task_id"));

    String andTwo = "{'filter':[{'k':'status','v':'SUCCESS','o':'eq'},{'k':'plugin','v':true,'o':'exists'}]}";
    assertEquals(List.of("t1"), TestData.ids(engine.search(TASKS, json(andTwo)).results(), "job_task_id"));

    String excluded = "{'filter':[{'k':'status','v':'SUCCESS','o':'eq'}],"
        + "'filter_or':[{'k':'status','v':'FAILURE','o':'eq'}]}";
    assertEquals(0, engine.search(TASKS, json(excluded)).totalCount());
  }

  @Test
  void longKeyNamesAreAcceptedLikeSpaceOne() throws QueryException {
    String query = "{'filter':[{'key':'status','value':'FAILURE','operator':'eq'}]}";
    assertEquals(List.of("t2"), TestData.ids(engine.search(TASKS, json(query)).results(), "job_task_id"));
  }
}
