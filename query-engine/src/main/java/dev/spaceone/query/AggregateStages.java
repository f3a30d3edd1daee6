package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
        case "unwind" -> stages.add(unwind(body));
        case "count" -> {
          stages.add(count(body));
          groupKeys = List.of();
        }
        case "sort" -> stages.add(sort(body));
        case "project" -> {
          boolean excludeKeys = body.get("exclude_keys").bool(false);
          stages.add(project(body, excludeKeys ? List.of() : groupKeys));
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
  private static Stage unwind(QueryNode body) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {path}");
    }
    KeyPath path = KeyPath.from(body.get("path"));
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        Object value = path.resolve(row);
        if (value instanceof List<?> list) {
          for (Object element : list) {
            out.add(path.with(row, element));
          }
        } else if (value != null && value != Values.MISSING) {
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
      sorting.sort(sorted, idKey);
      return sorted;
    };
  }

  /**
   * {@code fields: [{key, name}]} puts the value of each key under its name, after the kept group
   * keys; {@code exclude: [keys]} instead drops those keys and keeps the rest.
   */
  private static Stage project(QueryNode body, List<String> keptKeys) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {fields} or {exclude}");
    }
    List<KeyPath> excluded = new ArrayList<>();
    for (QueryNode key : body.get("exclude").list()) {
      excluded.add(KeyPath.from(key));
    }
    List<String> names = new ArrayList<>();
    List<KeyPath> keys = new ArrayList<>();
    for (QueryNode field : body.get("fields").list()) {
      if (!field.isObject()) {
        throw field.error("must be an object {key, name}");
      }
      if (field.has("operator")) {
        throw field.get("operator").error("project operators are not supported");
      }
      QueryNode nameNode = field.get("name", "n");
      QueryNode keyNode = field.get("key", "k");
      String name = nameNode.name();
      names.add(name);
      keys.add(keyNode.isAbsent() ? KeyPath.of(name, nameNode) : KeyPath.from(keyNode));
    }
    if (keys.isEmpty() == excluded.isEmpty()) {
      throw body.error("needs either fields or exclude");
    }
    if (!excluded.isEmpty()) {
      return rows -> {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
          Map<String, Object> kept = row;
          for (KeyPath key : excluded) {
            kept = key.without(kept);
          }
          out.add(kept);
        }
        return out;
      };
    }
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        Map<String, Object> projected = new LinkedHashMap<>();
        for (String kept : keptKeys) {
          if (row.containsKey(kept)) {
            projected.put(kept, row.get(kept));
          }
        }
        for (int i = 0; i < keys.size(); i++) {
          Object value = keys.get(i).resolve(row);
          if (value != Values.MISSING) {
            projected.put(names.get(i), value);
          }
        }
        out.add(projected);
      }
      return out;
    };
  }

  private Stage match(QueryNode body) throws QueryException {
    if (!body.isObject()) {
      throw body.error("must be an object {filter, filter_or}");
    }
    Predicate<Map<String, Object>> filter = filters.compile(body);
    return rows -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        if (filter.test(row)) {
          out.add(row);
        }
      }
      return out;
    };
  }
}
