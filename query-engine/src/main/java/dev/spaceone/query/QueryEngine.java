package dev.spaceone.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SpaceONE's list ({@link #search}), stat and analyze over in-memory records. Records are plain
 * JSON-shaped maps and are never modified; results may share maps with them. Queries arrive as
 * Jackson trees and are validated and compiled once per call; any malformed query (or a query
 * that cannot apply to the data, such as summing strings) throws {@link QueryException}.
 */
public final class QueryEngine {
  private final KeyPath idKey;
  private final List<KeyPath> keywordKeys;
  private final FilterCompiler filters;
  private final Statistics statistics;
  private final Analyzer analyzer;

  /**
   * @param idKey the record's id key (e.g. {@code job_task_id}), the final tie-break of every sort
   * @param keywordKeys the keys {@code keyword} searches, case-insensitively, as substrings
   * @param clock the "now" of {@code timediff_*} operators
   */
  public QueryEngine(String idKey, List<String> keywordKeys, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    try {
      QueryNode config = QueryNode.root(null, QueryBudget.start(QueryLimits.defaults()));
      this.idKey = KeyPath.of(Objects.requireNonNull(idKey, "idKey"), config);
      List<KeyPath> keys = new ArrayList<>();
      for (String key : keywordKeys) {
        keys.add(KeyPath.of(key, config));
      }
      this.keywordKeys = List.copyOf(keys);
    } catch (QueryException e) {
      throw new IllegalArgumentException("invalid engine configuration: " + e.reason(), e);
    }
    this.filters = new FilterCompiler(clock);
    this.statistics = new Statistics(filters, new AggregateStages(filters, this.idKey));
    this.analyzer = new Analyzer(filters, this.idKey);
  }

  /** {@link #search(List, JsonNode, QueryBudget)} with a budget of the default limits (tests, tools). */
  public SearchResult search(List<Map<String, Object>> records, JsonNode query) throws QueryException {
    return search(records, query, QueryBudget.start(QueryLimits.defaults()));
  }

  /**
   * Query: {@code filter, filter_or, keyword, sort, page, only, count_only}. Results are sorted
   * (always ending with the id ascending), paged (limit default and cap 1000, 0 for all) and projected.
   */
  public SearchResult search(List<Map<String, Object>> records, JsonNode query, QueryBudget budget)
      throws QueryException {
    return search(() -> records, query, budget);
  }

  /** As {@link #search(List, JsonNode, QueryBudget)}, over a table's records. */
  public SearchResult search(RecordTable.Scope records, JsonNode query, QueryBudget budget) throws QueryException {
    return search((RecordSource) records, query, budget);
  }

  SearchResult search(RecordSource source, JsonNode query, QueryBudget budget) throws QueryException {
    QueryNode q = QueryNode.root(query, budget);
    Filter filter = filters.compile(q, keywordKeys);
    Sorting sorting = Sorting.read(q.get("sort"));
    Paging paging = Paging.read(q.get("page"), Paging.MAX_LIMIT);
    Projection only = Projection.read(q.get("only"));
    boolean countOnly = q.get("count_only").bool(false);

    List<Map<String, Object>> matched = Statistics.matching(source, filter, budget);
    if (countOnly) {
      return new SearchResult(List.of(), matched.size());
    }
    sorting.sort(matched, idKey, budget);
    List<Map<String, Object>> page = paging.apply(matched);
    List<Map<String, Object>> results = new ArrayList<>(page.size());
    for (Map<String, Object> record : page) {
      budget.tick();
      results.add(only.isEmpty() ? record : only.apply(record));
    }
    ResultSize.check(results, q);
    return new SearchResult(results, matched.size());
  }

  /** {@link #stat(List, JsonNode, QueryBudget)} with a budget of the default limits (tests, tools). */
  public StatResult stat(List<Map<String, Object>> records, JsonNode query) throws QueryException {
    return stat(records, query, QueryBudget.start(QueryLimits.defaults()));
  }

  /** StatisticsQuery: {@code distinct} or {@code aggregate}, with {@code filter, filter_or, page}. */
  public StatResult stat(List<Map<String, Object>> records, JsonNode query, QueryBudget budget)
      throws QueryException {
    return stat(() -> records, query, budget);
  }

  /**
   * As {@link #stat(List, JsonNode, QueryBudget)}, over a table's records: a group over its columns is scanned
   * there, without reading the maps.
   */
  public StatResult stat(RecordTable.Scope records, JsonNode query, QueryBudget budget) throws QueryException {
    return stat((RecordSource) records, query, budget);
  }

  StatResult stat(RecordSource source, JsonNode query, QueryBudget budget) throws QueryException {
    return statistics.stat(source, QueryNode.root(query, budget));
  }

  /** {@link #analyze(List, JsonNode, QueryBudget)} with a budget of the default limits (tests, tools). */
  public AnalyzeResult analyze(List<Map<String, Object>> records, JsonNode query) throws QueryException {
    return analyze(records, query, QueryBudget.start(QueryLimits.defaults()));
  }

  /**
   * AnalyzeQuery: {@code group_by, fields, select, field_group, unwind, filter, filter_or, sort, page}. Every
   * query is checked against its budget's limits while compiled, and against its deadline, memory budget and
   * cancellation while it runs.
   */
  public AnalyzeResult analyze(List<Map<String, Object>> records, JsonNode query, QueryBudget budget)
      throws QueryException {
    return analyze(() -> records, query, budget);
  }

  /** As {@link #analyze(List, JsonNode, QueryBudget)}, over a table's records (grouped over its columns if it can). */
  public AnalyzeResult analyze(RecordTable.Scope records, JsonNode query, QueryBudget budget)
      throws QueryException {
    return analyze((RecordSource) records, query, budget);
  }

  AnalyzeResult analyze(RecordSource source, JsonNode query, QueryBudget budget) throws QueryException {
    QueryNode q = QueryNode.root(query, budget);
    AnalyzeResult result = analyzer.analyze(source, q);
    ResultSize.check(result.results(), q);
    return result;
  }
}
