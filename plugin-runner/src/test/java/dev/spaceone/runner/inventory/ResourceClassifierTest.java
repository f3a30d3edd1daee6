package dev.spaceone.runner.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.Struct;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.inventory.ResourceClassifier.Failure;
import dev.spaceone.runner.inventory.ResourceClassifier.Store;
import org.junit.jupiter.api.Test;

/** SpaceONE's per-record rules, in the order CollectingManager applies them. */
class ResourceClassifierTest {
  private final ResourceClassifier classifier = new ResourceClassifier("domain-1", "ws-1");

  private static ResourceInfo.Builder record(String type) {
    return ResourceInfo.newBuilder().setState(ResourceInfo.State.SUCCESS).setResourceType(type)
        .setMatchRules(Struct.newBuilder().putFields("1", com.google.protobuf.Value.newBuilder()
            .setStringValue("name").build()));
  }

  @Test
  void cloudServicesCountTypesRegionsNamespacesAndMetricsDoNot() {
    assertEquals(new Store(true), classifier.classify(record("inventory.CloudService").build()));
    assertEquals(new Store(false), classifier.classify(record("inventory.CloudServiceType").build()));
    assertEquals(new Store(false), classifier.classify(record("inventory.Region").build()));
    assertEquals(new Store(false), classifier.classify(record("inventory.Namespace").clearMatchRules().build()));
    assertEquals(new Store(false), classifier.classify(record("inventory.Metric").build()));
  }

  @Test
  void anUnknownTypeFailsBeforeItsStateIsLookedAt() {
    Failure failure = assertInstanceOf(Failure.class, classifier.classify(
        record("inventory.Server").setState(ResourceInfo.State.FAILURE).setMessage("x").build()));
    assertEquals("ERROR_UNKNOWN", failure.error().errorCode());
    assertEquals("failed to upsert inventory.Server: collector can not find resource_type: inventory.Server",
        failure.error().message());
  }

  @Test
  void aFailureStateIsErrorPluginWithTheResourceAsAdditional() {
    Failure failure = assertInstanceOf(Failure.class, classifier.classify(record("inventory.ErrorResource")
        .setState(ResourceInfo.State.FAILURE).clearMatchRules().build()));
    assertEquals("ERROR_PLUGIN", failure.error().errorCode());
    assertEquals("Unknown error.", failure.error().message(), "SpaceONE's text when the plugin gives none");
    assertEquals("domain-1", failure.error().additional().get("domain_id").asText());
    assertEquals("ws-1", failure.error().additional().get("workspace_id").asText());
  }

  @Test
  void noMatchRulesIsErrorMatchRule() {
    Failure failure = assertInstanceOf(Failure.class,
        classifier.classify(record("inventory.Region").clearMatchRules().build()));
    assertEquals("ERROR_MATCH_RULE", failure.error().errorCode());
    assertEquals("inventory.Region", failure.error().additional().get("resource_type").asText());
  }

  @Test
  void anErrorResourceThatIsNoFailureCannotBeStored() {
    assertInstanceOf(Failure.class, classifier.classify(record("inventory.ErrorResource").build()));
  }
}
