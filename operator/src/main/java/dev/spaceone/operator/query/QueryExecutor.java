package dev.spaceone.operator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.query.AnalyzeResult;
import dev.spaceone.query.QueryBudget;
import dev.spaceone.query.QueryEngine;
import dev.spaceone.query.QueryException;
import dev.spaceone.query.QueryLimits;
import dev.spaceone.query.RecordTable;
import dev.spaceone.query.SearchResult;
import dev.spaceone.query.StatResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs one query kind over records with the query engine and writes the answer as a status object, within
 * the query's {@link QueryBudget} (limits, deadline, memory, cancellation).
 */
final class QueryExecutor {
  private final QueryEngine jobs;
  private final QueryEngine tasks;
  private final QueryLimits limits;

  QueryExecutor(Clock clock, QueryLimits limits) {
    this.limits = limits;
    this.jobs = new QueryEngine(Records.JOB_ID,
        List.of(Records.JOB_ID, "status", "plugin_id", "collector_id", "data_source_id", "project_id",
            "workspace_id", "error_code"), clock);
    this.tasks = new QueryEngine(Records.JOB_TASK_ID,
        List.of(Records.JOB_TASK_ID, Records.JOB_ID, "status", "provider", "service_account_id", "project_id",
            "secret_id", "error_code"), clock);
  }

  /** A budget for one query, its deadline starting now; the server cancels it when the client goes away. */
  QueryBudget budget() {
    return QueryBudget.start(limits);
  }

  /** As {@link #budget()}, with the deadline shortened to {@code deadline} if that is shorter. */
  QueryBudget budget(Duration deadline) {
    return QueryBudget.start(limits, deadline);
  }

  /**
   * The status of the answer. Throws {@link QueryException} with the field relative to
   * {@code spec} (e.g. {@code query.filter[0].o}); its kind tells a 422 (INVALID, LIMIT) from a timeout
   * (DEADLINE) and a cancelled query (CANCELLED).
   */
  ObjectNode run(QueryKind kind, String resource, RecordTable.Scope records, JsonNode query,
      QueryBudget budget) throws QueryException {
    QueryEngine engine = RecordStore.JOBS.equals(resource) ? jobs : tasks;
    JsonNode q = query == null ? NullNode.getInstance() : query;
    ObjectNode status = StatusResponses.JSON.createObjectNode();
    switch (kind) {
      case SEARCH -> {
        SearchResult r = engine.search(records, q, budget);
        status.set("results", StatusResponses.JSON.valueToTree(r.results()));
        status.put("totalCount", r.totalCount());
      }
      case STAT -> {
        StatResult r = engine.stat(records, q, budget);
        status.set("results", StatusResponses.JSON.valueToTree(r.results()));
        if (r.totalCount() != null) {
          status.put("totalCount", r.totalCount());
        }
      }
      case ANALYSIS -> {
        AnalyzeResult r = engine.analyze(records, q, budget);
        status.set("results", StatusResponses.JSON.valueToTree(r.results()));
        if (r.more() != null) {
          status.put("more", r.more());
        }
      }
      default -> throw new IllegalStateException(kind.name());
    }
    return status;
  }
}
