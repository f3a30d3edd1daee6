package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static dev.spaceone.query.TestData.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatTest {
  private static final List<Map<String, Object>> TASKS = TestData.records("""
      [
       {'job_task_id':'t1','status':'SUCCESS','provider':'aws','tags':['prod','blue'],
        'errors':[]},
       {'job_task_id':'t2','status':'FAILURE','provider':'aws','tags':['dev'],
        'errors':[{'error_code':'E_AUTH'},{'error_code':'E_TIMEOUT'}]},
       {'job_task_id':'t3','status':'FAILURE','provider':null,
        'errors':[{'error_code':'E_AUTH'}]},
       {'job_task_id':'t4','status':'IN_PROGRESS'}
      ]""");

  /** Rows built to give each group operator a distinct answer. */
  private static final List<Map<String, Object>> NUMBERS = TestData.records("""
      [{'id':'a','g':'x','n':1,'s':'p','o':{'a':1}},
       {'id':'b','g':'x','n':2.5,'s':'q','o':{'b':2}},
       {'id':'c','g':'x','n':null,'s':'p','o':{'a':3}},
       {'id':'d','g':'y','n':4,'s':'r'}]""");

  private final QueryEngine engine = new QueryEngine("job_task_id", List.of(), TestData.CLOCK);

  private String stat(List<Map<String, Object>> records, String query) throws QueryException {
    return text(engine.stat(records, json(query)).results());
  }

  @Test
  void distinctIsSortedAndUnwindsLists() throws QueryException {
    assertEquals("[\"FAILURE\",\"IN_PROGRESS\",\"SUCCESS\"]", stat(TASKS, "{'distinct':'status'}"));
    assertEquals("[\"blue\",\"dev\",\"prod\"]", stat(TASKS, "{'distinct':'tags'}"));
    assertEquals("[\"E_AUTH\",\"E_TIMEOUT\"]", stat(TASKS, "{'distinct':'errors.error_code'}"));
    assertEquals("[null,\"aws\"]", stat(TASKS, "{'distinct':'provider'}"), "null is a value, missing is not");
    assertEquals("[\"FAILURE\"]",
        stat(TASKS, "{'distinct':'status','filter':[{'k':'provider','v':'aws','o':'eq'}],"
            + "'filter_or':[{'k':'tags','v':'dev','o':'eq'}]}"));
  }

  @Test
  void distinctPagesAndCountsOnlyWithALimit() throws QueryException {
    StatResult paged = engine.stat(TASKS, json("{'distinct':'status','page':{'start':2,'limit':5}}"));
    assertEquals(List.of("IN_PROGRESS", "SUCCESS"), paged.results());
    assertEquals(3L, paged.totalCount());
    assertNull(engine.stat(TASKS, json("{'distinct':'status'}")).totalCount());
  }

  @Test
  void groupFlattensKeysByNameInKeyOrder() throws QueryException {
    assertEquals("[{\"state\":\"FAILURE\",\"n\":2},{\"state\":\"IN_PROGRESS\",\"n\":1},"
            + "{\"state\":\"SUCCESS\",\"n\":1}]",
        stat(TASKS, "{'aggregate':[{'group':{'keys':[{'key':'status','name':'state'}],"
            + "'fields':[{'name':'n','operator':'count'}]}}]}"));
    assertEquals("[{\"n\":1},{\"p\":null,\"n\":1},{\"p\":\"aws\",\"n\":2}]",
        stat(TASKS, "{'aggregate':[{'group':{'keys':[{'key':'provider','name':'p'}],"
            + "'fields':[{'name':'n','operator':'count'}]}}]}"),
        "a missing key is left out of its group's row; null is kept");
  }

  @Test
  void everyGroupOperator() throws QueryException {
    String query = """
        {'aggregate':[{'group':{'keys':[{'key':'g','name':'g'}],'fields':[
          {'name':'count','operator':'count'},
          {'name':'sum','key':'n','operator':'sum'},
          {'name':'average','key':'n','operator':'average'},
          {'name':'max','key':'n','operator':'max'},
          {'name':'min','key':'n','operator':'min'},
          {'name':'first','key':'id','operator':'first'},
          {'name':'last','key':'id','operator':'last'},
          {'name':'push','key':'s','operator':'push'},
          {'name':'set','key':'s','operator':'add_to_set'},
          {'name':'merged','key':'o','operator':'merge_objects'},
          {'name':'pairs','operator':'push','fields':[{'key':'s','name':'S'},{'key':'n','name':'N'}]}
        ]}}]}""";
    assertEquals("[{\"g\":\"x\",\"count\":3,\"sum\":3.5,\"average\":1.75,\"max\":2.5,\"min\":1,"
            + "\"first\":\"a\",\"last\":\"c\",\"push\":[\"p\",\"q\",\"p\"],\"set\":[\"p\",\"q\"],"
            + "\"merged\":{\"a\":3,\"b\":2},"
            + "\"pairs\":[{\"S\":\"p\",\"N\":1},{\"S\":\"q\",\"N\":2.5},{\"S\":\"p\",\"N\":null}]},"
            + "{\"g\":\"y\",\"count\":1,\"sum\":4,\"average\":4.0,\"max\":4,\"min\":4,"
            + "\"first\":\"d\",\"last\":\"d\",\"push\":[\"r\"],\"set\":[\"r\"],\"merged\":{},"
            + "\"pairs\":[{\"S\":\"r\",\"N\":4}]}]",
        stat(NUMBERS, query));
  }

  @Test
  void sumOfWholeNumbersStaysALong() throws QueryException {
    List<Object> rows = engine.stat(NUMBERS, json("{'aggregate':[{'group':{'fields':["
        + "{'name':'s','key':'n','operator':'sum'}]}}],'filter':[{'k':'g','v':'y','o':'eq'}]}")).results();
    assertEquals(Map.of("s", 4L), rows.get(0), "a group without keys is the whole input");
  }

  @Test
  void unwindMakesOneRowPerElementAndDropsEmpty() throws QueryException {
    assertEquals("[{\"code\":\"E_AUTH\",\"n\":2},{\"code\":\"E_TIMEOUT\",\"n\":1}]",
        stat(TASKS, "{'aggregate':[{'unwind':{'path':'errors'}},"
            + "{'group':{'keys':[{'key':'errors.error_code','name':'code'}],'fields':[{'name':'n','operator':'count'}]}}]}"));
    assertEquals(3, engine.stat(TASKS, json("{'aggregate':[{'unwind':{'path':'errors'}}]}")).results().size());
  }

  @Test
  void countStage() throws QueryException {
    assertEquals("[{\"total\":2}]", stat(TASKS,
        "{'filter':[{'k':'status','v':'FAILURE','o':'eq'}],'aggregate':[{'count':{'name':'total'}}]}"));
    assertEquals("[]", stat(TASKS,
        "{'filter':[{'k':'status','v':'NONE','o':'eq'}],'aggregate':[{'count':{'name':'total'}}]}"));
  }

  @Test
  void sortStageAcceptsAListOrKeysOrOneKey() throws QueryException {
    String group = "{'group':{'keys':[{'key':'status','name':'status'}],'fields':[{'name':'n','operator':'count'}]}}";
    String expected = "[\"FAILURE\",\"IN_PROGRESS\",\"SUCCESS\"]";
    for (String sort : List.of("[{'key':'n','desc':true}]", "{'keys':[{'key':'n','desc':true}]}",
        "{'key':'n','desc':true}")) {
      List<Object> rows = engine.stat(TASKS, json("{'aggregate':[" + group + ",{'sort':" + sort + "}]}")).results();
      assertEquals(expected, text(rows.stream().map(r -> ((Map<?, ?>) r).get("status")).toList()), sort);
    }
    List<Object> asc = engine.stat(TASKS, json("{'aggregate':[" + group + ",{'sort':[{'key':'n'},{'key':'status','desc':true}]}]}")).results();
    assertEquals("[\"SUCCESS\",\"IN_PROGRESS\",\"FAILURE\"]",
        text(asc.stream().map(r -> ((Map<?, ?>) r).get("status")).toList()));
  }

  @Test
  void projectKeepsGroupKeysUnlessExcluded() throws QueryException {
    String group = "{'group':{'keys':[{'key':'status','name':'status'}],'fields':[{'name':'n','operator':'count'}]}}";
    String filter = "'filter':[{'k':'status','v':'FAILURE','o':'eq'}]";
    assertEquals("[{\"status\":\"FAILURE\",\"total\":2}]", stat(TASKS,
        "{" + filter + ",'aggregate':[" + group + ",{'project':{'fields':[{'key':'n','name':'total'}]}}]}"));
    assertEquals("[{\"total\":2}]", stat(TASKS, "{" + filter + ",'aggregate':[" + group
        + ",{'project':{'fields':[{'key':'n','name':'total'}],'exclude_keys':true}}]}"));
    assertEquals("[{\"status\":\"FAILURE\"}]", stat(TASKS,
        "{" + filter + ",'aggregate':[" + group + ",{'project':{'exclude':['n']}}]}"));
  }

  @Test
  void limitSkipAndMatchStages() throws QueryException {
    String group = "{'group':{'keys':[{'key':'status','name':'status'}],'fields':[{'name':'n','operator':'count'}]}}";
    assertEquals("[{\"status\":\"IN_PROGRESS\",\"n\":1}]",
        stat(TASKS, "{'aggregate':[" + group + ",{'skip':1},{'limit':1}]}"));
    assertEquals("[]", stat(TASKS, "{'aggregate':[" + group + ",{'skip':9}]}"));
    assertEquals("[{\"status\":\"FAILURE\",\"n\":2}]",
        stat(TASKS, "{'aggregate':[" + group + ",{'match':{'filter':[{'k':'n','v':2,'o':'eq'}]}}]}"));
    assertEquals("[{\"status\":\"FAILURE\",\"n\":2},{\"status\":\"SUCCESS\",\"n\":1}]",
        stat(TASKS, "{'aggregate':[" + group + ",{'match':{'filter':["
            + "{'k':'status','v':['FAILURE','SUCCESS'],'o':'in'}]}}]}"));
  }

  @Test
  void pageOnAggregateReportsTotalCount() throws QueryException {
    String group = "{'group':{'keys':[{'key':'status','name':'status'}],'fields':[{'name':'n','operator':'count'}]}}";
    StatResult result = engine.stat(TASKS, json("{'aggregate':[" + group + "],'page':{'start':3,'limit':1}}"));
    assertEquals("[{\"status\":\"SUCCESS\",\"n\":1}]", text(result.results()));
    assertEquals(3L, result.totalCount());
  }
}
