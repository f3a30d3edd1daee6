package dev.spaceone.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AnalyzeQuery, run as python-core's {@code analyze} builds its pipeline: filter ({@code filter} AND
 * {@code filter_or}), {@code unwind}, group by {@code group_by} into {@code fields}, {@code select} (a project
 * that drops the group keys), {@code field_group} (a second group that pushes each field's values with the
 * field-group keys, plus {@code _total_<field>}), {@code sort} (on a field name it sorts by
 * {@code _total_<field>} when there is a field group), and {@code page}. {@code more} is reported only when
 * {@code page.limit} is given: whether rows remain after the page (SpaceONE fetches limit + 1 rows).
 */
final class Analyzer {
  /** AnalyzeQuery options of python-core this engine does not implement: refused, not silently ignored. */
  private static final List<String> UNSUPPORTED =
      List.of("granularity", "start", "end", "date_field", "date_field_format", "lookup", "add_fields");
  private static final Set<String> TOTALED = Set.of("sum", "average", "max", "min", "count");

  private final FilterCompiler filters;
  private final KeyPath idKey;

  Analyzer(FilterCompiler filters, KeyPath idKey) {
    this.filters = filters;
    this.idKey = idKey;
  }

  AnalyzeResult analyze(RecordSource source, QueryNode query) throws QueryException {
    for (String option : UNSUPPORTED) {
      if (query.has(option)) {
        throw query.get(option).error("is not supported by this query API");
      }
    }
    QueryBudget budget = query.budget();
    Filter filter = filters.compile(query);
    List<GroupStage.GroupKey> keys = groupBy(query.get("group_by"));
    List<Field> fields = fields(query.get("fields"));
    GroupStage group = new GroupStage(keys, fields.stream().map(Field::compiled).toList(), budget);
    QueryNode unwindNode = query.get("unwind");
    List<Stage> after = new ArrayList<>();
    if (!query.get("select").members().isEmpty()) { // python-core: "if select:", so {} selects nothing
      after.add(ProjectStage.select(query.get("select")));
    }
    List<String> fieldGroup = fieldGroup(query.get("field_group"));
    if (!fieldGroup.isEmpty()) {
      after.add(fieldGroupStage(keys, fields, fieldGroup, query.get("field_group"), budget));
    }
    Sorting sorting = Sorting.read(query.get("sort"));
    if (!fieldGroup.isEmpty()) {
      sorting = sorting.renamed(fields.stream().map(Field::name).toList(), "_total_");
    }
    Paging paging = Paging.read(query.get("page"), null);

    List<Map<String, Object>> rows;
    if (unwindNode.isAbsent()) {
      rows = Statistics.filterAndGroup(source, filter, group, budget);
    } else {
      if (!unwindNode.isObject()) {
        throw unwindNode.error("must be an object {path}");
      }
      rows = AggregateStages.unwind(unwindNode).apply(Statistics.matching(source, filter, budget));
      if (unwindNode.has("filter")) {
        rows = MatchStage.compile(unwindNode, filters.clock()).apply(rows);
      }
      rows = group.apply(rows);
    }
    for (Stage stage : after) {
      rows = stage.apply(rows);
    }
    if (!sorting.isEmpty()) {
      rows = new ArrayList<>(rows);
      sorting.sort(rows, idKey, budget);
    }
    List<Map<String, Object>> page = new ArrayList<>(paging.apply(rows));
    return new AnalyzeResult(page, paging.hasLimit() ? paging.cutsOff(rows.size()) : null);
  }

  /** A field of the query: its name, operator and compiled accumulator. */
  private record Field(String name, String operator, GroupOperators.GroupField compiled) {}

