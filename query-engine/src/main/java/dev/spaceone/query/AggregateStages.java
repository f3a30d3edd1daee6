package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles {@code aggregate: [stages]}: {@code group, unwind, count, sort, project, limit, skip,
 * match}, each an object with exactly one of those names. Like SpaceONE, it tracks the names of
 * the latest group's keys, which {@code project} keeps unless {@code exclude_keys} is set.
 */
final class AggregateStages {
  private static final List<String> STAGES =
      List.of("group", "unwind", "count", "sort", "project", "limit", "skip", "match");

  private final FilterCompiler filters;
  private final KeyPath idKey;

  AggregateStages(FilterCompiler filters, KeyPath idKey) {
    this.filters = filters;
    this.idKey = idKey;
  }

  List<Stage> compile(QueryNode aggregate) throws QueryException {
    if (!aggregate.isArray()) {
      throw aggregate.error("must be a list of stages");
    }
    List<Stage> stages = new ArrayList<>();
    List<String> groupKeys = List.of();
    for (QueryNode stage : aggregate.list()) {
      Map<String, QueryNode> members = stage.members();
      if (members.size() != 1) {
        throw stage.error("must be an object with exactly one of " + STAGES);
      }
      Map.Entry<String, QueryNode> only = members.entrySet().iterator().next();
      QueryNode body = only.getValue();
      switch (only.getKey()) {
        case "group" -> {
          GroupStage group = GroupStage.read(body);
          groupKeys = group.keyNames();
          stages.add(group);
        }
        case "unwind" -> {
          stages.add(unwind(body));
          if (body.has("filter")) {
            // SpaceONE's unwind may carry a filter, which it runs as a match stage right after.
            stages.add(MatchStage.compile(body, filters.clock()));
          }
        }
        case "count" -> {
          stages.add(count(body));
          groupKeys = List.of();
        }
        case "sort" -> stages.add(sort(body));
        case "project" -> {
          boolean excludeKeys = body.get("exclude_keys").bool(false);
          stages.add(ProjectStage.read(body, excludeKeys ? List.of() : groupKeys));
          if (excludeKeys) {
            groupKeys = List.of();
          }
        }
        case "limit" -> {
          long limit = body.nonNegative(0);
          stages.add(rows -> rows.subList(0, (int) Math.min(limit, rows.size())));
        }
        case "skip" -> {
          long skip = body.nonNegative(0);
          stages.add(rows -> rows.subList((int) Math.min(skip, rows.size()), rows.size()));
        }
        case "match" -> stages.add(match(body));
        default -> throw stage.get(only.getKey())
            .error("unknown stage '" + only.getKey() + "'; supported: " + STAGES);
      }
    }
    return stages;
  }

  /** One row per element of the list at {@code path}; rows where it is null, missing or empty drop out. */
  static Stage unwind(QueryNode body) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {path}");
    }
    QueryNode pathNode = body.get("path");
    KeyPath path = KeyPath.from(pathNode);
    QueryBudget budget = body.budget();
    QueryLimits limits = body.limits();
    long maxRows = limits.get(QueryLimits.Limit.UNWIND_ROWS);
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        budget.tick();
        Object value = path.resolve(row);
        if (value instanceof List<?> list) {
          if (out.size() + list.size() > maxRows) {
            throw limits.exceeded(QueryLimits.Limit.UNWIND_ROWS, pathNode.path(),
                "unwinds into more than " + maxRows + " rows");
          }
          for (Object element : list) {
            // Each row is a copy of the record's top level map with the element in place.
            budget.charge(64 + 48L * row.size());
            out.add(path.with(row, element));
          }
        } else if (value != null && value != Values.MISSING) {
          budget.charge(8);
          out.add(row); // Mongo unwinds a non-list value as a one-element list
        }
      }
      return out;
    };
  }

  /** A single row {name: number of rows}; none when there are no rows, as Mongo's $count. */
  private static Stage count(QueryNode body) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {name}");
    }
    String name = body.get("name").name();
    return rows -> {
      if (rows.isEmpty()) {
        return List.of();
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(name, (long) rows.size());
      return List.of(row);
    };
  }

  private Stage sort(QueryNode body) throws QueryException {
    Sorting sorting = Sorting.read(body);
    if (sorting.isEmpty()) {
      throw body.error("needs at least one {key, desc}");
    }
    return rows -> {
      List<Map<String, Object>> sorted = new ArrayList<>(rows);
      sorting.sort(sorted, idKey, body.budget());
      return sorted;
    };
  }

  private Stage match(QueryNode body) throws QueryException {
    return MatchStage.compile(body, filters.clock());
  }
}
