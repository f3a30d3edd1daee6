package dev.spaceone.query;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one query may ask for and use. The size limits are checked while the query is compiled, before any
 * record is read; the deadline and the memory budget while the engine scans, groups and builds the answer
 * (see {@link QueryBudget}). Every violation is a {@link QueryException} of kind
 * {@link QueryException.Kind#LIMIT} (or {@code DEADLINE}) naming the query's field, the limit and its setting.
 * The defaults serve every query of the examples and the query benchmark at 100,000 records.
 */
public record QueryLimits(Map<Limit, Long> values) {

  /** One limit: its environment setting and its default. */
  public enum Limit {
    CONDITIONS("QUERY_MAX_CONDITIONS", 100, "conditions"),
    VALUES_PER_CONDITION("QUERY_MAX_VALUES_PER_CONDITION", 1000, "values"),
    FIELDS("QUERY_MAX_FIELDS", 100, "fields"),
    GROUP_KEYS("QUERY_MAX_GROUP_KEYS", 20, "group keys"),
    ONLY_KEYS("QUERY_MAX_ONLY_KEYS", 100, "keys"),
    UNWIND_ROWS("QUERY_MAX_UNWIND_ROWS", 500_000, "rows"),
    RESULT_ROWS("QUERY_MAX_RESULT_ROWS", 100_000, "rows"),
    RESULT_BYTES("QUERY_MAX_RESULT_BYTES", 32L << 20, "bytes"),
    DEADLINE_MILLIS("QUERY_DEADLINE_MS", 10_000, "ms"),
    MEMORY_BYTES("QUERY_MAX_MEMORY_BYTES", 64L << 20, "bytes");

    private final String setting;
    private final long defaultValue;
    private final String unit;

    Limit(String setting, long defaultValue, String unit) {
      this.setting = setting;
      this.defaultValue = defaultValue;
      this.unit = unit;
    }

    /** The environment variable (and, lower-camel, the chart value) that sets this limit. */
    public String setting() {
      return setting;
    }

    public long defaultValue() {
      return defaultValue;
    }

    String unit() {
      return unit;
    }
  }

  public QueryLimits {
    EnumMap<Limit, Long> all = new EnumMap<>(Limit.class);
    for (Limit limit : Limit.values()) {
      long value = values.getOrDefault(limit, limit.defaultValue());
      if (value < 1) {
        throw new IllegalArgumentException(limit.setting() + " must be at least 1, not " + value);
      }
      all.put(limit, value);
    }
    values = Map.copyOf(all);
  }

  public static QueryLimits defaults() {
    return new QueryLimits(Map.of());
  }

  /** The limits from environment variables ({@link Limit#setting()}); absent or blank ones keep their default. */
  public static QueryLimits fromEnvironment(Map<String, String> env) {
    EnumMap<Limit, Long> values = new EnumMap<>(Limit.class);
    for (Limit limit : Limit.values()) {
      String text = env.get(limit.setting());
      if (text != null && !text.isBlank()) {
        try {
          values.put(limit, Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(limit.setting() + " must be a whole number, not '" + text + "'");
        }
      }
    }
    return new QueryLimits(values);
  }

  /** A copy with one limit changed. */
  public QueryLimits with(Limit limit, long value) {
    EnumMap<Limit, Long> copy = new EnumMap<>(values);
    copy.put(limit, value);
    return new QueryLimits(copy);
  }

  public long get(Limit limit) {
    return values.get(limit);
  }

  public Duration deadline() {
    return Duration.ofMillis(get(Limit.DEADLINE_MILLIS));
  }

  /** Fails when {@code count} exceeds the limit, saying what was counted ("has 250 conditions"). */
  void check(Limit limit, long count, QueryNode where) throws QueryException {
    if (count > get(limit)) {
      throw exceeded(limit, where.path(), "has " + count + " " + limit.unit());
    }
  }

  QueryException exceeded(Limit limit, String field, String what) {
    return new QueryException(QueryException.Kind.LIMIT, field,
        what + "; the limit is " + get(limit) + " " + limit.unit() + " (" + limit.setting() + ")");
  }
}
