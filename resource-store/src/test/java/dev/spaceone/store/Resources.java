package dev.spaceone.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Resources as the AWS plugin sends them (libs/schema/resource.py): priority 1 is the ARN plus type keys. */
final class Resources {
  static final ObjectMapper JSON = new ObjectMapper();

  private Resources() {
  }

  static CollectedResource cloudService(String id) {
    return cloudService(id, "instance " + id);
  }

  static CollectedResource cloudService(String id, String name) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", name);
    doc.put("provider", "aws");
    doc.put("account", "123456789012");
    doc.put("cloud_service_group", "EC2");
    doc.put("cloud_service_type", "Instance");
    doc.put("region_code", "eu-west-1");
    doc.putObject("reference").put("resource_id", "arn:aws:ec2:eu-west-1:123456789012:instance/" + id);
    doc.putObject("data").put("instance_type", "t3.micro");
    ObjectNode rules = JSON.createObjectNode();
    rules.putArray("1").add("reference.resource_id").add("provider").add("cloud_service_type")
        .add("cloud_service_group").add("account");
    return new CollectedResource(CollectedResource.CLOUD_SERVICE, rules, doc);
  }

  static CollectedResource region(String code) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", code);
    doc.put("provider", "aws");
    doc.put("region_code", code);
    ObjectNode rules = JSON.createObjectNode();
    rules.putArray("1").add("provider").add("region_code");
    return new CollectedResource("inventory.Region", rules, doc);
  }

  static CollectedResource withRules(ObjectNode doc, String... priorities) {
    ObjectNode rules = JSON.createObjectNode();
    int p = 1;
    for (String keys : priorities) {
      ArrayNode list = rules.putArray(String.valueOf(p++));
      for (String key : keys.split(",")) {
        list.add(key);
      }
    }
    return new CollectedResource(CollectedResource.CLOUD_SERVICE, rules, doc);
  }
}
