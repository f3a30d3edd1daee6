package dev.spaceone.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** SPACEONE_RESULT_FILE, written once: by the run, or by the deadline watchdog if the run overstays. */
public final class ResultFile {
  private final Path path;
  private final AtomicBoolean written = new AtomicBoolean();

  public ResultFile(Path path) {
    this.path = path;
  }

  /** Writes {@code json} unless a result was written already; returns whether this call wrote it. */
  public boolean write(String json) {
    if (!written.compareAndSet(false, true)) {
      return false;
    }
    try {
      Files.writeString(path, json + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      Log.info("cannot write the result to " + path + ": " + e.getMessage());
    }
    return true;
  }
}
