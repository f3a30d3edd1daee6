package dev.spaceone.operator.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs real kubectl binaries: {@code kubectl} and {@code kubectl.1.NN} beside it, when installed. */
final class Kubectl {
  record Result(int exitCode, String stdout, String stderr) {
  }

  private Kubectl() {
  }

  /** The directory of the real kubectl binary, or null when kubectl is not on PATH. */
  static Path binaryDirectory() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        try {
          return candidate.toRealPath().getParent();
        } catch (IOException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The versioned binaries (kubectl.1.27 ...), sorted; falls back to plain kubectl when there are none. */
  static List<Path> binaries() {
    Path dir = binaryDirectory();
    if (dir == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> versioned = files.filter(p -> p.getFileName().toString().matches("kubectl\\.1\\.\\d+"))
          .filter(Files::isExecutable).sorted().toList();
      return versioned.isEmpty() ? List.of(dir.resolve("kubectl")) : versioned;
    } catch (IOException e) {
      return List.of();
    }
  }

  static Path writeKubeconfig(Path dir, int port, Path caFile, Path certFile, Path keyFile, String namespace)
      throws IOException {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: query
          cluster:
            server: https://127.0.0.1:%d
            certificate-authority: %s
        users:
        - name: user
          user:
            client-certificate: %s
            client-key: %s
        contexts:
        - name: query
          context:
            cluster: query
            user: user
            namespace: %s
        current-context: query
        """.formatted(port, caFile, certFile, keyFile, namespace));
    return file;
  }

  static Result run(Path binary, Path kubeconfig, Path cacheDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", cacheDir.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(cacheDir.getParent(), "kubectl", ".out");
    Path err = Files.createTempFile(cacheDir.getParent(), "kubectl", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("kubectl timed out: " + command);
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
