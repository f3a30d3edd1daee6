package dev.spaceone.operator.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Dockerfile and images/build.sh describe the same operator image: their JVM settings may not drift apart. */
class OperatorImageSettingsTest {
  private static final Path REPO = Path.of("..");

  @Test
  void bothBuildsGiveTheJvmTheSameSettings() throws IOException {
    String dockerfile = only(Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$"),
        Files.readString(REPO.resolve("Dockerfile")));
    String script = only(Pattern.compile("--config.env \"JAVA_TOOL_OPTIONS=([^\"]*)\""),
        Files.readString(REPO.resolve("images/build.sh")));
    assertEquals(dockerfile, script);
    assertTrue(dockerfile.contains("-XX:+ExitOnOutOfMemoryError"),
        "an OutOfMemoryError must end the JVM so that the pod restarts: " + dockerfile);
    // At one common-pool thread (2 CPUs or fewer) the JDK's HTTP client starts a thread per API response.
    Matcher parallelism = Pattern.compile("-Djava.util.concurrent.ForkJoinPool.common.parallelism=(\\d+)")
        .matcher(dockerfile);
    assertTrue(parallelism.find() && Integer.parseInt(parallelism.group(1)) >= 2,
        "the common pool needs at least 2 threads whatever the CPU limit: " + dockerfile);
  }

  private static String only(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertTrue(m.find(), "no " + pattern);
    String value = m.group(1);
    assertTrue(!m.find(), "more than one " + pattern);
    return value;
  }
}
