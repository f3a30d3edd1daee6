package dev.spaceone.operator.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-flight caps: requests admitted in total and per caller, each taken until the request's work ends. */
final class Admission {
  enum Result { ADMITTED, TOTAL_CAP, CALLER_CAP }

  private final int total;
  private final int perCaller;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Integer> byCaller = new ConcurrentHashMap<>();

  Admission(int total, int perCaller) {
    this.total = total;
    this.perCaller = perCaller;
  }

  Result tryAcquire(String caller) {
    if (inFlight.incrementAndGet() > total) {
      inFlight.decrementAndGet();
      return Result.TOTAL_CAP;
    }
    boolean[] admitted = {false};
    byCaller.compute(caller, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= perCaller) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      inFlight.decrementAndGet();
      return Result.CALLER_CAP;
    }
    return Result.ADMITTED;
  }

  void release(String caller) {
    byCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}
