package dev.spaceone.runner;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.spaceone.runner.api.inventory.ResourceInfo;

/** ResourceInfo messages as plugins stream them. */
final class Resources {
  private Resources() {
  }

  static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  static Struct matchRules(String... keys) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String key : keys) {
      list.addValues(text(key));
    }
    return Struct.newBuilder().putFields("1", Value.newBuilder().setListValue(list).build()).build();
  }

  static ResourceInfo cloudService(String id) {
    return ResourceInfo.newBuilder().setState(ResourceInfo.State.SUCCESS).setResourceType("inventory.CloudService")
        .setMatchRules(matchRules("reference.resource_id", "provider"))
        .setResource(Struct.newBuilder().putFields("provider", text("example")).putFields("reference",
            Value.newBuilder().setStructValue(Struct.newBuilder().putFields("resource_id", text(id))).build()))
        .build();
  }

  static ResourceInfo of(String type) {
    return ResourceInfo.newBuilder().setState(ResourceInfo.State.SUCCESS).setResourceType(type)
        .setMatchRules(matchRules("name")).setResource(Struct.newBuilder().putFields("name", text(type))).build();
  }

  static ResourceInfo failure(String message) {
    return ResourceInfo.newBuilder().setState(ResourceInfo.State.FAILURE).setResourceType("inventory.ErrorResource")
        .setMessage(message)
        .setResource(Struct.newBuilder().putFields("resource_id", text("broken-1"))).build();
  }
}
