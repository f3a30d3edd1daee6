package dev.spaceone.query;

import static dev.spaceone.query.TestData.json;
import static dev.spaceone.query.TestData.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyzeTest {
  private static final List<Map<String, Object>> JOBS = TestData.records("""
      [{'job_id':'j1','status':'SUCCESS','total_tasks':2,'failure_tasks':0,'collector':{'name':'aws'}},
       {'job_id':'j2','status':'FAILURE','total_tasks':3,'failure_tasks':1,'collector':{'name':'aws'}},
       {'job_id':'j3','status':'FAILURE','total_tasks':5,'failure_tasks':5,'collector':{'name':'gcp'}},
       {'job_id':'j4','status':'IN_PROGRESS','total_tasks':1,'collector':{'name':'gcp'}}]""");

  private final QueryEngine engine = new QueryEngine("job_id", List.of(), TestData.CLOCK);

  @Test
  void groupsByKeysIntoFields() throws QueryException {
    AnalyzeResult result = engine.analyze(JOBS, json("""
        {'group_by':['status',{'key':'collector.name','name':'collector'}],
         'fields':{'jobs':{'operator':'count'},'tasks':{'key':'total_tasks','operator':'sum'}},
         'filter':[{'k':'status','v':'IN_PROGRESS','o':'not'}]}"""));
    assertEquals("[{\"status\":\"FAILURE\",\"collector\":\"aws\",\"jobs\":1,\"tasks\":3},"
        + "{\"status\":\"FAILURE\",\"collector\":\"gcp\",\"jobs\":1,\"tasks\":5},"
        + "{\"status\":\"SUCCESS\",\"collector\":\"aws\",\"jobs\":1,\"tasks\":2}]", text(result.results()));
    assertNull(result.more(), "no page.limit, no more");
  }

  @Test
  void aBareDottedGroupByKeyIsNamedByItsLastSegment() throws QueryException {
    AnalyzeResult result = engine.analyze(JOBS, json(
        "{'group_by':['collector.name'],'fields':{'failed':{'key':'failure_tasks','operator':'max'}}}"));
    assertEquals("[{\"name\":\"aws\",\"failed\":1},{\"name\":\"gcp\",\"failed\":5}]", text(result.results()));
  }

  @Test
  void selectKeepsExactlyTheSelectedNames() throws QueryException {
    AnalyzeResult result = engine.analyze(JOBS, json("""
        {'group_by':['status'],'fields':{'tasks':{'key':'total_tasks','operator':'sum'}},
         'select':{'state':'status','total':'tasks'}}"""));
    assertEquals("[{\"state\":\"FAILURE\",\"total\":8},{\"state\":\"IN_PROGRESS\",\"total\":1},"
        + "{\"state\":\"SUCCESS\",\"total\":2}]", text(result.results()));
  }

  @Test
  void sortAndPageTellWhetherThereIsMore() throws QueryException {
    String base = "'group_by':['job_id'],'fields':{'tasks':{'key':'total_tasks','operator':'sum'}},"
        + "'sort':[{'key':'tasks','desc':true}]";
    AnalyzeResult first = engine.analyze(JOBS, json("{" + base + ",'page':{'limit':2}}"));
    assertEquals("[{\"job_id\":\"j3\",\"tasks\":5},{\"job_id\":\"j2\",\"tasks\":3}]", text(first.results()));
    assertTrue(first.more());

    AnalyzeResult last = engine.analyze(JOBS, json("{" + base + ",'page':{'start':3,'limit':2}}"));
    assertEquals("[{\"job_id\":\"j1\",\"tasks\":2},{\"job_id\":\"j4\",\"tasks\":1}]", text(last.results()));
    assertFalse(last.more());

    AnalyzeResult unpaged = engine.analyze(JOBS, json("{" + base + "}"));
    assertEquals(4, unpaged.results().size());
    assertNull(unpaged.more());
  }

  @Test
  void pushWithSubFieldsAndAverage() throws QueryException {
    AnalyzeResult result = engine.analyze(JOBS, json("""
        {'group_by':['collector.name'],'filter':[{'k':'collector.name','v':'gcp','o':'eq'}],
         'fields':{'jobs':{'operator':'push','fields':{'id':'job_id','failed':'failure_tasks'}},
                   'avg':{'key':'total_tasks','operator':'average'}}}"""));
    assertEquals("[{\"name\":\"gcp\",\"jobs\":[{\"id\":\"j3\",\"failed\":5},{\"id\":\"j4\"}],\"avg\":3.0}]",
        text(result.results()));
  }
}
