package dev.spaceone.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's error code table lists exactly {@link ErrorCodes}, and its result object names every count. */
class ContractReadmeTest {
  static final Path README = Path.of("..", "README.md");
  static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(ERROR_[A-Z_]+)` \\|");

  static List<String> codes() {
    return Arrays.stream(ErrorCodes.class.getDeclaredFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(ContractReadmeTest::value).sorted().toList();
  }

  @Test
  void readmesTableListsEveryCodeAndNoOther() throws IOException {
    Matcher rows = TABLE_ROW.matcher(Files.readString(README));
    List<String> documented = rows.results().map(r -> r.group(1)).sorted().toList();
    assertEquals(codes(), documented);
  }

  @Test
  void codesAreDistinctAndSpaceOneStyle() {
    assertEquals(codes().size(), codes().stream().distinct().count());
    assertTrue(codes().stream().allMatch(c -> c.matches("ERROR_[A-Z_]+")), codes().toString());
  }

  @Test
  void readmesResultObjectNamesEveryCount() throws IOException {
    String readme = Files.readString(README);
    for (ResultCount count : ResultCount.values()) {
      assertTrue(readme.contains("\"" + count.resultKey() + "\": 0"), count.resultKey());
    }
  }

  @Test
  void countNamesAreTheContractsSnakeAndCamelCase() {
    assertEquals(List.of("created_count", "updated_count", "deleted_count", "disconnected_count", "failure_count",
        "success_count", "total_count"), Arrays.stream(ResultCount.values()).map(ResultCount::resultKey).toList());
    assertEquals("disconnectedCount", ResultCount.DISCONNECTED.statusField());
    assertEquals("disconnected", ResultCount.DISCONNECTED.word());
  }

  /** The runner and the store use this module without Kubernetes classes: it must stay dependency-free. */
  @Test
  void theModuleHasNoDependencyOutsideTests() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher dependency = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
    List<String> blocks = dependency.results().map(m -> m.group(1)).toList();
    assertTrue(blocks.stream().allMatch(b -> b.contains("<scope>test</scope>")), blocks.toString());
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