  /** {@code group_by: ["key" | {key, name}]}; a bare key is named by its last segment, as in SpaceONE. */
  private static List<GroupStage.GroupKey> groupBy(QueryNode groupBy) throws QueryException {
    List<QueryNode> items = groupBy.list();
    groupBy.checkLimit(QueryLimits.Limit.GROUP_KEYS, items.size());
    List<GroupStage.GroupKey> keys = new ArrayList<>();
    for (QueryNode item : items) {
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
  private static List<Field> fields(QueryNode fields) throws QueryException {
    if (fields.isAbsent()) {
      throw fields.error("is required");
    }
    Map<String, QueryNode> members = fields.members();
    fields.checkLimit(QueryLimits.Limit.FIELDS, members.size());
    List<Field> compiled = new ArrayList<>();
    for (Map.Entry<String, QueryNode> entry : members.entrySet()) {
      QueryNode field = entry.getValue();
      field.checkName(entry.getKey());
      if (!field.isObject()) {
        throw field.error("must be an object {key, operator}");
      }
      if (field.has("data_type")) {
        throw field.get("data_type").error("is not supported");
      }
      QueryNode keyNode = field.get("key");
      KeyPath key = keyNode.isAbsent() ? null : KeyPath.from(keyNode);
      Map<String, QueryNode> subFields = field.get("fields").members();
      field.get("fields").checkLimit(QueryLimits.Limit.FIELDS, subFields.size());
      List<GroupOperators.PushField> pushFields = new ArrayList<>();
      for (Map.Entry<String, QueryNode> sub : subFields.entrySet()) {
        sub.getValue().checkName(sub.getKey());
        pushFields.add(new GroupOperators.PushField(sub.getKey(), KeyPath.from(sub.getValue())));
      }
      QueryNode operatorNode = field.get("operator");
      GroupOperators.GroupField groupField =
          GroupOperators.compile(entry.getKey(), operatorNode, key, keyNode, pushFields);
      compiled.add(new Field(entry.getKey(), operatorNode.text(), groupField));
    }
    if (compiled.isEmpty()) {
      throw fields.error("needs at least one field");
    }
    return compiled;
  }

  private static List<String> fieldGroup(QueryNode fieldGroup) throws QueryException {
    List<QueryNode> items = fieldGroup.list();
    fieldGroup.checkLimit(QueryLimits.Limit.GROUP_KEYS, items.size());
    List<String> names = new ArrayList<>();
    for (QueryNode item : items) {
      String name = item.name();
      if (name.startsWith("_total_")) {
        throw item.error("field group keys cannot start with _total_");
      }
      names.add(name);
    }
    return names;
  }

  /**
   * python-core's {@code _make_field_group_query}: group again by the group keys not in the field group; per
   * field, {@code _total_<name>} (sum for count, else the field's own operator, over the first group's values)
   * for sum/average/max/min/count, and {@code <name>}: a push of {@code {value, <field group keys>...}}.
   */
  private static Stage fieldGroupStage(List<GroupStage.GroupKey> keys, List<Field> fields, List<String> fieldGroup,
      QueryNode where, QueryBudget budget) throws QueryException {
    List<GroupStage.GroupKey> regroup = new ArrayList<>();
    for (GroupStage.GroupKey key : keys) {
      if (!fieldGroup.contains(key.name())) {
        regroup.add(new GroupStage.GroupKey(KeyPath.of(key.name(), where), key.name()));
      }
    }
    List<GroupOperators.GroupField> groupFields = new ArrayList<>();
    for (Field field : fields) {
      KeyPath value = KeyPath.of(field.name(), where);
      if (TOTALED.contains(field.operator())) {
        String operator = field.operator().equals("count") ? "sum" : field.operator();
        groupFields.add(GroupOperators.compile("_total_" + field.name(), operator, value, where, List.of()));
      }
      List<GroupOperators.PushField> push = new ArrayList<>();
      push.add(new GroupOperators.PushField("value", value));
      for (String name : fieldGroup) {
        push.add(new GroupOperators.PushField(name, KeyPath.of(name, where)));
      }
      groupFields.add(GroupOperators.compile(field.name(), "push", null, where, push));
    }
    return new GroupStage(regroup, groupFields, budget);
  }
}
