package dev.spaceone.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code group: {keys: [{key, name}], fields: [{key, name, operator}]}}. Each output row holds the
 * group keys flattened by name (SpaceONE unpacks Mongo's {@code _id} the same way; a key missing
 * from the records is left out of the row) followed by the fields. Rows come out ordered by their
 * key values so that the answer does not depend on record order.
 */
final class GroupStage implements Stage {
  /** A group key as read from the query: where to find it, and its output name. */
  record GroupKey(KeyPath key, String name) {}

  private final GroupKey[] keys;
  private final List<GroupOperators.GroupField> fields;
  private final QueryBudget budget;
  /** Memory one row may add to its group's growing fields (push, add_to_set, merge_objects). */
  private final long bytesPerAdd;
  /** Memory of one new group: its key values, accumulators, hash entries and output row. */
  private final long bytesPerGroup;

  GroupStage(List<GroupKey> keys, List<GroupOperators.GroupField> fields, QueryBudget budget) {
    this.keys = keys.toArray(new GroupKey[0]);
    this.fields = fields;
    this.budget = budget;
    this.bytesPerAdd = fields.stream().mapToLong(GroupOperators.GroupField::bytesPerAdd).sum();
    this.bytesPerGroup = 160 + 64L * this.keys.length + 96L * fields.size();
  }

  /** Reads the aggregate form of a group stage; {@code node} is the value of "group". */
  static GroupStage read(QueryNode node) throws QueryException {
    if (!node.isObject()) {
      throw node.error("must be an object {keys, fields}");
    }
    List<GroupKey> keys = new ArrayList<>();
    node.get("keys").checkLimit(QueryLimits.Limit.GROUP_KEYS, node.get("keys").list().size());
    node.get("fields").checkLimit(QueryLimits.Limit.FIELDS, node.get("fields").list().size());
    for (QueryNode key : node.get("keys").list()) {
      if (!key.isObject()) {
        throw key.error("must be an object {key, name}");
      }
      rejectUnsupported(key, "date_format");
      keys.add(new GroupKey(KeyPath.from(key.get("key", "k")), key.get("name", "n").name()));
    }
    List<GroupOperators.GroupField> fields = new ArrayList<>();
    for (QueryNode field : node.get("fields").list()) {
      if (!field.isObject()) {
        throw field.error("must be an object {key, name, operator}");
      }
      rejectUnsupported(field, "conditions");
      rejectUnsupported(field, "data_type");
      QueryNode keyNode = field.get("key", "k");
      KeyPath key = keyNode.isAbsent() ? null : KeyPath.from(keyNode);
      List<GroupOperators.PushField> pushFields = new ArrayList<>();
      field.get("fields").checkLimit(QueryLimits.Limit.FIELDS, field.get("fields").list().size());
      for (QueryNode sub : field.get("fields").list()) {
        if (!sub.isObject()) {
          throw sub.error("must be an object {key, name}");
        }
        pushFields.add(new GroupOperators.PushField(
            sub.get("name", "n").name(), KeyPath.from(sub.get("key", "k"))));
      }
      fields.add(GroupOperators.compile(field.get("name", "n").name(),
          field.get("operator", "o"), key, keyNode, pushFields));
    }
    if (keys.isEmpty() && fields.isEmpty()) {
      throw node.error("needs keys or fields");
    }
    return new GroupStage(keys, fields, node.budget());
  }

  /** SpaceONE options this engine does not implement: refused rather than silently ignored. */
  private static void rejectUnsupported(QueryNode node, String option) throws QueryException {
    if (node.has(option)) {
      throw node.get(option).error("is not supported");
    }
  }

  GroupKey[] keys() {
    return keys.clone();
  }

  List<GroupOperators.GroupField> fields() {
    return fields;
  }

  /** Estimated memory of one new group, charged to the budget as the group is made. */
  long bytesPerGroup() {
    return bytesPerGroup;
  }

