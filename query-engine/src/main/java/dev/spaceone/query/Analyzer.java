package dev.spaceone.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AnalyzeQuery, which SpaceONE runs as a fixed pipeline: filter, group by {@code group_by} into
 * {@code fields}, then {@code select}, {@code sort} and {@code page}. {@code more} reports whether
 * the page cut rows off (SpaceONE fetches limit + 1 rows to know).
 */
final class Analyzer {
  private final FilterCompiler filters;
  private final KeyPath idKey;

  Analyzer(FilterCompiler filters, KeyPath idKey) {
    this.filters = filters;
    this.idKey = idKey;
  }

  AnalyzeResult analyze(List<Map<String, Object>> records, QueryNode query) throws QueryException {
    Predicate<Map<String, Object>> filter = filters.compile(query);
    GroupStage group = new GroupStage(groupBy(query.get("group_by")), fields(query.get("fields")));
    Select select = Select.read(query.get("select"));
    Sorting sorting = Sorting.read(query.get("sort"));
    Paging paging = Paging.read(query.get("page"), null);

    List<Map<String, Object>> rows = select.apply(Statistics.filterAndGroup(records, filter, group));
    if (!sorting.isEmpty()) {
      sorting.sort(rows, idKey);
    }
    return new AnalyzeResult(new ArrayList<>(paging.apply(rows)), paging.cutsOff(rows.size()));
  }

  /** {@code group_by: ["key" | {key, name}]}; a bare key is named by its last segment, as in SpaceONE. */
  private static List<GroupStage.GroupKey> groupBy(QueryNode groupBy) throws QueryException {
    List<GroupStage.GroupKey> keys = new ArrayList<>();
    for (QueryNode item : groupBy.list()) {
      if (item.isText()) {
        KeyPath key = KeyPath.from(item);
        keys.add(new GroupStage.GroupKey(key, key.lastSegment()));
      } else if (item.isObject()) {
        keys.add(new GroupStage.GroupKey(KeyPath.from(item.get("key")), item.get("name").name()));
      } else {
        throw item.error("must be a key or an object {key, name}");
      }
    }
    return keys;
  }

  /** {@code fields: {name: {key, operator}}}; push may give {@code fields: {name: key}} instead of a key. */
  private static List<GroupOperators.GroupField> fields(QueryNode fields) throws QueryException {
    if (fields.isAbsent()) {
      throw fields.error("is required");
    }
    List<GroupOperators.GroupField> compiled = new ArrayList<>();
    for (Map.Entry<String, QueryNode> entry : fields.members().entrySet()) {
      QueryNode field = entry.getValue();
      if (!field.isObject()) {
        throw field.error("must be an object {key, operator}");
      }
      QueryNode keyNode = field.get("key");
      KeyPath key = keyNode.isAbsent() ? null : KeyPath.from(keyNode);
      List<GroupOperators.PushField> pushFields = new ArrayList<>();
      for (Map.Entry<String, QueryNode> sub : field.get("fields").members().entrySet()) {
        pushFields.add(new GroupOperators.PushField(sub.getKey(), KeyPath.from(sub.getValue())));
      }
      compiled.add(GroupOperators.compile(entry.getKey(), field.get("operator"), key, keyNode, pushFields));
    }
    if (compiled.isEmpty()) {
      throw fields.error("needs at least one field");
    }
    return compiled;
  }

  /**
   * {@code select: {name: "key"}}: when given, rows hold exactly these names, each taken from a
   * group key or field of the grouped row (SpaceONE projects with exclude_keys the same way).
   */
  private record Select(List<String> names, List<KeyPath> keys) {
    static Select read(QueryNode select) throws QueryException {
      List<String> names = new ArrayList<>();
      List<KeyPath> keys = new ArrayList<>();
      for (Map.Entry<String, QueryNode> entry : select.members().entrySet()) {
        if (!entry.getValue().isText()) {
          throw entry.getValue().error("must be the name of a group key or field; "
              + "select expressions (add, subtract, ...) are not supported");
        }
        names.add(entry.getKey());
        keys.add(KeyPath.from(entry.getValue()));
      }
      return new Select(names, keys);
    }

    List<Map<String, Object>> apply(List<Map<String, Object>> rows) {
      if (names.isEmpty()) {
        return rows;
      }
      List<Map<String, Object>> out = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        Map<String, Object> selected = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          Object value = keys.get(i).resolve(row);
          if (value != Values.MISSING) {
            selected.put(names.get(i), value);
          }
        }
        out.add(selected);
      }
      return out;
    }
  }
}
