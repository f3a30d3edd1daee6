package dev.spaceone.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.ResultCount;
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

/** README's contract table lists exactly the error codes the operator writes, and the result's counts. */
class ErrorCodesTest {
  static final Path README = Path.of("..", "README.md");
  static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(ERROR_[A-Z_]+)` \\|");

  static List<String> codes() {
    return Arrays.stream(ErrorCodes.class.getDeclaredFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(ErrorCodesTest::value).sorted().toList();
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

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
