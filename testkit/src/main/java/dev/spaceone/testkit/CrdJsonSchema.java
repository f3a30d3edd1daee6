package dev.spaceone.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CRD version's {@code openAPIV3Schema} as the JSON Schema (draft 4, whose boolean {@code exclusiveMinimum}
 * OpenAPI 3.0 shares) that an API server applies to a manifest {@code kubectl apply}s with its default strict field
 * validation:
 * <ul>
 *   <li>an object that declares {@code properties} is closed ({@code additionalProperties: false}) unless it has
 *       {@code x-kubernetes-preserve-unknown-fields}: the server reports unknown fields;</li>
 *   <li>{@code x-kubernetes-int-or-string} is an integer or a string; {@code nullable} also admits null;</li>
 *   <li>the root, and any {@code x-kubernetes-embedded-resource}, must carry {@code apiVersion} and {@code kind}
 *       (the root: exactly the CRD's) and an object {@code metadata}, which is checked no further here (the server
 *       validates ObjectMeta itself);</li>
 *   <li>CEL rules ({@code x-kubernetes-validations}) are not JSON Schema and are left out: {@code CelRulesTest}
 *       evaluates them. So are {@code format}s, which these CRDs do not use.</li>
 * </ul>
 * The sandbox validates the Job and JobTask manifests it applies with it (its API server, the fabric8 mock, does
 * not validate); {@code CrdSchemaTest} checks the examples with it.
 */
public final class CrdJsonSchema {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  private final JsonSchema schema;

  public CrdJsonSchema(JsonNode jsonSchema) {
    this.schema = FACTORY.getSchema(jsonSchema);
  }

  /** The schema of the CRD's only (served) version. */
  public static CrdJsonSchema of(CustomResourceDefinition crd) {
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    JsonNode openApi = Serialization.jsonMapper().valueToTree(version.getSchema().getOpenAPIV3Schema());
    return new CrdJsonSchema(toJsonSchema(openApi,
        crd.getSpec().getGroup() + "/" + version.getName(), crd.getSpec().getNames().getKind()));
  }

  /** The JSON Schema of a resource whose root schema is {@code openApi}. */
  public static ObjectNode toJsonSchema(JsonNode openApi, String apiVersion, String kind) {
    ObjectNode root = convert(openApi);
    requireTypeMeta(root, MAPPER.createObjectNode().set("enum", MAPPER.createArrayNode().add(apiVersion)),
        MAPPER.createObjectNode().set("enum", MAPPER.createArrayNode().add(kind)));
    return root;
  }

  /**
   * The problems of a manifest, each as "field: message", where field is the path of the offending field
   * (for a missing or unknown property, the property itself), e.g. {@code spec.plugin.image: ...}.
   */
  public List<String> problems(JsonNode manifest) {
    Set<ValidationMessage> messages = schema.validate(manifest);
    return messages.stream().map(CrdJsonSchema::describe).sorted().toList();
  }

  private static String describe(ValidationMessage message) {
    String field = message.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
    if (message.getProperty() != null && List.of("required", "additionalProperties").contains(message.getType())) {
      field = field.isEmpty() ? message.getProperty() : field + "." + message.getProperty();
    }
    return field + ": " + message.getMessage();
  }

  private static ObjectNode convert(JsonNode in) {
    ObjectNode out = MAPPER.createObjectNode();
    for (Map.Entry<String, JsonNode> member : in.properties()) {
      String key = member.getKey();
      JsonNode value = member.getValue();
      switch (key) {
        case "properties" -> {
          ObjectNode properties = out.putObject("properties");
          value.properties().forEach(p -> properties.set(p.getKey(), convert(p.getValue())));
        }
        case "items", "not" -> out.set(key, convert(value));
        case "additionalProperties" -> out.set(key, value.isObject() ? convert(value) : value);
        case "anyOf", "allOf", "oneOf" -> {
          ArrayNode schemas = out.putArray(key);
          value.forEach(s -> schemas.add(convert(s)));
        }
        case "description", "default", "example", "format", "nullable", "x-kubernetes-validations",
            "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource",
            "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type" -> {
          // not JSON Schema; the ones that change validation are applied below
        }
        default -> out.set(key, value);
      }
    }
    if (in.path("x-kubernetes-int-or-string").asBoolean()) {
      out.remove("type");
      if (!out.has("anyOf")) {
        out.putArray("anyOf").add(type("integer")).add(type("string"));
      }
    }
    if (in.path("x-kubernetes-embedded-resource").asBoolean()) {
      requireTypeMeta(out, type("string"), type("string"));
    }
    boolean open = in.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    if (out.has("properties") && !open && !out.has("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    if (in.path("nullable").asBoolean()) {
      admitNull(out);
    }
    return out;
  }

  /** Adds apiVersion, kind and a lenient metadata to an object schema, all three required. */
  private static void requireTypeMeta(ObjectNode object, JsonNode apiVersion, JsonNode kind) {
    ObjectNode properties = object.has("properties") ? (ObjectNode) object.get("properties")
        : object.putObject("properties");
    properties.set("apiVersion", apiVersion);
    properties.set("kind", kind);
    properties.set("metadata", type("object"));
    ArrayNode required = object.has("required") ? (ArrayNode) object.get("required") : object.putArray("required");
    List.of("apiVersion", "kind", "metadata").forEach(required::add);
  }

  private static void admitNull(ObjectNode schema) {
    if (schema.has("type")) {
      schema.set("type", MAPPER.createArrayNode().add(schema.get("type")).add("null"));
    } else if (schema.has("anyOf")) {
      ((ArrayNode) schema.get("anyOf")).add(type("null"));
    }
    if (schema.has("enum")) {
      ((ArrayNode) schema.get("enum")).addNull();
    }
  }

  private static ObjectNode type(String type) {
    return MAPPER.createObjectNode().put("type", type);
  }
}
