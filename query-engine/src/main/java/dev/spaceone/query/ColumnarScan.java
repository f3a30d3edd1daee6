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
      combinations = Math.multiplyHigh(combinations, keyColumns[i].next) != 0 ? Long.MAX_VALUE
          : combinations * keyColumns[i].next;
      if (combinations == Long.MAX_VALUE || combinations < 0) {
        return null;
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

    Groups groups = new Groups(keys.length, fields.size(), budget, group.bytesPerGroup());
    int end = table.end();
    int check = CHECK_EVERY;
    rows:
    for (int slot = 0; slot < end; slot++) {
      if (--check == 0) {
        check = CHECK_EVERY;
        budget.check();
      }
      if (!partitions[partitionCodes[slot]]) {
        continue;
      }
      for (Mask mask : all) {
        if (!mask.accepts[mask.codes[slot]]) {
          continue rows;
        }
      }
      if (any.length > 0) {
        boolean found = false;
        for (Mask mask : any) {
          if (mask.accepts[mask.codes[slot]]) {
            found = true;
            break;
          }
        }
        if (!found) {
          continue;
        }
      }
      long combination = 0;
      for (int i = 0; i < keys.length; i++) {
        combination += radix[i] * keyCodes[i][slot];
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
      groups.count[g]++;
      for (int f = 0; f < sumColumns.length; f++) {
        if (sumColumns[f] != null) {
          groups.add(f, g, sumColumns[f][slot]);
        }
      }
    }
    return group.rows(groups.keyValues, groups.results(sumColumns));
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
      budget.charge(column.next);
      boolean[] accepts = new boolean[column.next];
      accepts[RecordTable.MISSING] = condition.test().test(Map.of());
      for (int code = 1; code < column.next; code++) {
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
    long[] count = new long[16];
    final long[][] exact;
    final double[][] approximate;
    final boolean[][] isDouble;

    Groups(int keys, int fields, QueryBudget budget, long bytesPerGroup) {
      this.budget = budget;
      this.bytesPerGroup = bytesPerGroup;
      exact = new long[fields][16];
      approximate = new double[fields][16];
      isDouble = new boolean[fields][16];
    }

    int add(Object[] values) throws QueryException {
      budget.charge(bytesPerGroup);
      int g = keyValues.size();
      keyValues.add(values);
      if (g == count.length) {
        int capacity = g * 2;
        count = Arrays.copyOf(count, capacity);
        for (int f = 0; f < exact.length; f++) {
          exact[f] = Arrays.copyOf(exact[f], capacity);
          approximate[f] = Arrays.copyOf(approximate[f], capacity);
          isDouble[f] = Arrays.copyOf(isDouble[f], capacity);
        }
      }
      return g;
    }

    /** GroupOperators' Sum.add for one whole number. */
    void add(int f, int g, long value) {
      if (value == RecordTable.MISSING_NUMBER) {
        return;
      }
      if (!isDouble[f][g]) {
        long sum = exact[f][g] + value;
        if (((exact[f][g] ^ sum) & (value ^ sum)) >= 0) {
          exact[f][g] = sum;
          return;
        }
        isDouble[f][g] = true;
        approximate[f][g] = exact[f][g];
      }
      approximate[f][g] += value;
    }

    List<Object[]> results(long[][] sumColumns) {
      List<Object[]> out = new ArrayList<>(keyValues.size());
      for (int g = 0; g < keyValues.size(); g++) {
        Object[] values = new Object[sumColumns.length];
        for (int f = 0; f < values.length; f++) {
          if (sumColumns[f] == null) {
            values[f] = count[g];
          } else {
            values[f] = isDouble[f][g] ? (Object) approximate[f][g] : (Object) exact[f][g];
          }
        }
        out.add(values);
      }
      return out;
    }
  }
}
