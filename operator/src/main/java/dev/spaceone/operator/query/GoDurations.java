package dev.spaceone.operator.query;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes clients write them in a request's {@code timeout} parameter (Go's {@code 1m30s}). */
final class GoDurations {
  private static final Pattern WHOLE = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDurations() {
  }

  /** The duration, or empty when the text is not one (as kube-apiserver, which then ignores it). */
  static Optional<Duration> parse(String text) {
    if (text == null || text.length() > 64 || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    double nanos = 0;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      double value = Double.parseDouble(m.group(1));
      nanos += value * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
    }
    return nanos <= 0 || nanos > Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos((long) nanos));
  }
}
