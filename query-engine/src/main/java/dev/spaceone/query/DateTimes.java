package dev.spaceone.query;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Datetime values for the {@code datetime_*} and {@code timediff_*} operators. Records carry
 * datetimes as ISO-8601 strings; a value without a zone is UTC, as SpaceONE stores them.
 */
final class DateTimes {
  /** SpaceONE's timediff grammar (python-core utils.parse_timediff_query). */
  private static final Pattern TIMEDIFF =
      Pattern.compile("^\\s?(now(?:/[dwm])?)\\s?(?:([+-])\\s?(\\d{1,9})([smhdw]))?\\s?$");

  private DateTimes() {}

  /** The instant of an ISO-8601 datetime or date string, or null if it is not one. */
  static Instant parse(String text) {
    Instant fast = parseCanonicalUtc(text);
    if (fast != null) {
      return fast;
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      String iso = text.length() > 10 && text.charAt(10) == ' '
          ? text.substring(0, 10) + 'T' + text.substring(11)
          : text;
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(iso);
      if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
        return Instant.from(parsed);
      }
      return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /**
   * Fast path for the form every SpaceONE record uses ({@code 2022-06-17T08:00:00.680Z}): a
   * datetime filter over 100k records would otherwise spend most of its time in the formatter.
   */
  private static Instant parseCanonicalUtc(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nanos = 0;
    if (n > 20) {
      if (s.charAt(19) != '.' || n - 21 > 9 || n == 21) {
        return null;
      }
      int fraction = digits(s, 20, n - 1);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction * (int) Math.pow(10, 9 - (n - 21));
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    try {
      long epochDay = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(epochDay * 86400 + hour * 3600L + minute * 60L + second, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number in s[from, to), or -1 if any character is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * The instant a timediff expression names: {@code now}, {@code now/d} (start of today, UTC),
   * {@code now/w} (Monday), {@code now/m} (first of month), optionally {@code +|-} N of s, m, h, d, w.
   * Returns null if the text does not follow that grammar.
   */
  static Instant timediff(String text, Clock clock) {
    Matcher m = TIMEDIFF.matcher(text);
    if (!m.matches()) {
      return null;
    }
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant base = switch (m.group(1)) {
      case "now/d" -> today.atStartOfDay(ZoneOffset.UTC).toInstant();
      case "now/w" -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
          .atStartOfDay(ZoneOffset.UTC).toInstant();
      case "now/m" -> today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      default -> now;
    };
    if (m.group(2) == null) {
      return base;
    }
    long amount = Long.parseLong(m.group(3));
    Duration delta = switch (m.group(4)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofDays(amount * 7);
    };
    return m.group(2).equals("+") ? base.plus(delta) : base.minus(delta);
  }
}
