package dev.spaceone.operator.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The private folder of one task pod on the sandbox's machine: what the pod's volumes hold in a cluster. The folder
 * and its sub-folders are mode 0700, its files 0600, so only the user running the sandbox reads the task's Secret.
 * <pre>
 *   DIR/task/task.json        the pod's task.json (from its spaceone.dev/task-json annotation)
 *   DIR/secret/KEY            one file per key of the task's Secret, when it has one
 *   DIR/termination-log       SPACEONE_RESULT_FILE: the plugin writes its result here
 *   DIR/tmp                   TMPDIR, also HOME
 * </pre>
 * {@link #close()} deletes it all, so no secret outlives the pod's process.
 */
public final class TaskWorkspace implements AutoCloseable {
  /** The kubelet keeps at most this many bytes of a termination message. */
  public static final int MAX_TERMINATION_MESSAGE_BYTES = 4096;
  private static final Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private final Path dir;

  private TaskWorkspace(Path dir) {
    this.dir = dir;
  }

  /** A new private folder under {@code root}, named after the pod. */
  public static TaskWorkspace create(Path root, String podName) throws IOException {
    Path dir = Files.createTempDirectory(root, podName + "-", PosixFilePermissions.asFileAttribute(DIR_MODE));
    TaskWorkspace workspace = new TaskWorkspace(dir);
    workspace.mkdir(workspace.taskFile().getParent());
    workspace.mkdir(workspace.tmpDir());
    return workspace;
  }

  public Path dir() {
    return dir;
  }

  public Path taskFile() {
    return dir.resolve("task").resolve("task.json");
  }

  public Path secretDir() {
    return dir.resolve("secret");
  }

  /** The sink Secret's files (grpc pods with a postgres sink). */
  public Path sinkDir() {
    return dir.resolve("sink");
  }

  public Path resultFile() {
    return dir.resolve("termination-log");
  }

  public Path tmpDir() {
    return dir.resolve("tmp");
  }

  public void writeTaskJson(String json) throws IOException {
    writePrivate(taskFile(), json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes one file per Secret key (the values decoded), as a secret volume does. A key that is not a plain file
   * name (Kubernetes allows only [-._a-zA-Z0-9]+) is skipped.
   */
  public void writeSecret(Map<String, byte[]> data) throws IOException {
    writeSecret(secretDir(), data);
  }

  /** {@link #writeSecret(Map)} into {@code folder} (the secret or the sink folder). */
  public void writeSecret(Path folder, Map<String, byte[]> data) throws IOException {
    mkdir(folder);
    for (Map.Entry<String, byte[]> entry : data.entrySet()) {
      String key = entry.getKey();
      if (!key.matches("[-._a-zA-Z0-9]+") || key.equals(".") || key.equals("..")) {
        continue;
      }
      writePrivate(folder.resolve(key), entry.getValue());
    }
  }

  /** The result file's content, at most {@value #MAX_TERMINATION_MESSAGE_BYTES} bytes, or empty when missing. */
  public Optional<String> terminationMessage() throws IOException {
    Path file = resultFile();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Optional.of(truncate(in.readNBytes(MAX_TERMINATION_MESSAGE_BYTES)));
    }
  }

  /** The first {@value #MAX_TERMINATION_MESSAGE_BYTES} bytes, as text. */
  static String truncate(byte[] bytes) {
    int length = Math.min(bytes.length, MAX_TERMINATION_MESSAGE_BYTES);
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private void mkdir(Path path) throws IOException {
    Files.createDirectories(path);
    Files.setPosixFilePermissions(path, DIR_MODE);
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
    Files.write(file, content);
  }

  /** Deletes the folder and everything in it (the plugin may have made files read-only). */
  @Override
  public void close() throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.setPosixFilePermissions(d, DIR_MODE);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
