package dev.spaceone.operator.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With 2 CPUs or fewer (an operator pod's usual limit) the JVM's common pool has one thread, and the JDK's HTTP
 * client, given fabric8's executor, then hands every response to CompletableFuture's thread-per-task fallback: a new
 * thread per API call (4,088 threads in a 1,000-task {@code bench/run real}). The image's JVM options prevent that.
 */
class ApiResponseThreadsTest {
  @Test
  void theImagesJvmOptionsKeepApiCallsFromStartingAThreadEach() throws Exception {
    long without = threadsStarted(List.of());
    assertTrue(without >= ApiResponseThreadsProbe.REQUESTS,
        "the probe should show the JDK's behaviour at 2 CPUs: a thread per response, saw " + without);
    List<String> imageOptions = Arrays.asList(imageJavaToolOptions().split(" "));
    long with = threadsStarted(imageOptions);
    assertTrue(with < ApiResponseThreadsProbe.REQUESTS / 10,
        with + " threads started for " + ApiResponseThreadsProbe.REQUESTS + " API calls with " + imageOptions);
  }

  private static long threadsStarted(List<String> jvmOptions) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:ActiveProcessorCount=2"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ApiResponseThreadsProbe.class.getName()));
    Path log = Files.createTempFile("api-response-threads", ".log");
    try {
      Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = probe.waitFor(120, TimeUnit.SECONDS);
      if (!ended) {
        probe.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(ended && probe.exitValue() == 0, "the probe failed or hung: " + output);
      Matcher m = Pattern.compile("THREADS_STARTED (\\d+)").matcher(output);
      assertTrue(m.find(), "the probe printed no count: " + output);
      return Long.parseLong(m.group(1));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String imageJavaToolOptions() throws IOException {
    Matcher m = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$")
        .matcher(Files.readString(Path.of("..", "Dockerfile")));
    assertTrue(m.find(), "the Dockerfile sets no JAVA_TOOL_OPTIONS");
    return m.group(1);
  }
}
