package dev.spaceone.operator.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The RFC 3339 form of the times the operator writes into statuses. */
public final class Timestamps {
  private Timestamps() {
  }

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  public static Instant parse(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
