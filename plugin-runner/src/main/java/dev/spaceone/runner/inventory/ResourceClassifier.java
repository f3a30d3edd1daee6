package dev.spaceone.runner.inventory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.result.ErrorInfo;
import java.util.Set;

/**
 * What SpaceONE's inventory service makes of one streamed {@code ResourceInfo}, before any database lookup
 * (spaceone-inventory 2.0.dev247 {@code CollectingManager._upsert_collecting_resources} and
 * {@code _upsert_resource}, in that order):
 * <ol>
 *   <li>{@code inventory.Namespace} / {@code inventory.Metric}: stored, never counted;</li>
 *   <li>a type outside RESOURCE_MAP (CloudService, CloudServiceType, Region, ErrorResource): failure
 *       {@code ERROR_UNKNOWN}, even when the state is FAILURE (the type is looked up first);</li>
 *   <li>state FAILURE: failure {@code ERROR_PLUGIN} with the plugin's message (else "Unknown error.") and the
 *       resource (plus domain_id and workspace_id) as {@code additional};</li>
 *   <li>empty {@code match_rules}: failure {@code ERROR_MATCH_RULE};</li>
 *   <li>{@code inventory.ErrorResource} that is not a FAILURE: failure (SpaceONE cannot match it);</li>
 *   <li>CloudServiceType / Region: stored, not counted; CloudService: stored and counted (created or updated,
 *       which the sink decides).</li>
 * </ol>
 * Failures count in failure_count and total_count; counted resources in created/updated and total_count.
 */
public final class ResourceClassifier {
  static final String CLOUD_SERVICE = "inventory.CloudService";
  static final String ERROR_RESOURCE = "inventory.ErrorResource";
  private static final Set<String> NAMESPACE_AND_METRIC = Set.of("inventory.Namespace", "inventory.Metric");
  private static final Set<String> RESOURCE_MAP =
      Set.of(CLOUD_SERVICE, "inventory.CloudServiceType", "inventory.Region", ERROR_RESOURCE);

  private final String domainId;
  private final String workspaceId;

  public ResourceClassifier(String domainId, String workspaceId) {
    this.domainId = domainId;
    this.workspaceId = workspaceId;
  }

  public sealed interface Outcome permits Store, Failure {
  }

  /** Goes to the sink; {@code counted}: created/updated count it. */
  public record Store(boolean counted) implements Outcome {
  }

  public record Failure(ErrorInfo error) implements Outcome {
  }

  public Outcome classify(ResourceInfo info) {
    String type = info.getResourceType();
    if (NAMESPACE_AND_METRIC.contains(type)) {
      return new Store(false);
    }
    if (!RESOURCE_MAP.contains(type)) {
      return new Failure(new ErrorInfo(ErrorCodes.UNKNOWN,
          "failed to upsert " + type + ": collector can not find resource_type: " + type, typeOnly(type)));
    }
    if (info.getState() == ResourceInfo.State.FAILURE) {
      String message = info.getMessage().isEmpty() ? "Unknown error." : info.getMessage();
      ObjectNode additional = Structs.json(info.getResource());
      additional.put("domain_id", domainId);
      additional.put("workspace_id", workspaceId);
      return new Failure(new ErrorInfo(ErrorCodes.PLUGIN, message, additional));
    }
    if (info.getMatchRules().getFieldsCount() == 0) {
      return new Failure(new ErrorInfo(ErrorCodes.MATCH_RULE, "Match rule is not defined.", typeOnly(type)));
    }
    if (ERROR_RESOURCE.equals(type)) {
      return new Failure(new ErrorInfo(ErrorCodes.UNKNOWN,
          "Failed to match resource: " + ERROR_RESOURCE + " is only a failure report", typeOnly(type)));
    }
    return new Store(CLOUD_SERVICE.equals(type));
  }

  private static ObjectNode typeOnly(String type) {
    ObjectNode additional = JsonNodeFactory.instance.objectNode();
    additional.put("resource_type", type);
    return additional;
  }
}
