package dev.spaceone.operator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes the Swagger 2.0 document of {@link Discovery#openApiV2()} as the protobuf message
 * {@code openapi.v2.Document} (google/gnostic OpenAPIv2.proto), which is the only form in which
 * kubectl reads {@code /openapi/v2}. Covers the subset that document uses: info, paths with
 * post operations (path, query and body parameters, responses), definitions with type, format,
 * description, required, enum, items, properties, {@code $ref} and {@code x-} extensions.
 */
final class OpenApiV2Protobuf {
  private OpenApiV2Protobuf() {
  }

  static byte[] encode(JsonNode doc) {
    Message m = new Message();
    m.string(1, doc.path("swagger").asText());
    Message info = new Message();
    info.string(1, doc.path("info").path("title").asText());
    info.string(2, doc.path("info").path("version").asText());
    m.message(2, info);
    Message paths = new Message();
    for (Map.Entry<String, JsonNode> e : fields(doc.path("paths"))) {
      Message named = new Message();
      named.string(1, e.getKey());
      named.message(2, pathItem(e.getValue()));
      paths.message(2, named);
    }
    m.message(8, paths);
    Message definitions = new Message();
    for (Map.Entry<String, JsonNode> e : fields(doc.path("definitions"))) {
      definitions.message(1, namedSchema(e.getKey(), e.getValue()));
    }
    m.message(9, definitions);
    return m.bytes();
  }

  private static Message pathItem(JsonNode item) {
    Message m = new Message();
    if (item.has("post")) {
      m.message(4, operation(item.get("post")));
    }
    for (JsonNode p : item.path("parameters")) {
      m.message(9, parametersItem(p));
    }
    return m;
  }

  private static Message operation(JsonNode op) {
    Message m = new Message();
    op.path("tags").forEach(t -> m.string(1, t.asText()));
    m.string(3, op.path("description").asText(""));
    m.string(5, op.path("operationId").asText(""));
    op.path("produces").forEach(t -> m.string(6, t.asText()));
    op.path("consumes").forEach(t -> m.string(7, t.asText()));
    for (JsonNode p : op.path("parameters")) {
      m.message(8, parametersItem(p));
    }
    Message responses = new Message();
    for (Map.Entry<String, JsonNode> e : fields(op.path("responses"))) {
      Message response = new Message();
      response.string(1, e.getValue().path("description").asText(""));
      if (e.getValue().has("schema")) {
        response.message(2, new Message().message(1, schema(e.getValue().get("schema"))));
      }
      Message named = new Message();
      named.string(1, e.getKey());
      named.message(2, new Message().message(1, response));
      responses.message(1, named);
    }
    m.message(9, responses);
    extensions(op, m, 13);
    return m;
  }

  private static Message parametersItem(JsonNode p) {
    Message parameter = new Message();
    String in = p.path("in").asText();
    if (in.equals("body")) {
      Message body = new Message();
      body.string(1, p.path("description").asText(""));
      body.string(2, p.path("name").asText());
      body.string(3, in);
      body.bool(4, p.path("required").asBoolean(false));
      body.message(5, schema(p.path("schema")));
      parameter.message(1, body);
    } else {
      Message sub = new Message();
      sub.bool(1, p.path("required").asBoolean(false));
      sub.string(2, in);
      sub.string(3, p.path("description").asText(""));
      sub.string(4, p.path("name").asText());
      // QueryParameterSubSchema has allow_empty_value at 5 and type at 6; PathParameterSubSchema has type at 5.
      sub.string(in.equals("query") ? 6 : 5, p.path("type").asText());
      parameter.message(2, new Message().message(in.equals("query") ? 3 : 4, sub));
    }
    return new Message().message(1, parameter);
  }

  private static Message namedSchema(String name, JsonNode schema) {
    Message named = new Message();
    named.string(1, name);
    named.message(2, schema(schema));
    return named;
  }

  private static Message schema(JsonNode s) {
    Message m = new Message();
    m.string(1, s.path("$ref").asText(""));
    m.string(2, s.path("format").asText(""));
    m.string(4, s.path("description").asText(""));
    s.path("required").forEach(r -> m.string(19, r.asText()));
    s.path("enum").forEach(v -> m.message(20, any(v)));
    if (s.has("type")) {
      m.message(22, new Message().string(1, s.get("type").asText()));
    }
    if (s.has("items")) {
      m.message(23, new Message().message(1, schema(s.get("items"))));
    }
    if (s.has("properties")) {
      Message properties = new Message();
      for (Map.Entry<String, JsonNode> e : fields(s.get("properties"))) {
        properties.message(1, namedSchema(e.getKey(), e.getValue()));
      }
      m.message(25, properties);
    }
    extensions(s, m, 31);
    return m;
  }

  private static void extensions(JsonNode node, Message m, int field) {
    for (Map.Entry<String, JsonNode> e : fields(node)) {
      if (e.getKey().startsWith("x-")) {
        Message named = new Message();
        named.string(1, e.getKey());
        named.message(2, any(e.getValue()));
        m.message(field, named);
      }
    }
  }

  /** openapi.v2.Any: the value as YAML (field 2); JSON is YAML. */
  private static Message any(JsonNode value) {
    return new Message().string(2, value.toString());
  }

  private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    return node::fields;
  }

  /** A protobuf message being written: fields in call order. */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message string(int field, String value) {
      if (value != null && !value.isEmpty()) {
        bytes(field, value.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }

    Message bool(int field, boolean value) {
      if (value) {
        varint((field << 3) | 0);
        varint(1);
      }
      return this;
    }

    Message message(int field, Message value) {
      bytes(field, value.bytes());
      return this;
    }

    private void bytes(int field, byte[] value) {
      varint((field << 3) | 2);
      varint(value.length);
      out.writeBytes(value);
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
