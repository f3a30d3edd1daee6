package dev.spaceone.query;

import java.util.List;
import java.util.Map;

/** One compiled aggregation stage: rows in, rows out. Input rows are never mutated. */
@FunctionalInterface
interface Stage {
  List<Map<String, Object>> apply(List<Map<String, Object>> rows) throws QueryException;
}
