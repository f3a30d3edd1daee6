package dev.spaceone.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the resources a grpc plugin collected go (the counts are in the status whatever the sink). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'postgres' ? has(self.secretRef) : !has(self.secretRef)",
    message = "secretRef is required when type is postgres, and only then", fieldPath = ".secretRef")
public class SinkSpec {
  @JsonPropertyDescription("none: counted and dropped; log: one JSON line per resource in the task pod's log; "
      + "postgres: stored in PostgreSQL, which makes created, updated, disconnected and deleted counts exact "
      + "(inventory Jobs only).")
  @Required
  private SinkType type;

  @JsonPropertyDescription("Secret with the PostgreSQL connection (keys host, port, database, user, password, "
      + "sslmode, sslrootcert), mounted read-only at /etc/spaceone/sink/. Required for postgres.")
  private SecretReference secretRef;

  public SinkType getType() {
    return type;
  }

  public void setType(SinkType type) {
    this.type = type;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
