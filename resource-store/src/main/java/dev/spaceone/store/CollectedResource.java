package dev.spaceone.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource a plugin streamed (a ResourceInfo that is not a failure): its {@code resource_type}
 * ({@code inventory.CloudService}, {@code inventory.CloudServiceType} or {@code inventory.Region}), its
 * {@code match_rules} and the {@code resource} document.
 */
public record CollectedResource(String resourceType, JsonNode matchRules, JsonNode resource) {
  public static final String CLOUD_SERVICE = "inventory.CloudService";
}