  /**
   * The output rows of groups given in the order they were first seen: ordered by key values (a stable sort,
   * so groups whose keys compare equal keep that order), keys missing from the records left out.
   */
  List<Map<String, Object>> rows(List<Object[]> keyValues, List<Object[]> results) throws QueryException {
    Integer[] order = new Integer[keyValues.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> {
      for (int i = 0; i < keys.length; i++) {
        int c = Values.compare(keyValues.get(a)[i], keyValues.get(b)[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    List<Map<String, Object>> out = new ArrayList<>(order.length);
    for (int g : order) {
      budget.tick();
      Object[] values = keyValues.get(g);
      Object[] fieldValues = results.get(g);
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < keys.length; i++) {
        if (values[i] != Values.MISSING) {
          row.put(keys[i].name(), values[i]);
        }
      }
      for (int f = 0; f < fields.size(); f++) {
        row.put(fields.get(f).name(), fieldValues[f]);
      }
      out.add(row);
    }
    return out;
  }

  List<String> keyNames() {
    List<String> names = new ArrayList<>(keys.length);
    for (GroupKey key : keys) {
      names.add(key.name());
    }
    return names;
  }

  @Override
  public List<Map<String, Object>> apply(List<Map<String, Object>> rows) throws QueryException {
    Grouping grouping = start();
    for (Map<String, Object> row : rows) {
      grouping.add(row);
    }
    return grouping.rows();
  }

  /**
   * Grouping fed one row at a time, so that a query can filter and group in a single pass over
   * the records: a second pass would fetch every record from memory again.
   */
  Grouping start() {
    return new Grouping();
  }

  final class Grouping {
    // One hash map per group key, nested, rather than a composite key object per row: finding a
    // row's group then allocates nothing (normalized strings are the strings themselves).
    private final Map<Object, Object> root = new HashMap<>();
    private final List<Group> groups = new ArrayList<>();
    private final Object[] scratch = new Object[keys.length];

    void add(Map<String, Object> row) throws QueryException {
      if (bytesPerAdd > 0) {
        budget.charge(bytesPerAdd);
      } else {
        budget.tick();
      }
      Map<Object, Object> level = root;
      Object found = keys.length == 0 ? root.get(Values.MISSING) : null;
      for (int i = 0; i < keys.length; i++) {
        scratch[i] = keys[i].key().resolve(row);
        Object normalized = Values.normalize(scratch[i]);
        found = level.get(normalized);
        if (i < keys.length - 1) {
          if (found == null) {
            found = new HashMap<>();
            level.put(normalized, found);
          }
          @SuppressWarnings("unchecked")
          Map<Object, Object> next = (Map<Object, Object>) found;
          level = next;
        } else if (found == null) {
          found = newGroup(level, normalized);
        }
      }
      if (found == null) {
        found = newGroup(root, Values.MISSING);
      }
      for (GroupOperators.Accumulator accumulator : ((Group) found).accumulators) {
        accumulator.add(row);
      }
    }

    private Group newGroup(Map<Object, Object> level, Object normalized) throws QueryException {
      budget.charge(bytesPerGroup);
      Group group = new Group(scratch.clone(), fields);
      level.put(normalized, group);
      groups.add(group);
      return group;
    }

    /** The output rows, ordered by group key values. */
    List<Map<String, Object>> rows() throws QueryException {
      List<Object[]> keyValues = new ArrayList<>(groups.size());
      List<Object[]> results = new ArrayList<>(groups.size());
      for (Group group : groups) {
        keyValues.add(group.keyValues);
        Object[] fieldValues = new Object[fields.size()];
        for (int f = 0; f < fieldValues.length; f++) {
          fieldValues[f] = group.accumulators[f].result();
        }
        results.add(fieldValues);
      }
      return GroupStage.this.rows(keyValues, results);
    }
  }

  private static final class Group {
    final Object[] keyValues;
    final GroupOperators.Accumulator[] accumulators;

    Group(Object[] keyValues, List<GroupOperators.GroupField> fields) {
      this.keyValues = keyValues;
      this.accumulators = new GroupOperators.Accumulator[fields.size()];
      for (int i = 0; i < accumulators.length; i++) {
        accumulators[i] = fields.get(i).factory().create();
      }
    }
  }
}
