package dev.spaceone.testkit;

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

/**
 * The images of the repository's {@code images/build.sh} (built with no registry, cached by their inputs), as OCI
 * archives a {@link RealNode} imports: for the e2e suite and the sandbox's real node.
 */
public final class LocalImages {
  public static final String SCRIPT = "images/build.sh";
  /** The operator's image (which also holds the plugin runner), as images/build.sh tags it, without its tag. */
  public static final String OPERATOR_IMAGE = "docker.io/library/spaceone-job-operator";

  private LocalImages() {
  }

  /** Why the test images cannot be built here (umoci, skopeo, busybox-static or gcc missing), or empty. */
  public static Optional<String> unavailableReason() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("umoci", "skopeo", "busybox", "gcc")) {
      if (RealNode.which(tool).isEmpty()) {
        missing.add(tool);
      }
    }
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("cannot build the local images: " + missing + " not installed (apt-get install umoci skopeo"
            + " busybox-static gcc libc6-dev)");
  }

  /** The repository holding {@value #SCRIPT}: {@code start} or the nearest parent of it that has one. */
  public static Optional<Path> repository(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SCRIPT))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** The chart's appVersion, the tag images/build.sh gives the operator's image. */
  public static String appVersion(Path repo) {
    try {
      return Files.readAllLines(repo.resolve("helm/spaceone-job-operator/Chart.yaml")).stream()
          .filter(l -> l.startsWith("appVersion:"))
          .map(l -> l.substring("appVersion:".length()).trim().replace("\"", "")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The operator image's reference as images/build.sh tags it: {@value #OPERATOR_IMAGE}:<chart appVersion>. */
  public static String operatorImage(Path repo) {
    return OPERATOR_IMAGE + ":" + appVersion(repo);
  }

  /** Runs {@code images/build.sh targets...} of {@code repo} (instant when cached) and returns the archives it printed. */
  public static List<Path> build(Path repo, String... targets) {
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve(SCRIPT).toString()));
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
