package dev.spaceone.runner;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example plugins' venv (examples/plugin/python/setup-venv.sh; .ci/run creates it). Tests that need it skip
 * when it is absent locally.
 */
final class PythonVenv {
  static final String SKIP_REASON = "the example plugins' venv is absent: run examples/plugin/python/setup-venv.sh"
      + " (.ci/run does) or set SPACEONE_PY_VENV";

  private PythonVenv() {
  }

  static Path dir() {
    String configured = System.getenv("SPACEONE_PY_VENV");
    Path venv = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "spaceone-job-operator", "venv");
    return Files.isExecutable(venv.resolve("bin/spaceone-example-plugin")) ? venv : null;
  }

  /** Skips the calling test when the venv is absent, unless .ci/run set it up (then its absence fails). */
  static void assume() {
    if (dir() == null && "true".equals(System.getenv("SPACEONE_PY_VENV_REQUIRED"))) {
      throw new AssertionError("SPACEONE_PY_VENV_REQUIRED is set but " + SKIP_REASON);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(dir() != null, SKIP_REASON);
  }

  static Path python() {
    Path venv = dir();
    return venv == null ? null : venv.resolve("bin/python");
  }
}
