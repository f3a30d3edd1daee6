package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * StatisticsQuery: {@code distinct} (sorted distinct values of a key, list values counted element
 * by element) or an {@code aggregate} pipeline, both after {@code filter}/{@code filter_or}.
 * {@code page} applies to the final values, and only then is {@code total_count} reported.
 */
final class Statistics {
  private final FilterCompiler filters;
  private final AggregateStages stages;

  Statistics(FilterCompiler filters, AggregateStages stages) {
    this.filters = filters;
    this.stages = stages;
  }

  StatResult stat(RecordSource source, QueryNode query) throws QueryException {
    QueryNode distinct = query.get("distinct");
    QueryNode aggregate = query.get("aggregate");
    if (distinct.isAbsent() == aggregate.isAbsent()) {
      throw query.error("needs exactly one of distinct or aggregate");
    }
    Filter filter = filters.compile(query);
    Paging paging = Paging.read(query.get("page"), null);
    QueryBudget budget = query.budget();
    List<Object> values;
    if (!distinct.isAbsent()) {
      KeyPath key = KeyPath.from(distinct);
      values = source.distinct(filter, key, budget);
      if (values == null) {
        values = distinct(key, source.records(), filter, budget);
      }
    } else {
      List<Stage> pipeline = stages.compile(aggregate);
      List<Map<String, Object>> rows;
      int next = 0;
      if (!pipeline.isEmpty() && pipeline.get(0) instanceof GroupStage group) {
        rows = filterAndGroup(source, filter, group, budget);
        next = 1;
      } else {
        rows = matching(source, filter, budget);
      }
      for (Stage stage : pipeline.subList(next, pipeline.size())) {
        rows = stage.apply(rows);
      }
      values = new ArrayList<>(rows);
    }
    if (!paging.hasLimit()) {
      ResultSize.check(values, query);
      return new StatResult(values, null);
    }
    List<Object> page = new ArrayList<>(paging.apply(values));
    ResultSize.check(page, query);
    return new StatResult(page, (long) values.size());
  }

  /** The records the filter accepts, in scan order: selected over the source's columns if it can, else tested. */
  static List<Map<String, Object>> matching(RecordSource source, Filter filter, QueryBudget budget)
      throws QueryException {
    List<Map<String, Object>> columnar = source.matching(filter, budget);
    if (columnar != null) {
      return columnar;
    }
    List<Map<String, Object>> matched = new ArrayList<>();
    for (Map<String, Object> record : source.records()) {
      budget.tick();
      if (filter.test(record)) {
        matched.add(record);
      }
    }
    budget.charge(8L * matched.size());
    return matched;
  }

  /**
   * Filter and group in one pass over the records (the usual stat query, and every analyze): over the source's
   * columns when it has the columns the query reads, else over the maps.
   */
  static List<Map<String, Object>> filterAndGroup(RecordSource source, Filter filter, GroupStage group,
      QueryBudget budget) throws QueryException {
    List<Map<String, Object>> columnar = source.filterAndGroup(filter, group, budget);
    if (columnar != null) {
      return columnar;
    }
    GroupStage.Grouping grouping = group.start();
    for (Map<String, Object> record : source.records()) {
      budget.tick();
      if (filter.test(record)) {
        grouping.add(record);
      }
    }
    return grouping.rows();
  }

  private static List<Object> distinct(KeyPath key, List<Map<String, Object>> records,
      Predicate<Map<String, Object>> filter, QueryBudget budget) throws QueryException {
    Map<Object, Object> seen = new LinkedHashMap<>();
    for (Map<String, Object> record : records) {
      budget.tick();
      if (!filter.test(record)) {
        continue;
      }
      Object value = key.resolve(record);
      if (value instanceof List<?> list) {
        for (Object element : list) {
          if (seen.putIfAbsent(Values.normalize(element), element) == null) {
            budget.charge(64);
          }
        }
      } else if (value != Values.MISSING && seen.putIfAbsent(Values.normalize(value), value) == null) {
        budget.charge(64);
      }
    }
    List<Object> values = new ArrayList<>(seen.values());
    values.sort(Values::compare);
    return values;
  }
}
