package dev.spaceone.runner;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * SpaceONE's secret_data from the mounted Secret: one string member per file, as SpaceONE sends a secret's flat
 * {@code data} dict. Kubernetes' own entries of a Secret volume (..data, ..2024_...) are skipped. Its content is
 * never logged or reported: only the request to the plugin carries it.
 */
public final class SecretData {
  private SecretData() {
  }

  public static Struct read(Path dir) throws IOException {
    Struct.Builder data = Struct.newBuilder();
    if (dir == null) {
      return data.build();
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
    }
    for (Path file : files) {
      if (Files.isRegularFile(file)) {
        data.putFields(file.getFileName().toString(),
            Value.newBuilder().setStringValue(Files.readString(file, StandardCharsets.UTF_8)).build());
      }
    }
    return data.build();
  }
}
