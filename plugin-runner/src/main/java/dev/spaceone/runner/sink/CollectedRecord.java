package dev.spaceone.runner.sink;

import com.google.protobuf.Message;

/**
 * One record the plugin streamed that SpaceONE would store: an inventory {@code ResourceInfo} (a cloud service,
 * cloud service type, region, namespace or metric, never a failure) or a cost-analysis {@code CostInfo} row.
 *
 * @param resourceType SpaceONE's type: {@code inventory.CloudService}, ..., or {@code cost_analysis.Cost}
 * @param counted whether SpaceONE counts it as created/updated (cloud services and cost rows; not cloud service
 *     types, regions, namespaces or metrics)
 * @param message the message as received ({@code ResourceInfo} or {@code CostInfo})
 */
public record CollectedRecord(String resourceType, boolean counted, Message message) {
  public static final String COST = "cost_analysis.Cost";
}
