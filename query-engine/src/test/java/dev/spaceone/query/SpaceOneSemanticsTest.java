package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static dev.spaceone.query.TestData.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: answers as SpaceONE gives them, re-derived from cloudforet-io python-core
 * ({@code mongo_model/__init__.py}, {@code filter_operator.py}, {@code stat_operator.py}, {@code service/utils.py})
 * and MongoDB's meaning of what it builds. Each test names the python-core code it follows.
 */
class SpaceOneSemanticsTest {
  private static final List<Map<String, Object>> TASKS = TestData.records("""
      [
       {'job_task_id':'t1','status':'SUCCESS','provider':'aws','image':'cloudforet/plugin-aws-ec2',
        'created_count':10,'updated_count':2,'errors':[],'items':[1,2,3],'labels':{'env':'prod','team':'a'}},
       {'job_task_id':'t2','status':'FAILURE','provider':'google_cloud','image':'cloudforet/plugin-gcp-compute',
        'created_count':4,'updated_count':0,'errors':[{'error_code':'E_AUTH'},{'error_code':'E_QUOTA'}],
        'items':[4],'labels':{'env':'dev'}},
       {'job_task_id':'t3','status':'FAILURE','provider':'aws','image':'Cloudforet/Plugin-AWS-S3',
        'created_count':6,'updated_count':null,'errors':[{'error_code':'E_AUTH'}],'items':[],'labels':{}},
       {'job_task_id':'t4','status':'IN_PROGRESS','provider':'azure','image':'x/plugin-azure',
        'created_count':0,'updated_count':5,'errors':[],'items':[5,6]}
      ]""");

  private final QueryEngine engine =
      new QueryEngine("job_task_id", List.of("job_task_id", "image"), TestData.CLOCK);

  private List<Object> ids(String query) throws QueryException {
    return TestData.ids(engine.search(TASKS, json(query)).results(), "job_task_id");
  }

  private String stat(String query) throws QueryException {
    return text(engine.stat(TASKS, json(query)).results());
  }

  private String analyze(String query) throws QueryException {
    return text(engine.analyze(TASKS, json(query)).results());
  }

  // 1. service/utils.py append_keyword_filter: strip, split on " ", drop empty words, one contain_in per
  // keyword key appended to filter_or.
  @Test
  void keywordWordsAreAlternativesOredWithFilterOr() throws QueryException {
    assertEquals(List.of("t1", "t2"), ids("{'keyword':'  ec2  GCP '}"), "any word, case-insensitive");
    assertEquals(List.of("t1", "t3", "t4"), ids("{'keyword':'aws azure'}"));
    assertEquals(List.of("t2", "t4"),
        ids("{'keyword':'azure','filter_or':[{'k':'status','v':'FAILURE','o':'eq'}],"
            + "'filter':[{'k':'created_count','v':5,'o':'lt'}]}"),
        "ORed with filter_or (t2 by status, t4 by keyword), still ANDed with filter (t3 has 6)");
    assertEquals(List.of("t1", "t2", "t3", "t4"), ids("{'keyword':'   '}"), "a blank keyword adds nothing");
  }

  // 2. filter_operator.py: not_contain_in is not__icontains per value, reduced with |. The match stage
  // (_make_match_rule) uses $nor instead.
  @Test
  void notContainInExcludesOnlyWhatContainsEveryValueInFilterButAnyValueInMatch() throws QueryException {
    assertEquals(List.of("t2", "t4"), ids("{'filter':[{'k':'image','v':['aws','cloudforet'],'o':'not_contain_in'}]}"),
        "t1 and t3 contain both (case-insensitively)");
    assertEquals(List.of("t1", "t2", "t3", "t4"),
        ids("{'filter':[{'k':'image','v':['aws','gcp'],'o':'not_contain_in'}]}"), "none contains both");
    assertEquals("[{\"job_task_id\":\"t3\"},{\"job_task_id\":\"t4\"}]",
        stat("{'aggregate':[{'match':{'filter':[{'k':'image','v':['aws','gcp'],'o':'not_contain_in'}]}},"
            + "{'project':{'fields':[{'key':'job_task_id','name':'job_task_id'}]}},{'sort':[{'key':'job_task_id'}]}]}"),
        "match drops every row containing any value, case-sensitively (t3 has AWS, not aws)");
  }

