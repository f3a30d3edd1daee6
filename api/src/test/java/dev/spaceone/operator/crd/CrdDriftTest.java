package dev.spaceone.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails the build when a checked-in CRD (crds/ or the Helm chart's copy) differs from what the API classes
 * generate. {@code -Dcrds.update=true} rewrites the copies instead.
 */
class CrdDriftTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final List<Path> COPIES = List.of(REPO.resolve("crds"), REPO.resolve("helm/spaceone-job-operator/crds"));

  @Test
  void checkedInCrdsMatchTheClasses() throws IOException {
    List<String> drift = new ArrayList<>();
    for (Path dir : COPIES) {
      if (Boolean.getBoolean("crds.update")) {
        write(dir);
      }
      drift.addAll(differences(dir));
    }
    assertEquals(List.of(), drift,
        "checked-in CRDs differ from the classes; run `mvn -B -q -pl api -am test -Dcrds.update=true`");
  }

  @Test
  void aHandEditedCopyIsReported(@TempDir Path dir) throws IOException {
    write(dir);
    assertEquals(List.of(), differences(dir));
    Path job = dir.resolve(CustomResourceDefinitions.fileName(dev.spaceone.operator.api.v1alpha1.Job.class));
    Files.writeString(job, Files.readString(job).replace("minimum: 1.0", "minimum: 0.0"));
    List<String> drift = differences(dir);
    assertEquals(1, drift.size());
    assertTrue(drift.get(0).contains("jobs.spaceone.dev.yaml"), drift.get(0));
  }

  /** The CRD files of {@code dir} that are missing or differ from the generated ones. */
  static List<String> differences(Path dir) throws IOException {
    List<String> drift = new ArrayList<>();
    for (var type : CustomResourceDefinitions.RESOURCES) {
      Path file = dir.resolve(CustomResourceDefinitions.fileName(type));
      if (!Files.exists(file)) {
        drift.add(file + " is missing");
      } else if (!Files.readString(file).equals(CustomResourceDefinitions.yaml(type))) {
        drift.add(file + " differs from the generated CRD");
      }
    }
    return drift;
  }

  private static void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (var type : CustomResourceDefinitions.RESOURCES) {
      Files.writeString(dir.resolve(CustomResourceDefinitions.fileName(type)), CustomResourceDefinitions.yaml(type));
    }
  }
}
