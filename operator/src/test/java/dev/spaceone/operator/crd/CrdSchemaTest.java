package dev.spaceone.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.ExampleManifests;
import dev.spaceone.testkit.ExampleManifests.Manifest;
import dev.spaceone.testkit.CrdJsonSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' structural schemas, applied as JSON Schema (see {@link CrdJsonSchema}), accept every example and reject
 * each manifest under {@code src/test/resources/invalid/} at the field its comment names.
 */
class CrdSchemaTest {
  static final Path INVALID = Path.of("src/test/resources/invalid");
  static final Pattern EXPECTED_FIELD = Pattern.compile("(?m)^# Expected error at: (\\S+)$");
  static final Map<String, CrdJsonSchema> SCHEMAS = Map.of(
      "Job", CrdJsonSchema.of(CustomResourceDefinitions.of(Job.class)),
      "JobTask", CrdJsonSchema.of(CustomResourceDefinitions.of(JobTask.class)));

  static List<Manifest> examples() {
    return ExampleManifests.inGroup(Job.GROUP);
  }

  static Stream<Path> invalidManifests() throws IOException {
    return Files.list(INVALID).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @Test
  void examplesHoldAJobOfEachService() {
    List<Manifest> examples = examples();
    assertEquals(List.of("cost-analysis", "inventory", "power-scheduler"),
        examples.stream().filter(m -> m.kind().equals("Job"))
            .map(m -> m.document().path("spec").path("service").asText()).distinct().sorted().toList(),
        examples.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsValid(Manifest example) {
    CrdJsonSchema schema = SCHEMAS.get(example.kind());
    assertTrue(schema != null, "no CRD of kind " + example.kind());
    assertEquals(List.of(), schema.problems(example.document()));
  }

  @Test
  void thereAreEnoughInvalidManifests() throws IOException {
    assertTrue(invalidManifests().count() >= 14, "at least 14 invalid manifests");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void everyInvalidManifestIsRejectedAtItsField(Path file) throws IOException {
    Matcher expected = EXPECTED_FIELD.matcher(Files.readString(file));
    assertTrue(expected.find(), file + " has no '# Expected error at: FIELD' line");
    String field = expected.group(1);
    List<JsonNode> documents = ExampleManifests.read(file);
    assertEquals(1, documents.size(), file + " holds one manifest");

    List<String> problems = SCHEMAS.get(documents.get(0).path("kind").asText()).problems(documents.get(0));

    System.out.println(file.getFileName() + " -> " + problems);
    assertFalse(problems.isEmpty(), file + " was accepted");
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(field + ": ")), field + " not named in " + problems);
    assertTrue(problems.stream().allMatch(p -> p.startsWith(field)), "only " + field + " is wrong, yet " + problems);
  }

  @Test
  void apiVersionAndKindMustNameTheResource() {
    JsonNode job = examples().stream().filter(m -> m.kind().equals("Job")).findFirst().orElseThrow().document();
    ObjectNode asTask = job.deepCopy();
    asTask.put("kind", "JobTask");
    ObjectNode withoutApiVersion = job.deepCopy();
    withoutApiVersion.remove("apiVersion");

    assertEquals(List.of("kind"), fields(SCHEMAS.get("Job").problems(asTask)));
    assertEquals(List.of("apiVersion"), fields(SCHEMAS.get("Job").problems(withoutApiVersion)));
  }

  @Test
  void metadataIsOnlyCheckedToBeAnObject() {
    ObjectNode job = examples().stream().filter(m -> m.kind().equals("Job")).findFirst().orElseThrow()
        .document().deepCopy();
    ((ObjectNode) job.get("metadata")).putObject("labels").put("team", "cloud");
    ((ObjectNode) job.get("metadata")).putObject("annotations").put("argocd.argoproj.io/sync-wave", "1");
    assertEquals(List.of(), SCHEMAS.get("Job").problems(job));

    job.put("metadata", "inventory-aws");
    assertEquals(List.of("metadata"), fields(SCHEMAS.get("Job").problems(job)));
  }

  @Test
  void freeFormObjectsStayOpen() {
    ObjectNode job = examples().stream().filter(m -> m.kind().equals("Job")).findFirst().orElseThrow()
        .document().deepCopy();
    ObjectNode options = (ObjectNode) job.path("spec").path("plugin").path("options");
    options.putObject("nested").putArray("anything").add(1).add("two");
    assertEquals(List.of(), SCHEMAS.get("Job").problems(job));
  }

  @Test
  void intOrStringAndNullableFollowKubernetes() throws IOException {
    JsonNode openApi = ExampleManifests.YAML.readTree("""
        type: object
        properties:
          quantity: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
          port: {x-kubernetes-int-or-string: true}
          note: {type: string, nullable: true}
          mode: {type: string, enum: [a, b], nullable: true}
          name: {type: string}
          embedded: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
        """);
    CrdJsonSchema schema = new CrdJsonSchema(CrdJsonSchema.toJsonSchema(openApi, "example.dev/v1", "Thing"));
    String head = "{apiVersion: example.dev/v1, kind: Thing, metadata: {name: t}, ";

    assertEquals(List.of(), schema.problems(ExampleManifests.YAML.readTree(head
        + "quantity: 1, port: http, note: null, mode: null, embedded: {apiVersion: v1, kind: Pod, metadata: {}}}")));
    assertEquals(List.of(), schema.problems(ExampleManifests.YAML.readTree(head + "quantity: 500m, port: 80, mode: b}")));
    assertEquals(List.of("embedded.kind", "mode", "name", "port", "quantity", "unknown"),
        fields(schema.problems(ExampleManifests.YAML.readTree(head
            + "quantity: true, port: 1.5, name: null, mode: c, unknown: 1, embedded: {apiVersion: v1, metadata: {}}}"))));
  }

  /** The distinct fields that problems name. */
  private static List<String> fields(List<String> problems) {
    return problems.stream().map(p -> p.substring(0, p.indexOf(": "))).distinct().sorted().toList();
  }
}
