package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/** The records a query reads: a plain list, or a {@link RecordTable.Scope} that can also scan its columns. */
interface RecordSource {
  /** The records, in the order a scan reads them; the list is the caller's. */
  List<Map<String, Object>> records();

  /** The records the filter accepts, in {@link #records()}' order, selected without testing the maps, or null. */
  default List<Map<String, Object>> matching(Filter filter, QueryBudget budget) throws QueryException {
    return null;
  }

  /** Filtered and grouped rows computed without the maps, or null when only the map path can answer. */
  default List<Map<String, Object>> filterAndGroup(Filter filter, GroupStage group, QueryBudget budget)
      throws QueryException {
    return null;
  }

  /** The sorted distinct values of {@code key} among the filtered records computed without the maps, or null. */
  default List<Object> distinct(Filter filter, KeyPath key, QueryBudget budget) throws QueryException {
    return null;
  }
}