  // 3. _make_match_rule: the contain family is {"$regex": f".*{value}.*"}, case-sensitive, value unescaped.
  @Test
  void matchContainIsACaseSensitiveUnescapedRegex() throws QueryException {
    String project = "{'project':{'fields':[{'key':'job_task_id','name':'id'}]}},{'sort':[{'key':'id'}]}";
    assertEquals("[{\"id\":\"t1\"}]",
        stat("{'aggregate':[{'match':{'filter':[{'k':'image','v':'aws-e.2','o':'contain'}]}}," + project + "]}"),
        "'.' is a regex wildcard and 'AWS' in t3 does not match 'aws'");
    assertEquals("[{\"id\":\"t2\"},{\"id\":\"t3\"},{\"id\":\"t4\"}]",
        stat("{'aggregate':[{'match':{'filter':[{'k':'image','v':'ec[0-9]','o':'not_contain'}]}}," + project + "]}"));
    assertEquals("[{\"id\":\"t1\"},{\"id\":\"t2\"}]", stat("{'aggregate':[{'match':{'filter':["
        + "{'k':'image','v':['aws-ec','gcp'],'o':'contain_in'}]}}," + project + "]}"));
    assertEquals(List.of("t1", "t3"), ids("{'filter':[{'k':'image','v':'aws','o':'contain'}]}"),
        "the filter's contain stays a case-insensitive substring");
    assertEquals(List.of(), ids("{'filter':[{'k':'image','v':'aws-e.2','o':'contain'}]}"),
        "and escapes the value");
    QueryException bad = assertThrows(QueryException.class, () -> stat(
        "{'aggregate':[{'match':{'filter':[{'k':'image','v':'a(b','o':'contain'}]}}]}"));
    assertEquals("query.aggregate[0].match.filter[0].v", bad.field());
    QueryException unsupported = assertThrows(QueryException.class, () -> stat(
        "{'aggregate':[{'match':{'filter':[{'k':'created_count','v':2,'o':'gte'}]}}]}"));
    assertEquals("query.aggregate[0].match.filter[0].o", unsupported.field());
  }

