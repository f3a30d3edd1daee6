package dev.spaceone.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The images of {@code images/build.sh} (built with no registry, cached by their inputs), as OCI archives. */
final class LocalImages {
  static final Path SCRIPT = SpaceOneCluster.REPO.resolve("images/build.sh");

  private LocalImages() {
  }

  /** Why the test images cannot be built here (umoci, skopeo or busybox-static missing), or empty. */
  static Optional<String> unavailableReason() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("umoci", "skopeo", "busybox", "gcc")) {
      if (dev.spaceone.testkit.RealNode.which(tool).isEmpty()) {
        missing.add(tool);
      }
    }
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("cannot build the local images: " + missing + " not installed (apt-get install umoci skopeo"
            + " busybox-static gcc libc6-dev)");
  }

  /**
   * The operator's image, for a test that installs the chart: fails the test when the real node is required and the
   * shaded jar is not built, else skips it.
   */
  static List<Path> operatorImage() {
    Path jar = SpaceOneCluster.REPO.resolve("operator/target/spaceone-job-operator.jar");
    if (!Files.isRegularFile(jar)) {
      String reason = jar + " is not built (mvn -B -q -pl operator -am package -DskipTests), so there is no operator"
          + " image to install";
      if (RealNodeExtension.required()) {
        org.junit.jupiter.api.Assertions.fail(reason);
      }
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
    return build("operator");
  }

  /** Runs {@code images/build.sh targets...} (instant when cached) and returns the archives it printed. */
  static List<Path> build(String... targets) {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(targets));
    try {
      Path out = Files.createTempFile("spaceone-images", ".out");
      Path err = Files.createTempFile("spaceone-images", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException(command + " did not finish in 15 minutes");
        }
        String log = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(command + " failed with " + p.exitValue() + ":\n" + log);
        }
        if (!log.isBlank()) {
          System.err.print(log);
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
            .map(Paths::get).toList();
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
