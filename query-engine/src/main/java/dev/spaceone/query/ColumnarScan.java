package dev.spaceone.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Filter and group (and {@code distinct}) over a {@link RecordTable}'s columns, for the queries it can answer
 * exactly as the map path does: every filter condition on a text or number column, every group key (or the
 * distinct key) on a text column, every field a {@code count}, a {@code sum} or {@code average} of a number
 * column, a {@code min}, {@code max}, {@code first} or {@code last} of a text or number column, or an
 * {@code add_to_set} of a text column, and no record
 * "other" in any of those columns. A condition is the map path's own compiled predicate, tested once per
 * distinct value of its column (on a one-key record), so every operator keeps its meaning; the scan then reads
 * one {@code int} or {@code long} per condition, key and field per record, in slot order, which is also the
 * order of {@link RecordTable.Scope#records()}, so groups are first seen, and values met, in the same order.
 * Accumulators follow {@link GroupOperators} (sums exact then double, averages summed as doubles in record
 * order, missing values skipped). The budget is checked every {@link #CHECK_EVERY} records and charged per new
 * group, as the map path does.
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
      return group(scope, table, filter, group, budget);
    } finally {
      table.readLock().unlock();
    }
  }

  /**
   * The records the filter accepts, in slot order, or null when a condition needs the map path (a search, its
   * {@code count_only}, and a stat or analyze that does not group first).
   */
  static List<Map<String, Object>> matching(RecordTable.Scope scope, Filter filter, QueryBudget budget)
      throws QueryException {
    RecordTable table = scope.table();
    table.readLock().lock();
    try {
      Selection selection = Selection.of(scope, table, filter, budget);
      if (selection == null) {
        return null;
      }
      List<Map<String, Object>> matched = new ArrayList<>();
      int[] selected = new int[CHECK_EVERY];
      for (int from = 0; from < table.end(); from += CHECK_EVERY) {
        int n = selection.select(from, Math.min(table.end(), from + CHECK_EVERY), selected);
        budget.charge(8L * n);
        for (int i = 0; i < n; i++) {
          matched.add(table.record(selected[i]));
        }
      }
      return matched;
    } finally {
      table.readLock().unlock();
    }
  }

  /**
   * The sorted distinct values of a text column among the selected records, or null when the query needs the
   * map path (as {@link Statistics}' distinct: strings only here, so no list to count element by element).
   */
  static List<Object> distinct(RecordTable.Scope scope, Filter filter, KeyPath key, QueryBudget budget)
      throws QueryException {
    RecordTable table = scope.table();
    table.readLock().lock();
    try {
      RecordTable.TextColumn column = usable(table.text(key));
      Selection selection = column == null ? null : Selection.of(scope, table, filter, budget);
      if (selection == null) {
        return null;
      }
      int[] codes = column.codes;
      boolean[] seen = new boolean[column.next()];
      List<Object> values = new ArrayList<>();
      int[] selected = new int[CHECK_EVERY];
      for (int from = 0; from < table.end(); from += CHECK_EVERY) {
        int n = selection.select(from, Math.min(table.end(), from + CHECK_EVERY), selected);
        for (int i = 0; i < n; i++) {
          int code = codes[selected[i]];
          if (code != RecordTable.MISSING && !seen[code]) {
            seen[code] = true;
            budget.charge(64);
            values.add(column.values[code]);
          }
        }
      }
      values.sort(Values::compare);
      return values;
    } finally {
      table.readLock().unlock();
    }
  }

  private static List<Map<String, Object>> group(RecordTable.Scope scope, RecordTable table, Filter filter,
      GroupStage group, QueryBudget budget) throws QueryException {
    GroupStage.GroupKey[] keys = group.keys();
    RecordTable.TextColumn[] keyColumns = new RecordTable.TextColumn[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keyColumns[i] = usable(table.text(keys[i].key()));
      if (keyColumns[i] == null) {
        return null;
      }
    }
    List<GroupOperators.GroupField> groupFields = group.fields();
    Field[] fields = new Field[groupFields.size()];
    for (int f = 0; f < fields.length; f++) {
      fields[f] = field(groupFields.get(f), table, budget);
      if (fields[f] == null) {
        return null;
      }
    }
    Selection selection = Selection.of(scope, table, filter, budget);
    if (selection == null) {
      return null;
    }

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

    Groups groups = new Groups(fields, budget, group.bytesPerGroup());
    int end = table.end();
    // Chunks of CHECK_EVERY slots: first the selected slots and their groups, then each field over those, so
    // each loop is short and tight; the budget is checked between chunks.
    int[] onlyKey = keys.length == 1 ? keyCodes[0] : null; // the usual group-by: one key, its code is the combination
    int[] selected = new int[CHECK_EVERY];
    int[] groupOf = new int[CHECK_EVERY];
    for (int from = 0; from < end; from += CHECK_EVERY) {
      int n = selection.select(from, Math.min(end, from + CHECK_EVERY), selected);
      for (int i = 0; i < n; i++) {
        int slot = selected[i];
        long combination;
        if (onlyKey != null) {
          combination = onlyKey[slot];
        } else {
          combination = 0;
          for (int k = 0; k < keys.length; k++) {
            combination += radix[k] * keyCodes[k][slot];
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
        groupOf[i] = g;
      }
      for (Field field : fields) {
        field.addAll(selected, groupOf, n);
      }
    }
    return group.rows(groups.keyValues, groups.results());
  }

  /** The column if no record holds something other than a string in it, else null. */
  private static RecordTable.TextColumn usable(RecordTable.TextColumn column) {
    return column == null || column.others > 0 ? null : column;
  }

  /** The column if no record holds something other than a whole number in it, else null. */
  private static RecordTable.NumberColumn usable(RecordTable.NumberColumn column) {
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

  /** A group field over the columns, or null when its operator or key needs the map path. */
  private static Field field(GroupOperators.GroupField field, RecordTable table, QueryBudget budget)
      throws QueryException {
    if (field.operator().equals("count")) {
      return new Count();
    }
    if (field.key() == null) {
      return null;
    }
    RecordTable.NumberColumn number = usable(table.number(field.key()));
    RecordTable.TextColumn text = usable(table.text(field.key()));
    return switch (field.operator()) {
      case "sum" -> number == null ? null : new Sum(number.values);
      case "average" -> number == null ? null : new Average(number.values);
      case "max", "min" -> {
        int sign = field.operator().equals("max") ? 1 : -1;
        if (number != null) {
          yield new NumberExtreme(number.values, sign);
        }
        yield text == null ? null : new TextExtreme(text, order(text, budget), sign);
      }
      case "add_to_set" -> text == null ? null : new TextSet(text, budget);
      case "first", "last" -> {
        Reader reader = number != null ? number(number) : text != null ? text(text) : null;
        yield reader == null ? null : new Pick(reader, field.operator().equals("first"));
      }
      default -> null;
    };
  }

  /** Per code, its place among the column's strings in {@link Values#compare}'s order (String's own). */
  private static int[] order(RecordTable.TextColumn column, QueryBudget budget) throws QueryException {
    int next = column.next();
    budget.charge(8L * next);
    Integer[] codes = new Integer[next - 1];
    for (int code = 1; code < next; code++) {
      codes[code - 1] = code;
    }
    String[] values = column.values;
    // Free codes hold null and no record has them: any place will do.
    Arrays.sort(codes, (a, b) -> values[a] == null || values[b] == null
        ? Boolean.compare(values[a] == null, values[b] == null) : values[a].compareTo(values[b]));
    int[] rank = new int[next];
    for (int i = 0; i < codes.length; i++) {
      rank[codes[i]] = i;
    }
    return rank;
  }

  /** The record value of a slot, as the map path would read it (null for a missing key, as first/last give). */
  @FunctionalInterface
  private interface Reader {
    Object value(int slot);
  }

  private static Reader number(RecordTable.NumberColumn column) {
    long[] values = column.values;
    return slot -> values[slot] == RecordTable.MISSING_NUMBER ? null : (Object) values[slot];
  }

  private static Reader text(RecordTable.TextColumn column) {
    int[] codes = column.codes;
    String[] values = column.values;
    return slot -> codes[slot] == RecordTable.MISSING ? null : values[codes[slot]];
  }

  /**
   * Which slots a query reads: its partitions, then its filter's conditions as masks ({@code filter}: all must
   * accept; {@code filter_or}: one must).
   */
  private static final class Selection {
    final QueryBudget budget;
    final boolean[] partitions;
    final int[] partitionCodes;
    final TextMask[] textAll;
    final Mask[] otherAll;
    final Mask[] any;

    private Selection(QueryBudget budget, boolean[] partitions, int[] partitionCodes, TextMask[] textAll,
        Mask[] otherAll, Mask[] any) {
      this.budget = budget;
      this.partitions = partitions;
      this.partitionCodes = partitionCodes;
      this.textAll = textAll;
      this.otherAll = otherAll;
      this.any = any;
    }

    /** Null if a condition is not on a usable column. */
    static Selection of(RecordTable.Scope scope, RecordTable table, Filter filter, QueryBudget budget)
        throws QueryException {
      Mask[] all = masks(filter.all(), table, budget);
      Mask[] any = masks(filter.any(), table, budget);
      if (all == null || any == null) {
        return null;
      }
      // Text masks apart: the common filter, read in a loop of plain array lookups.
      List<TextMask> textAll = new ArrayList<>();
      List<Mask> otherAll = new ArrayList<>();
      for (Mask mask : all) {
        if (mask instanceof TextMask text) {
          textAll.add(text);
        } else {
          otherAll.add(mask);
        }
      }
      return new Selection(budget, scope.partitionMask(), table.partitionColumn().codes,
          textAll.toArray(new TextMask[0]), otherAll.toArray(new Mask[0]), any);
    }

    /** Writes the selected slots of [from, to) into {@code selected}; returns how many. */
    int select(int from, int to, int[] selected) throws QueryException {
      budget.check();
      int n = 0;
      rows:
      for (int slot = from; slot < to; slot++) {
        if (!partitions[partitionCodes[slot]]) {
          continue;
        }
        for (TextMask mask : textAll) {
          if (!mask.accepts[mask.codes[slot]]) {
            continue rows;
          }
        }
        for (Mask mask : otherAll) {
          if (!mask.accepts(slot)) {
            continue rows;
          }
        }
        if (any.length > 0 && !anyAccepts(slot)) {
          continue;
        }
        selected[n++] = slot;
      }
      return n;
    }

    private boolean anyAccepts(int slot) throws QueryException {
      for (Mask mask : any) {
        if (mask.accepts(slot)) {
          return true;
        }
      }
      return false;
    }

    /** The conditions as masks, or null if one of them is not on a usable column. */
    private static Mask[] masks(List<Filter.Condition> conditions, RecordTable table, QueryBudget budget)
        throws QueryException {
      Mask[] masks = new Mask[conditions.size()];
      for (int c = 0; c < masks.length; c++) {
        Filter.Condition condition = conditions.get(c);
        RecordTable.TextColumn text = usable(table.text(condition.key()));
        RecordTable.NumberColumn number = usable(table.number(condition.key()));
        if (text != null) {
          masks[c] = TextMask.of(condition, text, budget);
        } else if (number != null) {
          masks[c] = new NumberMask(condition, number, budget);
        } else {
          return null;
        }
      }
      return masks;
    }
  }

  /** One condition over a column: whether the record in a slot passes it. */
  private interface Mask {
    boolean accepts(int slot) throws QueryException;
  }

  /** A condition over a text column: whether it accepts each code, tested once per code. */
  private record TextMask(int[] codes, boolean[] accepts) implements Mask {
    static TextMask of(Filter.Condition condition, RecordTable.TextColumn column, QueryBudget budget)
        throws QueryException {
      budget.charge(column.next());
      boolean[] accepts = new boolean[column.next()];
      accepts[RecordTable.MISSING] = condition.test().test(Map.of());
      for (int code = 1; code < column.next(); code++) {
        budget.tick();
        String value = column.values[code];
        accepts[code] = value != null && condition.test().test(Map.of(column.key, value));
      }
      return new TextMask(column.codes, accepts);
    }

    @Override
    public boolean accepts(int slot) {
      return accepts[codes[slot]];
    }
  }

  /**
   * A condition over a number column (e.g. {@code gte} on a count): the condition's own predicate on a one-key
   * record, remembered per value met, so each distinct number is tested once per query. A predicate cannot
   * tell a record's Integer from this Long: every operator compares numbers by value.
   */
  private static final class NumberMask implements Mask {
    /** Values below this are remembered in an array, the rest in a hash map. */
    private static final int SMALL = 1024;
    private final long[] values;
    private final String key;
    private final Predicate<Map<String, Object>> test;
    private final QueryBudget budget;
    private final boolean missing;
    /** Per small value: 0 not yet tested, 1 rejected, 2 accepted. */
    private final byte[] small = new byte[SMALL];
    private final Map<Long, Boolean> large = new HashMap<>();

    NumberMask(Filter.Condition condition, RecordTable.NumberColumn column, QueryBudget budget)
        throws QueryException {
      budget.charge(SMALL);
      this.values = column.values;
      this.key = column.key;
      this.test = condition.test();
      this.budget = budget;
      this.missing = test.test(Map.of());
    }

    @Override
    public boolean accepts(int slot) throws QueryException {
      long value = values[slot];
      if (value == RecordTable.MISSING_NUMBER) {
        return missing;
      }
      if (value >= 0 && value < SMALL) {
        byte known = small[(int) value];
        if (known == 0) {
          known = (byte) (tested(value) ? 2 : 1);
          small[(int) value] = known;
        }
        return known == 2;
      }
      Boolean known = large.get(value);
      if (known == null) {
        budget.charge(64);
        known = tested(value);
        large.put(value, known);
      }
      return known;
    }

    private boolean tested(long value) {
      return test.test(Map.of(key, value));
    }
  }

  /** The groups found so far, in the order first seen, with their fields. */
  private static final class Groups {
    final List<Object[]> keyValues = new ArrayList<>();
    final Field[] fields;
    final QueryBudget budget;
    final long bytesPerGroup;
    int capacity = 16;

    Groups(Field[] fields, QueryBudget budget, long bytesPerGroup) {
      this.fields = fields;
      this.budget = budget;
      this.bytesPerGroup = bytesPerGroup;
      for (Field field : fields) {
        field.grow(capacity);
      }
    }

    int add(Object[] values) throws QueryException {
      budget.charge(bytesPerGroup);
      int g = keyValues.size();
      keyValues.add(values);
      if (g == capacity) {
        capacity *= 2;
        for (Field field : fields) {
          field.grow(capacity);
        }
      }
      return g;
    }

    List<Object[]> results() {
      List<Object[]> out = new ArrayList<>(keyValues.size());
      for (int g = 0; g < keyValues.size(); g++) {
        Object[] values = new Object[fields.length];
        for (int f = 0; f < values.length; f++) {
          values[f] = fields[f].result(g);
        }
        out.add(values);
      }
      return out;
    }
  }

  /** One output field over the columns, per group: the columnar twin of a {@link GroupOperators} accumulator. */
  private abstract static class Field {
    /** Makes room for groups below {@code capacity}. */
    abstract void grow(int capacity);

    /** Adds the records in {@code slots[0..n)}, each to its group in {@code groups}. */
    abstract void addAll(int[] slots, int[] groups, int n) throws QueryException;

    abstract Object result(int g);
  }

  private static final class Count extends Field {
    long[] count = new long[0];

    @Override
    void grow(int capacity) {
      count = Arrays.copyOf(count, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      long[] count = this.count;
      for (int i = 0; i < n; i++) {
        count[groups[i]]++;
      }
    }

    @Override
    Object result(int g) {
      return count[g];
    }
  }

  /** GroupOperators' Sum: exact until it overflows, then double. */
  private static final class Sum extends Field {
    final long[] column;
    long[] exact = new long[0];
    double[] approximate = new double[0];
    boolean[] isDouble = new boolean[0];

    Sum(long[] column) {
      this.column = column;
    }

    @Override
    void grow(int capacity) {
      exact = Arrays.copyOf(exact, capacity);
      approximate = Arrays.copyOf(approximate, capacity);
      isDouble = Arrays.copyOf(isDouble, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      long[] values = column;
      for (int i = 0; i < n; i++) {
        add(groups[i], values[slots[i]]);
      }
    }

    private void add(int g, long value) {
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

    @Override
    Object result(int g) {
      return isDouble[g] ? (Object) approximate[g] : (Object) exact[g];
    }
  }

  /** GroupOperators' Average: a double sum in record order over the values present; null when none. */
  private static final class Average extends Field {
    final long[] column;
    double[] sum = new double[0];
    long[] count = new long[0];

    Average(long[] column) {
      this.column = column;
    }

    @Override
    void grow(int capacity) {
      sum = Arrays.copyOf(sum, capacity);
      count = Arrays.copyOf(count, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      long[] values = column;
      for (int i = 0; i < n; i++) {
        long value = values[slots[i]];
        if (value != RecordTable.MISSING_NUMBER) {
          sum[groups[i]] += (double) value;
          count[groups[i]]++;
        }
      }
    }

    @Override
    Object result(int g) {
      return count[g] == 0 ? null : sum[g] / count[g];
    }
  }

  /** max (sign 1) or min (sign -1) of a number column; null when no record of the group has the key. */
  private static final class NumberExtreme extends Field {
    final long[] column;
    final int sign;
    long[] best = new long[0];
    boolean[] seen = new boolean[0];

    NumberExtreme(long[] column, int sign) {
      this.column = column;
      this.sign = sign;
    }

    @Override
    void grow(int capacity) {
      best = Arrays.copyOf(best, capacity);
      seen = Arrays.copyOf(seen, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      long[] values = column;
      for (int i = 0; i < n; i++) {
        long value = values[slots[i]];
        int g = groups[i];
        if (value != RecordTable.MISSING_NUMBER && (!seen[g] || Long.compare(value, best[g]) * sign > 0)) {
          best[g] = value;
          seen[g] = true;
        }
      }
    }

    @Override
    Object result(int g) {
      return seen[g] ? (Object) best[g] : null;
    }
  }

  /** max (sign 1) or min (sign -1) of a text column, by each code's place among the strings. */
  private static final class TextExtreme extends Field {
    final int[] codes;
    final String[] values;
    final int[] rank;
    final int sign;
    /** Best code per group; MISSING while none. */
    int[] best = new int[0];

    TextExtreme(RecordTable.TextColumn column, int[] rank, int sign) {
      this.codes = column.codes;
      this.values = column.values;
      this.rank = rank;
      this.sign = sign;
    }

    @Override
    void grow(int capacity) {
      best = Arrays.copyOf(best, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      for (int i = 0; i < n; i++) {
        int code = codes[slots[i]];
        int g = groups[i];
        if (code != RecordTable.MISSING
            && (best[g] == RecordTable.MISSING || Integer.compare(rank[code], rank[best[g]]) * sign > 0)) {
          best[g] = code;
        }
      }
    }

    @Override
    Object result(int g) {
      return best[g] == RecordTable.MISSING ? null : values[best[g]];
    }
  }

  /**
   * add_to_set of a text column (SpaceONE's count distinct: add_to_set, then project its size): each group's
   * distinct strings in the order first met, missing keys skipped, as {@link GroupOperators}' AddToSet.
   */
  private static final class TextSet extends Field {
    final int[] codes;
    final String[] values;
    final QueryBudget budget;
    /** Per group: the codes met, and their count. */
    BitSet[] seen = new BitSet[0];
    int[][] members = new int[0][];
    int[] size = new int[0];

    TextSet(RecordTable.TextColumn column, QueryBudget budget) {
      this.codes = column.codes;
      this.values = column.values;
      this.budget = budget;
    }

    @Override
    void grow(int capacity) {
      seen = Arrays.copyOf(seen, capacity);
      members = Arrays.copyOf(members, capacity);
      size = Arrays.copyOf(size, capacity);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) throws QueryException {
      for (int i = 0; i < n; i++) {
        int code = codes[slots[i]];
        int g = groups[i];
        if (code == RecordTable.MISSING) {
          continue;
        }
        if (seen[g] == null) {
          seen[g] = new BitSet();
          members[g] = new int[4];
        }
        if (!seen[g].get(code)) {
          budget.charge(56);
          seen[g].set(code);
          if (size[g] == members[g].length) {
            members[g] = Arrays.copyOf(members[g], size[g] * 2);
          }
          members[g][size[g]++] = code;
        }
      }
    }

    @Override
    Object result(int g) {
      List<Object> out = new ArrayList<>(size[g]);
      for (int i = 0; i < size[g]; i++) {
        out.add(values[members[g][i]]);
      }
      return out;
    }
  }

  /** first or last: the value of the group's first or last record in scan order (null if it lacks the key). */
  private static final class Pick extends Field {
    final Reader reader;
    final boolean first;
    /** Slot per group; -1 while none. */
    int[] slot = new int[0];

    Pick(Reader reader, boolean first) {
      this.reader = reader;
      this.first = first;
    }

    @Override
    void grow(int capacity) {
      int old = slot.length;
      slot = Arrays.copyOf(slot, capacity);
      Arrays.fill(slot, old, capacity, -1);
    }

    @Override
    void addAll(int[] slots, int[] groups, int n) {
      for (int i = 0; i < n; i++) {
        if (!first || slot[groups[i]] < 0) {
          slot[groups[i]] = slots[i];
        }
      }
    }

    @Override
    Object result(int g) {
      return reader.value(slot[g]);
    }
  }
}