  // 4. mongo_model query(): pages only when page.limit > 0; set_query_page_limit defaults an absent limit to
  // 1000 and caps larger ones.
  @Test
  void limitZeroMeansNoPaging() throws QueryException {
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("job_task_id", String.format("t%05d", i));
      many.add(r);
    }
    assertEquals(1_500, engine.search(many, json("{'page':{'start':700,'limit':0}}")).results().size(),
        "every record, start ignored");
    assertEquals(1_000, engine.search(many, json("{}")).results().size());
    assertEquals(1_000, engine.search(many, json("{'page':{'limit':5000}}")).results().size());
    StatResult stat = engine.stat(many, json("{'distinct':'job_task_id','page':{'limit':0}}"));
    assertEquals(1_500, stat.results().size());
    assertNull(stat.totalCount(), "no paging, no total_count");
  }

  // 5. analyze(): more only when page_limit, from fetching limit + 1 rows.
  @Test
  void analyzeHasMoreOnlyWithAPageLimit() throws QueryException {
    String base = "'group_by':['provider'],'fields':{'n':{'operator':'count'}}";
    assertNull(engine.analyze(TASKS, json("{" + base + "}")).more());
    assertNull(engine.analyze(TASKS, json("{" + base + ",'page':{'limit':0}}")).more());
    assertTrue(engine.analyze(TASKS, json("{" + base + ",'page':{'limit':2}}")).more());
    assertFalse(engine.analyze(TASKS, json("{" + base + ",'page':{'start':2,'limit':2}}")).more());
  }

  // 6. stat_operator.py STAT_PROJECT_OPERATORS, and analyze's _make_select_query.
  @Test
  void projectOperators() throws QueryException {
    String project = "{'aggregate':[{'match':{'filter':[{'k':'job_task_id','v':['t1','t3'],'o':'in'}]}},"
        + "{'sort':[{'key':'job_task_id'}]},{'project':{'fields':[%s]}}]}";
    assertEquals("[{\"n\":3,\"s\":6},{\"n\":0,\"s\":0}]", stat(String.format(project,
        "{'name':'n','key':'items','operator':'size'},{'name':'s','key':'items','operator':'sum'}")));
    assertEquals("[{\"a\":[{\"k\":\"env\",\"v\":\"prod\"},{\"k\":\"team\",\"v\":\"a\"}]},{\"a\":[]}]",
        stat(String.format(project, "{'name':'a','key':'labels','operator':'object_to_array'}")));
    assertEquals("[{\"t\":12,\"d\":8,\"m\":20.0,\"q\":5.0,\"nested\":24}]", stat("{'filter':[{'k':'job_task_id',"
        + "'v':'t1','o':'eq'}],'aggregate':[{'project':{'fields':["
        + "{'name':'t','operator':'add','fields':['created_count','updated_count']},"
        + "{'name':'d','operator':'subtract','fields':['created_count',2]},"
        + "{'name':'m','operator':'multiply','fields':['created_count',2.0]},"
        + "{'name':'q','operator':'divide','fields':['created_count','updated_count']},"
        + "{'name':'nested','operator':'multiply','fields':[2,{'operator':'add','fields':['created_count',2]}]}]}}]}"));
    assertEquals("[{\"t\":null}]", stat("{'filter':[{'k':'job_task_id','v':'t3','o':'eq'}],'aggregate':["
        + "{'project':{'fields':[{'name':'t','operator':'add','fields':['created_count','updated_count']}]}}]}"),
        "a null operand gives null");
    assertEquals("[{\"labels\":{\"env\":\"prod\",\"team\":\"a\"}}]", stat("{'filter':[{'k':'job_task_id','v':'t1',"
        + "'o':'eq'}],'aggregate':[{'project':{'only_keys':true,'fields':[{'name':'labels'}]}}]}"));

    QueryException zero = assertThrows(QueryException.class, () -> stat("{'filter':[{'k':'job_task_id','v':'t2',"
        + "'o':'eq'}],'aggregate':[{'project':{'fields':[{'name':'q','operator':'divide',"
        + "'fields':['created_count','updated_count']}]}}]}"));
    assertEquals("query.aggregate[0].project.fields[0].fields", zero.field());
    QueryException notNumber = assertThrows(QueryException.class, () -> stat("{'aggregate':[{'project':{'fields':"
        + "[{'name':'q','operator':'add','fields':['created_count','status']}]}}]}"));
    assertEquals("query.aggregate[0].project.fields[0].fields[1]", notNumber.field());
    QueryException two = assertThrows(QueryException.class, () -> stat("{'aggregate':[{'project':{'fields':"
        + "[{'name':'q','operator':'subtract','fields':['created_count',1,2]}]}}]}"));
    assertEquals("query.aggregate[0].project.fields[0].fields", two.field());
  }

  @Test
  void projectKeepsGroupKeysUnlessExcluded() throws QueryException {
    String group = "{'group':{'keys':[{'key':'provider','name':'provider'}],"
        + "'fields':[{'name':'c','key':'created_count','operator':'sum'},{'name':'n','operator':'count'}]}}";
    assertEquals("[{\"provider\":\"aws\",\"per\":8.0},{\"provider\":\"azure\",\"per\":0.0},"
        + "{\"provider\":\"google_cloud\",\"per\":4.0}]", stat("{'aggregate':[" + group
        + ",{'project':{'fields':[{'name':'per','operator':'divide','fields':['c','n']}]}}]}"));
    assertEquals("[{\"per\":8.0},{\"per\":0.0},{\"per\":4.0}]", stat("{'aggregate':[" + group
        + ",{'project':{'exclude_keys':true,'fields':[{'name':'per','operator':'divide','fields':['c','n']}]}}]}"));
  }

  @Test
  void analyzeSelectExpressions() throws QueryException {
    // size of a pushed list counts the pushed values: one (possibly empty) errors list per task.
    assertEquals("[{\"p\":\"aws\",\"avg\":8.0,\"errors\":2},{\"p\":\"azure\",\"avg\":0.0,\"errors\":1},"
        + "{\"p\":\"google_cloud\",\"avg\":4.0,\"errors\":1}]", analyze("{'group_by':['provider'],"
        + "'fields':{'c':{'key':'created_count','operator':'sum'},'n':{'operator':'count'},"
        + "'e':{'key':'errors','operator':'push'}},"
        + "'select':{'p':'provider','avg':{'operator':'divide','fields':['c','n']},"
        + "'errors':{'operator':'size','key':'e'}}}"));
    String base = "'group_by':['provider'],'fields':{'n':{'operator':'count'}}";
    assertEquals(analyze("{" + base + "}"), analyze("{" + base + ",'select':{}}"), "an empty select selects nothing");
  }

  // 8. analyze(): field_group, unwind, filter_or, sort on group keys and fields; unsupported options refused.
  @Test
  void analyzeFieldGroup() throws QueryException {
    assertEquals("[{\"provider\":\"aws\",\"_total_n\":2,\"n\":[{\"value\":1,\"status\":\"FAILURE\"},"
        + "{\"value\":1,\"status\":\"SUCCESS\"}]},{\"provider\":\"azure\",\"_total_n\":1,"
        + "\"n\":[{\"value\":1,\"status\":\"IN_PROGRESS\"}]},{\"provider\":\"google_cloud\",\"_total_n\":1,"
        + "\"n\":[{\"value\":1,\"status\":\"FAILURE\"}]}]",
        analyze("{'group_by':['provider','status'],'fields':{'n':{'operator':'count'}},'field_group':['status'],"
            + "'sort':[{'key':'n','desc':true}]}"), "sorted by _total_n; ties stay in group key order");
    QueryException total = assertThrows(QueryException.class,
        () -> analyze("{'group_by':['provider'],'fields':{'n':{'operator':'count'}},'field_group':['_total_x']}"));
    assertEquals("query.field_group[0]", total.field());
  }

  @Test
  void analyzeUnwindFilterOrAndSort() throws QueryException {
    assertEquals("[{\"error_code\":\"E_AUTH\",\"n\":2},{\"error_code\":\"E_QUOTA\",\"n\":1}]",
        analyze("{'unwind':{'path':'errors'},'group_by':['errors.error_code'],'fields':{'n':{'operator':'count'}},"
            + "'sort':[{'key':'n','desc':true},{'key':'error_code'}]}"));
    assertEquals("[{\"provider\":\"google_cloud\",\"c\":4},{\"provider\":\"azure\",\"c\":0}]",
        analyze("{'group_by':['provider'],'fields':{'c':{'key':'created_count','operator':'sum'}},"
            + "'filter_or':[{'k':'provider','v':'azure','o':'eq'},{'k':'status','v':'FAILURE','o':'eq'}],"
            + "'filter':[{'k':'created_count','v':6,'o':'lt'}],'sort':[{'key':'provider','desc':true}]}"));
    for (String option : List.of("granularity", "start", "end", "lookup", "add_fields")) {
      QueryException e = assertThrows(QueryException.class, () -> analyze(
          "{'group_by':['provider'],'fields':{'n':{'operator':'count'}},'" + option + "':'x'}"));
      assertEquals("query." + option, e.field());
    }
  }
}
