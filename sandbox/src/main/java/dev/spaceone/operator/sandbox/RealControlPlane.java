package dev.spaceone.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where {@code --control-plane real} finds kube-apiserver, etcd and kube-controller-manager, the control plane of the
 * e2e suite (branch {@code e2e}, {@code e2e/install-control-plane.sh}):
 * {@code ${SPACEONE_E2E_CACHE:-$HOME/.cache/spaceone-job-operator/e2e}/<k8s-version>/bin}. {@link RealCluster} runs
 * them.
 */
final class RealControlPlane {
  static final List<String> BINARIES = List.of("kube-apiserver", "etcd", "kube-controller-manager");

  private RealControlPlane() {
  }

  static Path cacheDir() {
    String env = System.getenv("SPACEONE_E2E_CACHE");
    return env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "spaceone-job-operator", "e2e");
  }

  /** Versions under the cache whose bin/ holds all three binaries. */
  static List<Path> installed() {
    Path cache = cacheDir();
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> versions = Files.list(cache)) {
      return versions.filter(v -> BINARIES.stream().allMatch(b -> Files.isExecutable(v.resolve("bin").resolve(b))))
          .sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  static String notAvailable() {
    List<Path> found = installed();
    String binaries = found.isEmpty()
        ? "no kube-apiserver, etcd and kube-controller-manager found under " + cacheDir()
            + "/<k8s-version>/bin (install them with e2e/install-control-plane.sh)"
        : "found in " + found.get(found.size() - 1).resolve("bin");
    return "--control-plane real needs kube-apiserver, etcd and kube-controller-manager: " + binaries
        + ". Or use --control-plane mock, the default.";
  }
}
