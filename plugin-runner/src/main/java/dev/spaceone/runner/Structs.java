package dev.spaceone.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.io.UncheckedIOException;

/** JSON <-> google.protobuf.Struct, with SpaceONE's field names (MessageToDict(preserving_proto_field_name)). */
public final class Structs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private Structs() {
  }

  public static Struct struct(ObjectNode json) {
    Struct.Builder builder = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    return builder.build();
  }

  /**
   * A Struct as a JSON tree without a detour through text (numbers are doubles, as MessageToDict gives them);
   * for the resource store, which handles many of them.
   */
  public static ObjectNode tree(Struct struct) {
    ObjectNode node = JSON.createObjectNode();
    struct.getFieldsMap().forEach((key, value) -> node.set(key, tree(value)));
    return node;
  }

  private static JsonNode tree(com.google.protobuf.Value value) {
    return switch (value.getKindCase()) {
      case NUMBER_VALUE -> JSON.getNodeFactory().numberNode(value.getNumberValue());
      case STRING_VALUE -> JSON.getNodeFactory().textNode(value.getStringValue());
      case BOOL_VALUE -> JSON.getNodeFactory().booleanNode(value.getBoolValue());
      case STRUCT_VALUE -> tree(value.getStructValue());
      case LIST_VALUE -> {
        com.fasterxml.jackson.databind.node.ArrayNode array = JSON.createArrayNode();
        value.getListValue().getValuesList().forEach(v -> array.add(tree(v)));
        yield array;
      }
      case NULL_VALUE, KIND_NOT_SET -> JSON.getNodeFactory().nullNode();
    };
  }

  /** A message as SpaceONE's MessageToDict gives it (default values left out). */
  public static ObjectNode json(MessageOrBuilder message) {
    try {
      JsonNode node = JSON.readTree(PRINTER.print(message));
      return (ObjectNode) node;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
