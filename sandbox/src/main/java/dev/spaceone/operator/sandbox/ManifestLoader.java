package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.crd.CustomResourceDefinitions;
import dev.spaceone.operator.query.QueryKind;
import dev.spaceone.testkit.CrdJsonSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the manifests the sandbox applies: files, or the {@code .yaml}/{@code .yml}/{@code .json} files of a folder
 * (not recursive, like {@code kubectl apply -f DIR}), one manifest per YAML document. Job and JobTask documents are
 * validated against the CRDs' schemas ({@link CrdJsonSchema}), since the sandbox's API server does not validate.
 * Every problem of every file is collected, each naming the file, the document (1-based) and the field.
 */
public final class ManifestLoader {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GROUP = Job.GROUP;

  /** One document. {@code index} is its 1-based position in the file. */
  public record Manifest(Path file, int index, JsonNode document) {
    public String apiVersion() {
      return document.path("apiVersion").asText();
    }

    public String kind() {
      return document.path("kind").asText();
    }

    public String name() {
      return document.path("metadata").path("name").asText();
    }

    public boolean isQuery() {
      return apiVersion().startsWith(QueryKind.GROUP + "/");
    }

    public boolean isJob() {
      return apiVersion().startsWith(GROUP + "/") && "Job".equals(kind());
    }

    /** "file (document N, Kind name)", as errors and progress name it. */
    public String where() {
      return file + " (document " + index + ", " + kind() + " " + name() + ")";
    }
  }

  /** The manifests that loaded, and every problem found; apply nothing when there are problems. */
  public record Loaded(List<Manifest> manifests, List<String> problems) {
  }

  private final Map<String, CrdJsonSchema> schemas;

  public ManifestLoader() {
    this.schemas = Map.of(
        "Job", CrdJsonSchema.of(CustomResourceDefinitions.of(Job.class)),
        "JobTask", CrdJsonSchema.of(CustomResourceDefinitions.of(JobTask.class)));
  }

  /** Loads and checks every path; the manifests come in the order they should be applied (see {@link #order}). */
  public Loaded load(List<Path> paths) {
    List<String> problems = new ArrayList<>();
    List<Manifest> manifests = new ArrayList<>();
    for (Path path : paths) {
      for (Path file : files(path, problems)) {
        read(file, manifests, problems);
      }
    }
    if (problems.isEmpty() && manifests.isEmpty()) {
      problems.add(String.join(", ", paths.stream().map(Path::toString).toList())
          + ": no manifests (expected .yaml, .yml or .json files with at least one document)");
    }
    List<Manifest> ordered = manifests.stream().sorted(Comparator.comparingInt(ManifestLoader::order)).toList();
    return new Loaded(ordered, problems);
  }

  /**
   * Namespaces first, then Secrets and ConfigMaps, then other objects, then Jobs and JobTasks, then queries: a Job
   * divided by a secretSelector must find its Secrets, whatever the file names' order.
   */
  static int order(Manifest m) {
    if (m.isQuery()) {
      return 5;
    }
    return switch (m.kind()) {
      case "Namespace" -> 0;
      case "Secret", "ConfigMap" -> 1;
      case "Job", "JobTask" -> m.apiVersion().startsWith(GROUP + "/") ? 3 : 2;
      default -> 2;
    };
  }

  private static List<Path> files(Path path, List<String> problems) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      problems.add(path + ": no such file or folder (paths are relative to " + Path.of("").toAbsolutePath() + ")");
      return List.of();
    }
    try (Stream<Path> list = Files.list(path)) {
      List<Path> files = list.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
      if (files.isEmpty()) {
        problems.add(path + ": the folder holds no .yaml, .yml or .json file");
      }
      return files;
    } catch (IOException e) {
      problems.add(path + ": cannot read the folder: " + e.getMessage());
      return List.of();
    }
  }

  private void read(Path file, List<Manifest> manifests, List<String> problems) {
    int index = 0;
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (true) {
        index++;
        JsonNode document;
        try {
          if (!documents.hasNextValue()) {
            break;
          }
          document = documents.nextValue();
        } catch (JsonProcessingException e) {
          problems.add(file + " (document " + index + "): does not parse as YAML" + at(e.getLocation()) + ": "
              + reason(e));
          return;
        }
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        Manifest manifest = new Manifest(file, index, document);
        List<String> found = check(manifest);
        found.forEach(problem -> problems.add(manifest.where() + ": " + tidy(problem)));
        if (found.isEmpty()) {
          manifests.add(manifest);
        }
      }
    } catch (JsonProcessingException e) {
      problems.add(file + " (document " + index + "): does not parse as YAML" + at(e.getLocation()) + ": "
          + reason(e));
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The parser's message without its source excerpts ("while parsing ...; expected ..., but got ..."). */
  private static String reason(JsonProcessingException e) {
    return String.join("; ", e.getOriginalMessage().lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("in '") && !l.equals("^") && !l.startsWith("at [Source"))
        .filter(l -> e.getOriginalMessage().lines().anyMatch(orig -> orig.equals(l)))
        .toList());
  }

  /** "field: $.path: message" (the validator repeats the path) as "field: message". */
  static String tidy(String problem) {
    return problem.replaceFirst("^(\\S+): \\$(\\.\\S*)?: ", "$1: ");
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0 ? "" : " at line " + location.getLineNr();
  }

  /** The problems of one document, each "field: message". */
  List<String> check(Manifest m) {
    JsonNode d = m.document();
    List<String> problems = new ArrayList<>();
    if (!d.isObject()) {
      return List.of("(document): a manifest is a mapping with apiVersion, kind and metadata, not a "
          + d.getNodeType().toString().toLowerCase());
    }
    if (!d.path("apiVersion").isTextual() || d.path("apiVersion").asText().isBlank()) {
      problems.add("apiVersion: required");
    }
    if (!d.path("kind").isTextual() || d.path("kind").asText().isBlank()) {
      problems.add("kind: required");
    }
    if (!d.path("metadata").path("name").isTextual() || d.path("metadata").path("name").asText().isBlank()) {
      problems.add("metadata.name: required (the sandbox creates objects by name)");
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    if (m.apiVersion().startsWith(GROUP + "/")) {
      CrdJsonSchema schema = schemas.get(m.kind());
      if (schema == null) {
        return List.of("kind: " + GROUP + " has the kinds Job and JobTask, not " + m.kind());
      }
      return schema.problems(d);
    }
    if (m.isQuery()) {
      boolean known = java.util.Arrays.stream(QueryKind.values()).anyMatch(k -> k.kind().equals(m.kind()));
      return known ? List.of() : List.of("kind: " + QueryKind.GROUP + " has the kinds Search, Stat and Analysis, not "
          + m.kind());
    }
    if ("v1".equals(m.apiVersion()) && "Secret".equals(m.kind())) {
      Iterator<Map.Entry<String, JsonNode>> data = d.path("data").fields();
      while (data.hasNext()) {
        Map.Entry<String, JsonNode> entry = data.next();
        try {
          Base64.getDecoder().decode(entry.getValue().asText());
        } catch (IllegalArgumentException e) {
          // Never the value: it is secret.
          problems.add("data." + entry.getKey() + ": not base64 (use stringData for plain text)");
        }
      }
    }
    return problems;
  }

  /** A document as JSON text. */
  static String json(JsonNode document) {
    try {
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
