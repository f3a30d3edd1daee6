package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A service account whose cost data a cost-analysis Job synced. */
public class SyncedAccount {
  @JsonPropertyDescription("The SpaceONE service account id.")
  private String accountId;

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }
}
