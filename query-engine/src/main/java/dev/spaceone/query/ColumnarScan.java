package dev.spaceone.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Filter and group over a {@link RecordTable}'s columns, for the queries it can answer exactly as the map path
 * does: every filter condition and group key on a text column, every field a {@code count} or a {@code sum} of
 * a number column, and no record "other" in any of those columns. A condition is the map path's own compiled
 * predicate, tested once per distinct value of its column (on a one-key record), so every operator keeps its
 * meaning; the scan then reads one {@code int} per condition and key and one {@code long} per sum per record,
 * in slot order, which is also the order of {@link RecordTable.Scope#records()}, so groups are first seen in
 * the same order. Sums follow {@link GroupOperators}' exact-then-double arithmetic. The budget is checked every
 * {@link #CHECK_EVERY} records and charged per new group, as the map path does.
 */
final class ColumnarScan {
  private static final int CHECK_EVERY = 512;
  /** Key-code combinations up to this many are looked up in an array, more in a hash map. */
  private static final long DIRECT_GROUPS = 1 << 16;

  private ColumnarScan() {}

  /** The grouped rows, or null when the query needs the map path. */
  static List<Map<String, Object>> filterAndGroup(RecordTable.Scope scope, Filter filter, GroupStage group,
      QueryBudget budget) throws QueryException {
    RecordTable table = scope.table();
    table.readLock().lock();
    try {
      return scan(scope, table, filter, group, budget);
    } finally {
      table.readLock().unlock();
    }
  }

  private static List<Map<String, Object>> scan(RecordTable.Scope scope, RecordTable table, Filter filter,
      GroupStage group, QueryBudget budget) throws QueryException {
    GroupStage.GroupKey[] keys = group.keys();
    RecordTable.TextColumn[] keyColumns = new RecordTable.TextColumn[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keyColumns[i] = usable(table.text(keys[i].key()));
      if (keyColumns[i] == null) {
        return null;
      }
    }
    List<GroupOperators.GroupField> fields = group.fields();
    // Per field: null for count, else the summed column.
    long[][] sumColumns = new long[fields.size()][];
    for (int f = 0; f < fields.size(); f++) {
      GroupOperators.GroupField field = fields.get(f);
      if (field.operator().equals("sum")) {
        RecordTable.NumberColumn column = table.number(field.key());
        if (column == null || column.others > 0) {
          return null;
        }
        sumColumns[f] = column.values;
      } else if (!field.operator().equals("count")) {
        return null;
      }
    }
    Mask[] all = masks(filter.all(), table, budget);
    Mask[] any = masks(filter.any(), table, budget);
    if (all == null || any == null) {
      return null;
    }
    boolean[] partitions = scope.partitionMask();
    int[] partitionCodes = table.partitionColumn().codes;

    // Group number of a combination of key codes (mixed radix over each column's code range, MISSING = 0).
    int[][] keyCodes = new int[keys.length][];
    long[] radix = new long[keys.length];
    long combinations = 1;
    for (int i = 0; i < keys.length; i++) {
      keyCodes[i] = keyColumns[i].codes;
      radix[i] = combinations;
      try {
        combinations = Math.multiplyExact(combinations, (long) keyColumns[i].next());
      } catch (ArithmeticException e) {
        return null; // more combinations than a long counts: the map path groups them
      }
    }
    int[] direct = null;
    Map<Long, Integer> hashed = null;
    if (combinations <= DIRECT_GROUPS) {
      budget.charge(4L * combinations);
      direct = new int[(int) combinations];
      Arrays.fill(direct, -1);
    } else {
      hashed = new HashMap<>();
    }

    Groups groups = new Groups(sumColumns, budget, group.bytesPerGroup());
    int end = table.end();
    // Chunks of CHECK_EVERY slots: first the selected slots and their groups, then each field over those, so
    // each loop is short and tight; the budget is checked between chunks.
    int[] onlyKey = keys.length == 1 ? keyCodes[0] : null; // the usual group-by: one key, its code is the combination
    int[] selected = new int[CHECK_EVERY];
    int[] groupOf = new int[CHECK_EVERY];
    for (int from = 0; from < end; from += CHECK_EVERY) {
      budget.check();
      int to = Math.min(end, from + CHECK_EVERY);
      int n = 0;
      rows:
      for (int slot = from; slot < to; slot++) {
        if (!partitions[partitionCodes[slot]]) {
          continue;
        }
        for (Mask mask : all) {
          if (!mask.accepts[mask.codes[slot]]) {
            continue rows;
          }
        }
        if (any.length > 0 && !anyAccepts(any, slot)) {
          continue;
        }
        long combination;
        if (onlyKey != null) {
          combination = onlyKey[slot];
        } else {
          combination = 0;
          for (int i = 0; i < keys.length; i++) {
            combination += radix[i] * keyCodes[i][slot];
          }
        }
        int g;
        if (direct != null) {
          g = direct[(int) combination];
          if (g < 0) {
            g = groups.add(keyValues(keyColumns, keyCodes, slot));
            direct[(int) combination] = g;
          }
        } else {
          Integer known = hashed.get(combination);
          if (known == null) {
            g = groups.add(keyValues(keyColumns, keyCodes, slot));
            hashed.put(combination, g);
          } else {
            g = known;
          }
        }
        selected[n] = slot;
        groupOf[n++] = g;
      }
      long[] count = groups.count;
      for (int i = 0; i < n; i++) {
        count[groupOf[i]]++;
      }
      for (Sum sum : groups.sums) {
        sum.addAll(selected, groupOf, n);
      }
    }
    return group.rows(groups.keyValues, groups.results());
  }

  private static boolean anyAccepts(Mask[] any, int slot) {
    for (Mask mask : any) {
      if (mask.accepts[mask.codes[slot]]) {
        return true;
      }
    }
    return false;
  }

  /** The column if no record holds something other than a string in it, else null. */
  private static RecordTable.TextColumn usable(RecordTable.TextColumn column) {
    return column == null || column.others > 0 ? null : column;
  }

  private static Object[] keyValues(RecordTable.TextColumn[] columns, int[][] codes, int slot) {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      int code = codes[i][slot];
      values[i] = code == RecordTable.MISSING ? Values.MISSING : columns[i].values[code];
    }
    return values;
  }

  /** One condition over a text column: whether it accepts each code. */
  private record Mask(int[] codes, boolean[] accepts) {}

  /** The conditions as masks, or null if one of them is not on a usable text column. */
  private static Mask[] masks(List<Filter.Condition> conditions, RecordTable table, QueryBudget budget)
      throws QueryException {
    Mask[] masks = new Mask[conditions.size()];
    for (int c = 0; c < masks.length; c++) {
      Filter.Condition condition = conditions.get(c);
      RecordTable.TextColumn column = usable(table.text(condition.key()));
      if (column == null) {
        return null;
      }
      budget.charge(column.next());
      boolean[] accepts = new boolean[column.next()];
      accepts[RecordTable.MISSING] = condition.test().test(Map.of());
      for (int code = 1; code < column.next(); code++) {
        budget.tick();
        String value = column.values[code];
        accepts[code] = value != null && condition.test().test(Map.of(column.key, value));
      }
      masks[c] = new Mask(column.codes, accepts);
    }
    return masks;
  }

  /** The groups found so far, in the order first seen, with their counts and sums. */
  private static final class Groups {
    final List<Object[]> keyValues = new ArrayList<>();
    final QueryBudget budget;
    final long bytesPerGroup;
    /** Per field: its sum, or null for a count. */
    final Sum[] byField;
    /** The sums alone, for the scan loop. */
    final Sum[] sums;
    long[] count = new long[16];

    Groups(long[][] sumColumns, QueryBudget budget, long bytesPerGroup) {
      this.budget = budget;
      this.bytesPerGroup = bytesPerGroup;
      byField = new Sum[sumColumns.length];
      List<Sum> sums = new ArrayList<>();
      for (int f = 0; f < sumColumns.length; f++) {
        if (sumColumns[f] != null) {
          byField[f] = new Sum(sumColumns[f]);
          sums.add(byField[f]);
        }
      }
      this.sums = sums.toArray(new Sum[0]);
    }

    int add(Object[] values) throws QueryException {
      budget.charge(bytesPerGroup);
      int g = keyValues.size();
      keyValues.add(values);
      if (g == count.length) {
        count = Arrays.copyOf(count, g * 2);
        for (Sum sum : sums) {
          sum.grow(g * 2);
        }
      }
      return g;
    }

    List<Object[]> results() {
      List<Object[]> out = new ArrayList<>(keyValues.size());
      for (int g = 0; g < keyValues.size(); g++) {
        Object[] values = new Object[byField.length];
        for (int f = 0; f < values.length; f++) {
          values[f] = byField[f] == null ? (Object) count[g] : byField[f].result(g);
        }
        out.add(values);
      }
      return out;
    }
  }

  /** One sum field over a number column, per group: GroupOperators' Sum (exact until it overflows, then double). */
  private static final class Sum {
    final long[] column;
    long[] exact = new long[16];
    double[] approximate = new double[16];
    boolean[] isDouble = new boolean[16];

    Sum(long[] column) {
      this.column = column;
    }

    void grow(int capacity) {
      exact = Arrays.copyOf(exact, capacity);
      approximate = Arrays.copyOf(approximate, capacity);
      isDouble = Arrays.copyOf(isDouble, capacity);
    }

    void addAll(int[] slots, int[] groups, int n) {
      long[] values = column;
      for (int i = 0; i < n; i++) {
        add(groups[i], values[slots[i]]);
      }
    }

    void add(int g, long value) {
      if (value == RecordTable.MISSING_NUMBER) {
        return;
      }
      if (!isDouble[g]) {
        long before = exact[g];
        long sum = before + value;
        if (((before ^ sum) & (value ^ sum)) >= 0) {
          exact[g] = sum;
          return;
        }
        isDouble[g] = true;
        approximate[g] = before;
      }
      approximate[g] += value;
    }

    Object result(int g) {
      return isDouble[g] ? (Object) approximate[g] : (Object) exact[g];
    }
  }
}
