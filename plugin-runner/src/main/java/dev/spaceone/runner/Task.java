package dev.spaceone.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parts of task.json the runner uses (the operator writes it; CONTRACT.md section 3 and
 * PLUGIN-RUNNER-CONTRACT.md). Secret data is never here: it comes from the Secret directory.
 */
public record Task(String service, String jobId, String jobTaskId, ObjectNode options, ObjectNode taskOptions,
    String sink, String domainId, String workspaceId, String start, String lastSynchronizedAt, Identity identity,
    String secretType) {

  /** Who collects, for the resource store: task.json's identity fields ("" when absent). */
  public record Identity(String namespace, String jobUid, String collectorId, String secretId,
      String serviceAccountId, String provider) {
  }

  public static final String INVENTORY = "inventory";
  public static final String COST_ANALYSIS = "cost-analysis";
  /** SpaceONE's secret_type when task.json has none: our Jobs name their Secret explicitly. */
  public static final String MANUAL_SECRET = "MANUAL";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Task read(Path file) throws InvalidTaskException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new InvalidTaskException("cannot read task file " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidTaskException("task file " + file + " does not hold a JSON object");
    }
    String service = text(root, "service");
    if (!INVENTORY.equals(service) && !COST_ANALYSIS.equals(service)) {
      throw new InvalidTaskException("task.json service must be inventory or cost-analysis for a grpc plugin, not '"
          + service + "'");
    }
    String sink = text(root, "sink").isEmpty() ? "none" : text(root, "sink");
    return new Task(service, text(root, "job_id"), text(root, "job_task_id"), object(root, "options"),
        object(root, "task_options"), sink, domainId(root), text(root, "workspace_id"), text(root, "start"),
        text(root, "last_synchronized_at"), new Identity(text(root, "namespace"), text(root, "job_uid"),
            text(root, "collector_id"), text(root, "secret_id"), text(root, "service_account_id"),
            text(root, "provider")),
        text(root, "secret_type").isEmpty() ? MANUAL_SECRET : text(root, "secret_type"));
  }

  /**
   * SpaceONE's domain_id: the cost plugin SDK rejects an empty one, so a task without it uses its namespace (our
   * tenancy unit), else "default".
   */
  private static String domainId(JsonNode root) {
    for (String field : new String[] {"domain_id", "namespace"}) {
      if (!text(root, field).isEmpty()) {
        return text(root, field);
      }
    }
    return "default";
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? "" : node.asText();
  }

  private static ObjectNode object(JsonNode root, String field) throws InvalidTaskException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return JSON.createObjectNode();
    }
    if (!node.isObject()) {
      throw new InvalidTaskException("task.json " + field + " must be an object");
    }
    return (ObjectNode) node;
  }

  /** task.json cannot be used. */
  public static final class InvalidTaskException extends Exception {
    public InvalidTaskException(String message) {
      super(message);
    }
  }
}
