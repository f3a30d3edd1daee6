package dev.spaceone.operator.testing;

import dev.spaceone.testkit.MockCluster;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request to the API server as RBAC sees it: API group, resource (with subresource), verb, and the
 * namespace it was made in (empty for cluster-wide requests).
 */
public record ApiCall(String apiGroup, String resource, String verb, String namespace) implements Comparable<ApiCall> {
  // /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{sub}]] and /apis/{group}/{version}[/namespaces/{ns}]/...
  private static final Pattern PATH = Pattern.compile(
      "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<ns>[^/]+))?/(?<resource>[^/]+)"
          + "(?:/(?<name>[^/]+)(?:/(?<sub>[^/]+))?)?$");

  /** The call a request makes, or empty for discovery and other non-resource paths. */
  public static Optional<ApiCall> of(MockCluster.Request request) {
    String[] pathAndQuery = request.path().split("\\?", 2);
    String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
    Matcher m = PATH.matcher(pathAndQuery[0]);
    if (!m.matches()) {
      return Optional.empty();
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource");
    String name = m.group("name");
    // "/api/v1/namespaces/x" names the namespace itself.
    if (resource.equals("namespaces") && m.group("ns") == null && name != null && m.group("sub") != null) {
      return Optional.empty();
    }
    String fullResource = m.group("sub") == null ? resource : resource + "/" + m.group("sub");
    String verb = switch (request.method()) {
      case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name != null ? "delete" : "deletecollection";
      default -> request.method().toLowerCase();
    };
    return Optional.of(new ApiCall(group, fullResource, verb, m.group("ns") == null ? "" : m.group("ns")));
  }

  @Override
  public int compareTo(ApiCall o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb
        + (namespace.isEmpty() ? "" : " in " + namespace);
  }
}
