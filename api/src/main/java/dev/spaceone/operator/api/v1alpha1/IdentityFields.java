package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/**
 * SpaceONE identity of a Job, copied to each of its tasks: usable as labels, field selectors and query filters.
 */
public abstract class IdentityFields {
  @JsonPropertyDescription("SpaceONE collector id.")
  @Size(max = 63)
  private String collectorId;

  @JsonPropertyDescription("SpaceONE data source id (cost-analysis).")
  @Size(max = 63)
  private String dataSourceId;

  @JsonPropertyDescription("Scope of the collector: DOMAIN or WORKSPACE.")
  private ResourceGroup resourceGroup;

  @JsonPropertyDescription("SpaceONE domain id.")
  @Size(max = 63)
  private String domainId;

  @JsonPropertyDescription("SpaceONE workspace id; required when resourceGroup is WORKSPACE.")
  @Size(max = 63)
  private String workspaceId;

  @JsonPropertyDescription("SpaceONE project id.")
  @Size(max = 63)
  private String projectId;

  @JsonPropertyDescription("Id of the secret the request was made with, informational.")
  @Size(max = 63)
  private String requestSecretId;

  @JsonPropertyDescription("Workspace the request was made from, informational.")
  @Size(max = 63)
  private String requestWorkspaceId;

  /** Copies every identity field from another holder. */
  public void copyIdentityFrom(IdentityFields other) {
    collectorId = other.collectorId;
    dataSourceId = other.dataSourceId;
    resourceGroup = other.resourceGroup;
    domainId = other.domainId;
    workspaceId = other.workspaceId;
    projectId = other.projectId;
    requestSecretId = other.requestSecretId;
    requestWorkspaceId = other.requestWorkspaceId;
  }

  public String getCollectorId() {
    return collectorId;
  }

  public void setCollectorId(String collectorId) {
    this.collectorId = collectorId;
  }

  public String getDataSourceId() {
    return dataSourceId;
  }

  public void setDataSourceId(String dataSourceId) {
    this.dataSourceId = dataSourceId;
  }

  public ResourceGroup getResourceGroup() {
    return resourceGroup;
  }

  public void setResourceGroup(ResourceGroup resourceGroup) {
    this.resourceGroup = resourceGroup;
  }

  public String getDomainId() {
    return domainId;
  }

  public void setDomainId(String domainId) {
    this.domainId = domainId;
  }

  public String getWorkspaceId() {
    return workspaceId;
  }

  public void setWorkspaceId(String workspaceId) {
    this.workspaceId = workspaceId;
  }

  public String getProjectId() {
    return projectId;
  }

  public void setProjectId(String projectId) {
    this.projectId = projectId;
  }

  public String getRequestSecretId() {
    return requestSecretId;
  }

  public void setRequestSecretId(String requestSecretId) {
    this.requestSecretId = requestSecretId;
  }

  public String getRequestWorkspaceId() {
    return requestWorkspaceId;
  }

  public void setRequestWorkspaceId(String requestWorkspaceId) {
    this.requestWorkspaceId = requestWorkspaceId;
  }
}
