package dev.spaceone.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * kube-apiserver's audit log (JSON lines, stage ResponseComplete) of the audited users' writes, and the check that
 * every write was made by the holder of the leader Lease at that moment.
 */
final class AuditLog {
  /** One audited write. {@code holder} is the Lease holder a Lease write asked for, else null. */
  record Write(String user, String verb, String resource, String subresource, String namespace, String name,
      int code, Instant received, Instant completed, String holder) {
    boolean succeeded() {
      return code >= 200 && code < 300;
    }

    @Override
    public String toString() {
      return received + " " + user + " " + verb + " " + resource + (subresource == null ? "" : "/" + subresource)
          + " " + namespace + "/" + name + " -> " + code;
    }
  }

  private AuditLog() {
  }

  static List<Write> read(Path path) {
    List<Write> writes = new ArrayList<>();
    try {
      if (!Files.exists(path)) {
        return writes;
      }
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = Serialization.jsonMapper().readTree(line);
        if (!"ResponseComplete".equals(event.path("stage").asText())) {
          continue;
        }
        JsonNode ref = event.path("objectRef");
        JsonNode holder = event.path("requestObject").path("spec").path("holderIdentity");
        writes.add(new Write(event.path("user").path("username").asText(), event.path("verb").asText(),
            ref.path("resource").asText(), ref.hasNonNull("subresource") ? ref.path("subresource").asText() : null,
            ref.path("namespace").asText(null), ref.path("name").asText(null),
            event.path("responseStatus").path("code").asInt(), Instant.parse(event.path("requestReceivedTimestamp")
                .asText()), Instant.parse(event.path("stageTimestamp").asText()),
            holder.isTextual() ? holder.asText() : null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + path, e);
    }
    return writes;
  }

  /**
   * The successful writes by {@code operators} (other than to the Lease, and other than access reviews, which
   * change nothing) received when the last successful write of the Lease {@code leaseNamespace/leaseName} before
   * them had named another holder, or none yet.
   */
  static List<Write> writesByNonLeaders(List<Write> writes, String leaseNamespace, String leaseName,
      Predicate<String> operators) {
    List<Write> leases = writes.stream()
        .filter(w -> w.succeeded() && "leases".equals(w.resource()) && leaseNamespace.equals(w.namespace())
            && leaseName.equals(w.name()) && w.holder() != null)
        .sorted(Comparator.comparing(Write::completed)).toList();
    List<Write> violations = new ArrayList<>();
    for (Write write : writes) {
      if (!write.succeeded() || !operators.test(write.user()) || "leases".equals(write.resource())
          || write.resource().endsWith("reviews")) {
        continue;
      }
      String holder = null;
      for (Write lease : leases) {
        if (lease.completed().isAfter(write.received())) {
          break;
        }
        holder = lease.holder();
      }
      if (!write.user().equals(holder)) {
        violations.add(write);
      }
    }
    return violations;
  }
}
