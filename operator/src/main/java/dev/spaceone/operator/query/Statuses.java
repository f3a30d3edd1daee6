package dev.spaceone.operator.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** metav1.Status answers, in the shapes and words kube-apiserver uses. */
final class Statuses {
  static final ObjectMapper JSON = new ObjectMapper();

  private Statuses() {
  }

  /** A failure Status; {@code details} may be null. */
  static ObjectNode failure(int code, String reason, String message, ObjectNode details) {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    if (details != null) {
      s.set("details", details);
    }
    s.put("code", code);
    return s;
  }

  static ObjectNode unauthorized() {
    return failure(401, "Unauthorized", "Unauthorized", null);
  }

  /** As kube-apiserver's forbidden message: names the user, verb, resource, group and scope. */
  static ObjectNode forbidden(String user, String verb, String resource, String group, String namespace,
      String reason) {
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    StringBuilder m = new StringBuilder()
        .append(qualified).append(" is forbidden: User \"").append(user).append("\" cannot ").append(verb)
        .append(" resource \"").append(resource).append("\" in API group \"").append(group).append('"');
    if (namespace == null || namespace.isEmpty()) {
      m.append(" at the cluster scope");
    } else {
      m.append(" in the namespace \"").append(namespace).append('"');
    }
    if (reason != null && !reason.isEmpty()) {
      m.append(": ").append(reason);
    }
    ObjectNode details = JSON.createObjectNode();
    details.put("group", group);
    details.put("kind", resource);
    return failure(403, "Forbidden", m.toString(), details);
  }

  /** Forbidden for a non-resource path. */
  static ObjectNode forbiddenPath(String user, String verb, String path) {
    return failure(403, "Forbidden", "forbidden: User \"" + user + "\" cannot " + verb + " path \"" + path + "\"",
        JSON.createObjectNode());
  }

  static ObjectNode notFound() {
    return failure(404, "NotFound", "the server could not find the requested resource", JSON.createObjectNode());
  }

  static ObjectNode methodNotAllowed() {
    return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
        JSON.createObjectNode());
  }

  /** As kube-apiserver's max-in-flight filter: 429 with the seconds to wait in the details. */
  static ObjectNode tooManyRequests(String message, int retryAfterSeconds) {
    ObjectNode details = JSON.createObjectNode();
    details.put("retryAfterSeconds", retryAfterSeconds);
    return failure(429, "TooManyRequests", message, details);
  }

  static ObjectNode badRequest(String message) {
    return failure(400, "BadRequest", message, null);
  }

  static ObjectNode unsupportedMediaType(String contentType) {
    return failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
        + "media types include: application/json", null);
  }

  /** 504 Timeout, as kube-apiserver answers a request that ran past its deadline. */
  static ObjectNode timeout(String message) {
    return failure(504, "Timeout", message, null);
  }

  static ObjectNode internal(String message) {
    return failure(500, "InternalError", "Internal error occurred: " + message, null);
  }

  /**
   * 422 Invalid, as a field validation error: {@code Kind.group "name" is invalid: field: message},
   * with the field in {@code details.causes}.
   */
  static ObjectNode invalid(QueryKind kind, String name, String causeReason, String field, String message) {
    String qualifiedKind = kind.kind() + "." + QueryKind.GROUP;
    ObjectNode details = JSON.createObjectNode();
    if (name != null && !name.isEmpty()) {
      details.put("name", name);
    }
    details.put("group", QueryKind.GROUP);
    details.put("kind", kind.kind());
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", causeReason);
    cause.put("message", message);
    cause.put("field", field);
    String m = qualifiedKind + " \"" + (name == null ? "" : name) + "\" is invalid: " + field + ": " + message;
    return failure(422, "Invalid", m, details);
  }
}
