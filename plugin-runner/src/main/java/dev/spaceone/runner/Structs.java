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
