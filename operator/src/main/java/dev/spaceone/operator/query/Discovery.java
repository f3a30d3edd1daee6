package dev.spaceone.operator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The discovery and OpenAPI documents of {@code query.spaceone.dev/v1alpha1}, built once. */
final class Discovery {
  static final String OPENAPI_V3_GROUP_PATH = "/openapi/v3/apis/" + QueryKind.API_VERSION;

  private Discovery() {
  }

  /** {@code /api}: this server serves no legacy (core) group. */
  static ObjectNode apiVersions() {
    ObjectNode n = StatusResponses.JSON.createObjectNode();
    n.put("kind", "APIVersions");
    n.putArray("versions");
    n.putArray("serverAddressByClientCIDRs");
    return n;
  }

  static ObjectNode apiGroupList() {
    ObjectNode n = StatusResponses.JSON.createObjectNode();
    n.put("kind", "APIGroupList");
    n.put("apiVersion", "v1");
    n.putArray("groups").add(groupBody());
    return n;
  }

  static ObjectNode apiGroup() {
    ObjectNode n = StatusResponses.JSON.createObjectNode();
    n.put("kind", "APIGroup");
    n.put("apiVersion", "v1");
    n.setAll(groupBody());
    return n;
  }

  private static ObjectNode groupBody() {
    ObjectNode g = StatusResponses.JSON.createObjectNode();
    g.put("name", QueryKind.GROUP);
    ObjectNode version = StatusResponses.JSON.createObjectNode();
    version.put("groupVersion", QueryKind.API_VERSION);
    version.put("version", QueryKind.VERSION);
    g.putArray("versions").add(version);
    g.set("preferredVersion", version.deepCopy());
    return g;
  }

  static ObjectNode apiResourceList() {
    ObjectNode n = StatusResponses.JSON.createObjectNode();
    n.put("kind", "APIResourceList");
    n.put("apiVersion", "v1");
    n.put("groupVersion", QueryKind.API_VERSION);
    ArrayNode resources = n.putArray("resources");
    for (QueryKind k : QueryKind.values()) {
      ObjectNode r = resources.addObject();
      r.put("name", k.plural());
      r.put("singularName", k.singular());
      r.put("namespaced", true);
      r.put("kind", k.kind());
      r.putArray("verbs").add("create");
      r.putArray("categories").add("spaceone");
    }
    return n;
  }

  /** {@code /openapi/v3}: the one group-version this server describes. */
  static ObjectNode openApiV3Root(ObjectNode groupDocument) {
    ObjectNode n = StatusResponses.JSON.createObjectNode();
    ObjectNode paths = n.putObject("paths");
    paths.putObject("apis/" + QueryKind.API_VERSION)
        .put("serverRelativeURL", OPENAPI_V3_GROUP_PATH + "?hash=" + hash(groupDocument));
    return n;
  }

