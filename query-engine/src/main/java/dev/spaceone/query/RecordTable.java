package dev.spaceone.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The records of one resource, kept for scanning: each record as its map (what every query can read), and
 * beside it some top-level keys as columns over the same slots: <em>text</em> keys dictionary-encoded (an
 * {@code int} code per record, {@code 0} for a missing key) and <em>number</em> keys as {@code long}s. It is
 * updated one record at a time as the informers see changes ({@link #put}, {@link #remove}); a query reads the
 * columns in place under a read lock, never a copy ({@link ColumnarScan}), so a filtered group-by with count,
 * sum, average, min or max over 100,000 records touches a few primitive arrays instead of 100,000 maps.
 *
 * <p>A value a column cannot hold as-is (a text key holding a number or a list, a number key holding a
 * fraction) marks its record "other" in that column; while any record is "other" in a column, queries that use
 * the column take the map path, so the columns never change an answer. Each record also has a partition (its
 * namespace), a text key every record must have: a {@link Scope} is the records of some partitions.
 */
public final class RecordTable {
  /** Text code of a record whose text key is missing. */
  static final int MISSING = 0;
  /** Text code of a record whose text key holds something other than a string. */
  static final int OTHER = -1;
  /** Number of a record whose number key is missing. */
  static final long MISSING_NUMBER = Long.MIN_VALUE;
  /** Number of a record whose number key holds something other than a whole number (or a sentinel). */
  static final long OTHER_NUMBER = Long.MIN_VALUE + 1;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final Map<String, TextColumn> texts = new HashMap<>();
  private final Map<String, NumberColumn> numbers = new HashMap<>();
  private final TextColumn partition;
  /** Record by slot; null for a free slot. Slots in use are below {@link #end}. */
  private Map<String, Object>[] records;
  private final Numbers slots = new Numbers(0);

  /**
   * @param partitionKey the text key every record has that a {@link Scope} selects on (e.g. {@code namespace})
   * @param textKeys top-level keys whose values are few distinct strings (status, job, provider, ...)
   * @param numberKeys top-level keys whose values are whole numbers (counts)
   */
  public RecordTable(String partitionKey, Collection<String> textKeys, Collection<String> numberKeys) {
    Set<String> textSet = new LinkedHashSet<>(textKeys);
    textSet.add(partitionKey);
    for (String key : textSet) {
      texts.put(key, new TextColumn(key));
    }
    for (String key : numberKeys) {
      if (textSet.contains(key)) {
        throw new IllegalArgumentException("key " + key + " is both a text and a number column");
      }
      numbers.put(key, new NumberColumn(key));
    }
    this.partition = texts.get(partitionKey);
    @SuppressWarnings("unchecked")
    Map<String, Object>[] initial = new Map[16];
    this.records = initial;
    grow(16);
  }

  /** Adds or replaces the record of {@code id}; its partition key must hold a string. */
  public void put(String id, Map<String, Object> record) {
    if (!(record.get(partition.key) instanceof String)) {
      throw new IllegalArgumentException("record " + id + " has no string " + partition.key);
    }
    lock.writeLock().lock();
    try {
      Integer existing = slotOf.get(id);
      int slot;
      if (existing != null) {
        slot = existing;
      } else {
        slot = slots.take();
        if (slot >= records.length) {
          grow(records.length * 2);
        }
        slotOf.put(id, slot);
      }
      records[slot] = record;
      for (TextColumn column : texts.values()) {
        column.set(slot, record.getOrDefault(column.key, Values.MISSING));
      }
      for (NumberColumn column : numbers.values()) {
        column.set(slot, record.getOrDefault(column.key, Values.MISSING));
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Drops the record of {@code id}, if there is one. */
  public void remove(String id) {
    lock.writeLock().lock();
    try {
      Integer slot = slotOf.remove(id);
      if (slot == null) {
        return;
      }
      records[slot] = null;
      for (TextColumn column : texts.values()) {
        column.set(slot, Values.MISSING);
      }
      for (NumberColumn column : numbers.values()) {
        column.set(slot, Values.MISSING);
      }
      slots.give(slot);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** How many records the table holds. */
  public int size() {
    lock.readLock().lock();
    try {
      return slotOf.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The partitions (namespaces) that hold at least one record, sorted. */
  public Set<String> partitions() {
    lock.readLock().lock();
    try {
      Set<String> out = new TreeSet<>();
      for (int code = 1; code < partition.next(); code++) {
        if (partition.refs[code] > 0) {
          out.add(partition.values[code]);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The records of the given partitions, for one query. */
  public Scope scope(Collection<String> partitions) {
    return new Scope(Set.copyOf(partitions));
  }

  private void grow(int capacity) {
    records = Arrays.copyOf(records, capacity);
    for (TextColumn column : texts.values()) {
      column.codes = Arrays.copyOf(column.codes, capacity);
    }
    for (NumberColumn column : numbers.values()) {
      long[] grown = Arrays.copyOf(column.values, capacity);
      Arrays.fill(grown, column.values.length, capacity, MISSING_NUMBER);
      column.values = grown;
    }
  }

  ReentrantReadWriteLock.ReadLock readLock() {
    return lock.readLock();
  }

  /** Slots below this may be in use; read under the read lock. */
  int end() {
    return slots.next;
  }

  /** The record in a slot (null for a free slot); read under the read lock. */
  Map<String, Object> record(int slot) {
    return records[slot];
  }

  TextColumn partitionColumn() {
    return partition;
  }

  /** The text column of a one-segment key, or null. */
  TextColumn text(KeyPath key) {
    return key.size() == 1 ? texts.get(key.segment(0)) : null;
  }

  /** The number column of a one-segment key, or null. */
  NumberColumn number(KeyPath key) {
    return key.size() == 1 ? numbers.get(key.segment(0)) : null;
  }

  /**
   * A text key, dictionary-encoded: codes are reference-counted and reused once no record holds their
   * string, so the dictionary stays as large as the distinct values alive, however many have come and gone.
   */
  static final class TextColumn {
    final String key;
    /** Code per slot: {@link #MISSING}, {@link #OTHER} or an index into {@link #values}. */
    int[] codes = new int[0];
    /** String per code; index 0 (missing) and free codes hold null. */
    String[] values = new String[16];
    /** Records holding each code. */
    int[] refs = new int[16];
    /** Codes in use are below {@code codeNumbers.next}. */
    private final Numbers codeNumbers = new Numbers(1);
    /** Records whose value is {@link #OTHER}: while any, the map path answers queries on this key. */
    int others;
    private final Map<String, Integer> dictionary = new HashMap<>();

    TextColumn(String key) {
      this.key = key;
    }

    /** Codes in use are below this. */
    int next() {
      return codeNumbers.next;
    }

    void set(int slot, Object value) {
      int old = codes[slot];
      codes[slot] = acquire(value); // before releasing the old code, so an unchanged value keeps its code
      release(old);
    }

    private int acquire(Object value) {
      if (value == Values.MISSING) {
        return MISSING;
      }
      if (!(value instanceof String text)) {
        others++;
        return OTHER;
      }
      Integer known = dictionary.get(text);
      int code;
      if (known != null) {
        code = known;
      } else {
        code = codeNumbers.take();
        if (code >= values.length) {
          values = Arrays.copyOf(values, values.length * 2);
          refs = Arrays.copyOf(refs, refs.length * 2);
        }
        values[code] = text;
        dictionary.put(text, code);
      }
      refs[code]++;
      return code;
    }

    private void release(int code) {
      if (code == OTHER) {
        others--;
      } else if (code != MISSING && --refs[code] == 0) {
        dictionary.remove(values[code]);
        values[code] = null;
        codeNumbers.give(code);
      }
    }
  }

  /** Small numbers handed out and given back (slots, codes): a given-back number is reused before a new one. */
  private static final class Numbers {
    /** Numbers handed out are below this. */
    int next;
    private int[] free = new int[16];
    private int freeCount;

    Numbers(int first) {
      this.next = first;
    }

    int take() {
      return freeCount > 0 ? free[--freeCount] : next++;
    }

    void give(int number) {
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, freeCount * 2);
      }
      free[freeCount++] = number;
    }
  }

  /** A number key as {@code long}s: whole numbers only (Mongo's $sum of them is exact until it overflows). */
  static final class NumberColumn {
    final String key;
    long[] values = new long[0];
    /** Records whose value is {@link #OTHER_NUMBER}. */
    int others;

    NumberColumn(String key) {
      this.key = key;
    }

    void set(int slot, Object value) {
      if (values[slot] == OTHER_NUMBER) {
        others--;
      }
      long stored;
      if (value == Values.MISSING) {
        stored = MISSING_NUMBER;
      } else if (Values.isIntegral(value) && ((Number) value).longValue() > OTHER_NUMBER) {
        stored = ((Number) value).longValue();
      } else {
        stored = OTHER_NUMBER;
      }
      if (stored == OTHER_NUMBER) {
        others++;
      }
      values[slot] = stored;
    }
  }

  /** The records of some partitions: what one query may read. */
  public final class Scope implements RecordSource {
    private final Set<String> partitions;

    private Scope(Set<String> partitions) {
      this.partitions = partitions;
    }

    RecordTable table() {
      return RecordTable.this;
    }

    /** Per partition code: whether this scope reads its records. Call under the read lock. */
    boolean[] partitionMask() {
      boolean[] mask = new boolean[partition.next()];
      for (int code = 1; code < partition.next(); code++) {
        mask[code] = partition.values[code] != null && partitions.contains(partition.values[code]);
      }
      return mask;
    }

    @Override
    public List<Map<String, Object>> filterAndGroup(Filter filter, GroupStage group, QueryBudget budget)
        throws QueryException {
      return ColumnarScan.filterAndGroup(this, filter, group, budget);
    }

    @Override
    public List<Map<String, Object>> matching(Filter filter, QueryBudget budget) throws QueryException {
      return ColumnarScan.matching(this, filter, budget);
    }

    @Override
    public List<Object> distinct(Filter filter, KeyPath key, QueryBudget budget) throws QueryException {
      return ColumnarScan.distinct(this, filter, key, budget);
    }

    /** The scope's records in slot order (the order a columnar scan reads them in); the list is the caller's. */
    @Override
    public List<Map<String, Object>> records() {
      lock.readLock().lock();
      try {
        boolean[] mask = partitionMask();
        int[] codes = partition.codes;
        List<Map<String, Object>> out = new ArrayList<>();
        for (int slot = 0; slot < slots.next; slot++) {
          if (mask[codes[slot]]) {
            out.add(records[slot]);
          }
        }
        return out;
      } finally {
        lock.readLock().unlock();
      }
    }
  }
}
