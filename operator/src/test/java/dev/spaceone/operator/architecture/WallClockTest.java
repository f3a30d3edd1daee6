package dev.spaceone.operator.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The wall clock is read in one place, the composition root ({@code runtime.Main}); everything else reads the
 * {@code Clock} it is given, so tests can move time instead of waiting. (Monotonic {@code System.nanoTime} for
 * timeouts is not the wall clock and is allowed.)
 */
class WallClockTest {
  static final Pattern WALL_CLOCK = Pattern.compile(
      "Clock\\.system(?:UTC|DefaultZone)?\\(|System\\.currentTimeMillis\\(|"
          + "\\b(?:Instant|LocalDateTime|OffsetDateTime|ZonedDateTime|LocalDate|LocalTime)\\.now\\(\\)");

  @Test
  void onlyTheCompositionRootReadsTheWallClock() throws IOException {
    List<String> readers = new ArrayList<>();
    try (Stream<Path> files = Files.walk(PackageDependenciesTest.SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = WALL_CLOCK.matcher(Files.readString(file));
        while (m.find()) {
          readers.add(PackageDependenciesTest.SOURCES.relativize(file) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of("runtime/Main.java: Clock.systemUTC("), readers);
  }
}
