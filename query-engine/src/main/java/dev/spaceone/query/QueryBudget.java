package dev.spaceone.query;

import java.time.Duration;

/**
 * What one running query may still spend: time until its deadline and memory, plus a cancellation flag. The
 * engine checks it while it scans records, groups, unwinds, sorts and builds the answer, so a query stops
 * within a few thousand records of its deadline, its memory budget or its cancellation, never only after its
 * work is done. One budget serves one query on one thread; only {@link #cancel()} may be called from another
 * thread (the server calls it when the client goes away). Interrupting the query's thread cancels it too.
 */
public final class QueryBudget {
  /** Records or rows between two looks at the clock and the flag: cheap enough at 100,000 records. */
  private static final int CHECK_EVERY = 512;

  private final QueryLimits limits;
  private final long deadlineNanos;
  private final long maxMemory;
  private volatile boolean cancelled;
  private long memory;
  private long conditions;
  private int countdown = CHECK_EVERY;

  private QueryBudget(QueryLimits limits, Duration deadline) {
    this.limits = limits;
    this.deadlineNanos = System.nanoTime() + deadline.toNanos();
    this.maxMemory = limits.get(QueryLimits.Limit.MEMORY_BYTES);
  }

  /** A budget whose deadline starts now and lasts {@link QueryLimits#deadline()}. */
  public static QueryBudget start(QueryLimits limits) {
    return new QueryBudget(limits, limits.deadline());
  }

  /** A budget with a deadline shorter than the limits' one (e.g. the request's own timeout). */
  public static QueryBudget start(QueryLimits limits, Duration deadline) {
    Duration shorter = deadline.compareTo(limits.deadline()) < 0 ? deadline : limits.deadline();
    return new QueryBudget(limits, shorter);
  }

  /** Stops the query at its next check; safe from any thread, idempotent. */
  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  QueryLimits limits() {
    return limits;
  }

  /** Counts one unit of work (a record, row or group); every so often looks at the deadline and the flag. */
  void tick() throws QueryException {
    if (--countdown <= 0) {
      countdown = CHECK_EVERY;
      check();
    }
  }

  /** Looks at the deadline and the cancellation flag now. */
  void check() throws QueryException {
    if (cancelled || Thread.currentThread().isInterrupted()) {
      throw new QueryException(QueryException.Kind.CANCELLED, "query", "cancelled");
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new QueryException(QueryException.Kind.DEADLINE, "query", "the query ran longer than its deadline of "
          + limits.get(QueryLimits.Limit.DEADLINE_MILLIS) + " ms (" + QueryLimits.Limit.DEADLINE_MILLIS.setting()
          + "); narrow its filter or ask for less");
    }
  }

  /** Counts conditions across the whole query (filter, filter_or and every match stage). */
  void countConditions(int count, QueryNode where) throws QueryException {
    conditions += count;
    limits.check(QueryLimits.Limit.CONDITIONS, conditions, where);
  }

  /** Accounts an estimate of memory the query now holds; fails once past the budget. */
  void charge(long bytes) throws QueryException {
    memory += bytes;
    if (memory > maxMemory) {
      throw limits.exceeded(QueryLimits.Limit.MEMORY_BYTES, "query",
          "needs more memory while it runs than one query may use (narrow its filter, group by fewer keys or "
              + "push fewer values)");
    }
    tick();
  }

  /** The memory estimate so far (for tests and measurements). */
  long memory() {
    return memory;
  }
}
