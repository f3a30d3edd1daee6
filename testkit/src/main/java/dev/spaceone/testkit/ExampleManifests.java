package dev.spaceone.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The manifests under the repository's {@code examples/}, one per YAML document. */
public final class ExampleManifests {
  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  public static final Path EXAMPLES = REPO.resolve("examples");
  public static final YAMLMapper YAML = new YAMLMapper();

  /** One YAML document of an example file; {@code index} counts from 0 within the file. */
  public record Manifest(Path file, int index, JsonNode document) {
    public String apiVersion() {
      return document.path("apiVersion").asText();
    }

    public String kind() {
      return document.path("kind").asText();
    }

    @Override
    public String toString() {
      return EXAMPLES.relativize(file) + "#" + index + " " + kind() + "/" + document.path("metadata").path("name").asText();
    }
  }

  private ExampleManifests() {
  }

  /** Every YAML file under examples/, sorted. */
  public static List<Path> files() {
    try (Stream<Path> walk = Files.walk(EXAMPLES)) {
      return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of every example file. */
  public static List<Manifest> all() {
    List<Manifest> manifests = new ArrayList<>();
    for (Path file : files()) {
      List<JsonNode> documents = read(file);
      for (int i = 0; i < documents.size(); i++) {
        manifests.add(new Manifest(file, i, documents.get(i)));
      }
    }
    return manifests;
  }

  /** The documents whose apiVersion is in group {@code group}, e.g. "spaceone.dev". */
  public static List<Manifest> inGroup(String group) {
    return all().stream().filter(m -> m.apiVersion().startsWith(group + "/")).toList();
  }

  /** The non-empty YAML documents of a file. */
  public static List<JsonNode> read(Path file) {
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      return documents.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
