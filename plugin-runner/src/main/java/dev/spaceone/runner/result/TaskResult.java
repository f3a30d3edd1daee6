package dev.spaceone.runner.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.contract.ResultCount;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The counts and errors of one task, written as today's result object (SPACEONE_RESULT_FILE). Thread-safe: the
 * deadline watchdog may write the counts so far while the collecting thread still adds to them.
 */
public final class TaskResult {
  /** The termination message holds 4096 bytes. */
  public static final int MAX_BYTES = 4096;
  /** An error whose JSON is larger loses its `additional` and has its message cut, so that others fit too. */
  static final int MAX_ERROR_BYTES = 1024;
  static final int MAX_MESSAGE_CHARS = 512;
  /** Errors kept in memory; a plugin failing millions of records must not exhaust the heap. */
  static final int MAX_KEPT_ERRORS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private long created;
  private long updated;
  private long deleted;
  private long disconnected;
  private long failure;
  private long total;
  private final List<ErrorInfo> errors = new ArrayList<>();
  private long errorsNotKept;

  public synchronized void addCreated() {
    created++;
    total++;
  }

  /** What the sink counted at the end of an inventory task: resources first seen by this Job, and seen before. */
  public synchronized void addStored(long createdCount, long updatedCount) {
    created += createdCount;
    updated += updatedCount;
    total += createdCount + updatedCount;
  }

  /** A failed record: failure_count and total_count grow, and the error is kept. */
  public synchronized void addFailure(ErrorInfo error) {
    failure++;
    total++;
    keep(error);
  }

  /** A task-level error (stream broke, deadline, unreachable): one failure, no record. */
  public synchronized void addTaskFailure(ErrorInfo error) {
    failure++;
    keep(error);
  }

  private void keep(ErrorInfo error) {
    if (errors.size() < MAX_KEPT_ERRORS) {
      errors.add(error);
    } else {
      errorsNotKept++;
    }
  }

  public synchronized void addCleanup(long deletedCount, long disconnectedCount) {
    deleted += deletedCount;
    disconnected += disconnectedCount;
  }

  public synchronized long failureCount() {
    return failure;
  }

  public synchronized long createdCount() {
    return created;
  }

  public synchronized long updatedCount() {
    return updated;
  }

  public synchronized long totalCount() {
    return total;
  }

  private long count(ResultCount count) {
    return switch (count) {
      case CREATED -> created;
      case UPDATED -> updated;
      case DELETED -> deleted;
      case DISCONNECTED -> disconnected;
      case FAILURE -> failure;
      // success_count belongs to power-scheduler; inventory and cost-analysis report none.
      case SUCCESS -> 0;
      case TOTAL -> total;
    };
  }

  public synchronized List<ErrorInfo> errors() {
    return List.copyOf(errors);
  }

  /** The result object, at most {@link #MAX_BYTES} bytes of UTF-8: errors that do not fit are dropped and counted. */
  public synchronized String toJson() {
    ObjectNode head = JSON.createObjectNode();
    for (ResultCount count : ResultCount.values()) {
      head.put(count.resultKey(), count(count));
    }
    ArrayNode array = head.putArray("errors");
    long dropped = errorsNotKept;
    for (int i = 0; i < errors.size(); i++) {
      array.add(bounded(errors.get(i)));
      // Room for the errors_truncated member that may follow.
      if (bytes(head) + 40 > MAX_BYTES) {
        array.remove(array.size() - 1);
        dropped += errors.size() - i;
        break;
      }
    }
    if (dropped > 0) {
      head.put("errors_truncated", dropped);
    }
    return head.toString();
  }

  private static ObjectNode bounded(ErrorInfo error) {
    ObjectNode node = node(error.errorCode(), error.message(), error.additional());
    if (bytes(node) <= MAX_ERROR_BYTES) {
      return node;
    }
    String message = error.message() == null ? "" : error.message();
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
    return node(error.errorCode(), message, null);
  }

  private static ObjectNode node(String code, String message, ObjectNode additional) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error_code", code);
    node.put("message", message);
    if (additional != null) {
      node.set("additional", additional);
    }
    return node;
  }

  private static int bytes(ObjectNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
