package dev.spaceone.operator.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's packages depend on each other one way (ARCHITECTURE.md): no cycles, and {@code runtime}, the
 * composition root, is imported by no other package.
 */
class PackageDependenciesTest {
  static final Path SOURCES = Path.of("src/main/java/dev/spaceone/operator");
  static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?dev\\.spaceone\\.operator\\.([a-z0-9]+)\\.");

  /** package -> the operator packages it imports (same-package references need no import). */
  static Map<String, Set<String>> dependencies() {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = SOURCES.relativize(file.getParent()).toString().split("/")[0];
        Set<String> imported = deps.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals(pkg) && Files.isDirectory(SOURCES.resolve(m.group(1)))) {
            imported.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deps;
  }

  @Test
  void noPackageCycles() {
    Map<String, Set<String>> deps = dependencies();
    assertTrue(deps.keySet().containsAll(Set.of("job", "jobtask", "runtime", "query")), deps.toString());
    List<String> cycles = new ArrayList<>();
    for (String start : deps.keySet()) {
      if (reaches(deps, start, start, new TreeSet<>())) {
        cycles.add(start);
      }
    }
    assertEquals(List.of(), cycles, "packages on a dependency cycle: " + deps);
  }

  @Test
  void nothingImportsTheCompositionRoot() {
    List<String> importers = dependencies().entrySet().stream().filter(e -> e.getValue().contains("runtime"))
        .map(Map.Entry::getKey).toList();
    assertEquals(List.of(), importers);
  }

  private static boolean reaches(Map<String, Set<String>> deps, String from, String target, Set<String> seen) {
    for (String next : deps.getOrDefault(from, Set.of())) {
      if (next.equals(target) || (seen.add(next) && reaches(deps, next, target, seen))) {
        return true;
      }
    }
    return false;
  }
}