  /** OpenAPI 3.0 of the three kinds: a POST per resource, namespaced and cluster-wide, and their schemas. */
  static ObjectNode openApiV3Group() {
    ObjectNode doc = StatusResponses.JSON.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "SpaceONE query API").put("version", QueryKind.VERSION);
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (QueryKind k : QueryKind.values()) {
      String schemaName = "dev.spaceone.query." + QueryKind.VERSION + "." + k.kind();
      schemas.set(schemaName, schema(k));
      paths.set("/apis/" + QueryKind.API_VERSION + "/namespaces/{namespace}/" + k.plural(),
          path(k, schemaName, true));
      paths.set("/apis/" + QueryKind.API_VERSION + "/" + k.plural(), path(k, schemaName, false));
    }
    return doc;
  }

  /** Swagger 2.0 of the same: what kubectl reads (as protobuf, see {@link OpenApiV2Protobuf}) to validate. */
  static ObjectNode openApiV2() {
    ObjectNode doc = StatusResponses.JSON.createObjectNode();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "SpaceONE query API").put("version", QueryKind.VERSION);
    ObjectNode paths = doc.putObject("paths");
    ObjectNode definitions = doc.putObject("definitions");
    for (QueryKind k : QueryKind.values()) {
      String schemaName = "dev.spaceone.query." + QueryKind.VERSION + "." + k.kind();
      definitions.set(schemaName, schema(k));
      paths.set("/apis/" + QueryKind.API_VERSION + "/namespaces/{namespace}/" + k.plural(),
          pathV2(k, schemaName, true));
      paths.set("/apis/" + QueryKind.API_VERSION + "/" + k.plural(), pathV2(k, schemaName, false));
    }
    return doc;
  }

  private static ObjectNode pathV2(QueryKind k, String schemaName, boolean namespaced) {
    ObjectNode p = StatusResponses.JSON.createObjectNode();
    ArrayNode params = p.putArray("parameters");
    if (namespaced) {
      params.addObject().put("name", "namespace").put("in", "path").put("required", true).put("type", "string")
          .put("description", "object name and auth scope, such as for teams and projects");
    }
    params.addObject().put("name", "fieldValidation").put("in", "query").put("type", "string")
        .put("description", "Strict (default for kubectl): unknown fields are a 400 BadRequest; Ignore and Warn: they are ignored.");
    ObjectNode post = p.putObject("post");
    post.put("description", "answer a " + k.kind() + " over the Jobs or JobTasks the caller may list"
        + (namespaced ? " in the namespace" : " in any namespace"));
    post.put("operationId", "createQuerySpaceoneDevV1alpha1" + (namespaced ? "Namespaced" : "") + k.kind());
    post.putArray("tags").add("querySpaceoneDev_v1alpha1");
    post.putArray("consumes").add("application/json");
    post.putArray("produces").add("application/json");
    ObjectNode body = post.putArray("parameters").addObject();
    body.put("name", "body").put("in", "body").put("required", true);
    body.putObject("schema").put("$ref", "#/definitions/" + schemaName);
    ObjectNode responses = post.putObject("responses");
    ObjectNode created = responses.putObject("201");
    created.put("description", "Created");
    created.putObject("schema").put("$ref", "#/definitions/" + schemaName);
    responses.putObject("401").put("description", "Unauthorized");
    post.put("x-kubernetes-action", "post");
    post.putObject("x-kubernetes-group-version-kind")
        .put("group", QueryKind.GROUP).put("version", QueryKind.VERSION).put("kind", k.kind());
    return p;
  }

  private static ObjectNode path(QueryKind k, String schemaName, boolean namespaced) {
    ObjectNode p = StatusResponses.JSON.createObjectNode();
    ArrayNode params = p.putArray("parameters");
    if (namespaced) {
      ObjectNode ns = params.addObject();
      ns.put("name", "namespace").put("in", "path").put("required", true)
          .put("description", "object name and auth scope, such as for teams and projects");
      ns.putObject("schema").put("type", "string").put("uniqueItems", true);
    }
    ObjectNode fv = params.addObject();
    fv.put("name", "fieldValidation").put("in", "query")
        .put("description", "Strict (default for kubectl): unknown fields are a 400 BadRequest; Ignore and Warn: they are ignored.");
    fv.putObject("schema").put("type", "string").put("uniqueItems", true);
    ObjectNode post = p.putObject("post");
    post.put("description", "answer a " + k.kind() + " over the Jobs or JobTasks the caller may list"
        + (namespaced ? " in the namespace" : " in any namespace"));
    post.put("operationId", "createQuerySpaceoneDevV1alpha1" + (namespaced ? "Namespaced" : "") + k.kind());
    post.putArray("tags").add("querySpaceoneDev_v1alpha1");
    ObjectNode ref = StatusResponses.JSON.createObjectNode().put("$ref", "#/components/schemas/" + schemaName);
    ObjectNode body = post.putObject("requestBody");
    body.putObject("content").putObject("application/json").set("schema", ref.deepCopy());
    body.put("required", true);
    ObjectNode responses = post.putObject("responses");
    ObjectNode created = responses.putObject("201");
    created.put("description", "Created");
    created.putObject("content").putObject("application/json").set("schema", ref.deepCopy());
    responses.putObject("401").put("description", "Unauthorized");
    post.put("x-kubernetes-action", "post");
    post.putObject("x-kubernetes-group-version-kind")
        .put("group", QueryKind.GROUP).put("version", QueryKind.VERSION).put("kind", k.kind());
    return p;
  }

  private static ObjectNode schema(QueryKind k) {
    ObjectNode s = StatusResponses.JSON.createObjectNode();
    s.put("description", switch (k) {
      case SEARCH -> "SpaceONE list: spec.query is a Query (filter, filter_or, sort, page, only, count_only, keyword).";
      case STAT -> "SpaceONE stat: spec.query is a StatisticsQuery (distinct or aggregate, filter, page).";
      case ANALYSIS -> "SpaceONE analyze: spec.query is an AnalyzeQuery (group_by, fields, select, filter, sort, page).";
    });
    s.put("type", "object");
    s.putArray("required").add("spec");
    ObjectNode props = s.putObject("properties");
    props.putObject("apiVersion").put("type", "string")
        .put("description", "query.spaceone.dev/v1alpha1");
    props.putObject("kind").put("type", "string").put("description", k.kind());
    props.putObject("metadata").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true)
        .put("description", "Standard object metadata; nothing is stored.");
    ObjectNode spec = props.putObject("spec");
    spec.put("type", "object");
    spec.putArray("required").add("resource");
    ObjectNode specProps = spec.putObject("properties");
    ObjectNode resource = specProps.putObject("resource");
    resource.put("type", "string").put("description", "jobs or jobtasks");
    resource.putArray("enum").add(RecordStore.JOBS).add(RecordStore.JOBTASKS);
    specProps.putObject("query").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true)
        .put("description", "The SpaceONE query, with snake_case keys.");
    ObjectNode status = props.putObject("status");
    status.put("type", "object");
    ObjectNode statusProps = status.putObject("properties");
    ObjectNode results = statusProps.putObject("results");
    results.put("type", "array");
    results.putObject("items").put("x-kubernetes-preserve-unknown-fields", true);
    if (k == QueryKind.ANALYSIS) {
      statusProps.putObject("more").put("type", "boolean");
    } else {
      statusProps.putObject("totalCount").put("type", "integer").put("format", "int64");
    }
    s.putArray("x-kubernetes-group-version-kind").addObject()
        .put("group", QueryKind.GROUP).put("version", QueryKind.VERSION).put("kind", k.kind());
    return s;
  }

  private static String hash(ObjectNode doc) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512")
          .digest(doc.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest, 0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
