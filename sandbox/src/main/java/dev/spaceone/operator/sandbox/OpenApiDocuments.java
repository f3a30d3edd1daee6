package dev.spaceone.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.crd.CustomResourceDefinitions;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 of the sandbox's API server, enough for kubectl: for {@code spaceone.dev/v1alpha1} (the CRDs' schemas)
 * and the core kinds the sandbox stores, with create, update and patch operations that accept
 * {@code fieldValidation}, so kubectl leaves field validation to the server (as with kube-apiserver) instead of
 * downloading schemas the mock cannot serve. The mock ignores {@code fieldValidation}: manifests given to the
 * sandbox on its command line are validated by {@link ManifestLoader}; ones applied later with kubectl are not.
 */
final class OpenApiDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CORE = "api/v1";
  static final String SPACEONE = "apis/" + Job.GROUP + "/" + Job.VERSION;

  private record Kind(String group, String version, String kind, String plural, boolean namespaced, JsonNode schema) {
  }

  private OpenApiDocuments() {
  }

  static ObjectNode spaceone() {
    return document(List.of(crdKind(Job.class), crdKind(JobTask.class)));
  }

  static ObjectNode core() {
    ObjectNode open = JSON.createObjectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    return document(List.of(
        new Kind("", "v1", "Secret", "secrets", true, open),
        new Kind("", "v1", "ConfigMap", "configmaps", true, open),
        new Kind("", "v1", "Namespace", "namespaces", false, open),
        new Kind("", "v1", "Pod", "pods", true, open),
        new Kind("", "v1", "ServiceAccount", "serviceaccounts", true, open)));
  }

  private static Kind crdKind(Class<? extends CustomResource<?, ?>> type) {
    var crd = CustomResourceDefinitions.of(type);
    var version = crd.getSpec().getVersions().get(0);
    JsonNode schema = Serialization.jsonMapper().valueToTree(version.getSchema().getOpenAPIV3Schema());
    return new Kind(crd.getSpec().getGroup(), version.getName(), crd.getSpec().getNames().getKind(),
        crd.getSpec().getNames().getPlural(), true, schema);
  }

  private static ObjectNode document(List<Kind> kinds) {
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "spaceone sandbox").put("version", "v1");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (Kind k : kinds) {
      String schemaName = (k.group().isEmpty() ? "io.k8s.api.core" : k.group()) + "." + k.version() + "." + k.kind();
      ObjectNode schema = k.schema().deepCopy();
      schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", k.group())
          .put("version", k.version()).put("kind", k.kind());
      schemas.set(schemaName, schema);
      String base = "/" + (k.group().isEmpty() ? "api/" + k.version() : "apis/" + k.group() + "/" + k.version())
          + (k.namespaced() ? "/namespaces/{namespace}/" : "/") + k.plural();
      paths.set(base, path(k, schemaName, Map.of("post", "post", "get", "list"), false));
      paths.set(base + "/{name}", path(k, schemaName, Map.of("get", "get", "put", "put", "patch", "patch",
          "delete", "delete"), true));
    }
    return doc;
  }

  private static ObjectNode path(Kind k, String schemaName, Map<String, String> operations, boolean named) {
    ObjectNode p = JSON.createObjectNode();
    var params = p.putArray("parameters");
    if (named) {
      ObjectNode name = params.addObject().put("name", "name").put("in", "path").put("required", true);
      name.putObject("schema").put("type", "string");
    }
    if (k.namespaced()) {
      ObjectNode ns = params.addObject().put("name", "namespace").put("in", "path").put("required", true);
      ns.putObject("schema").put("type", "string");
    }
    operations.forEach((method, action) -> {
      ObjectNode op = p.putObject(method);
      op.put("operationId", action + k.kind());
      if (List.of("post", "put", "patch").contains(method)) {
        ObjectNode fv = op.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query");
        fv.putObject("schema").put("type", "string");
        op.putObject("requestBody").putObject("content")
            .putObject(method.equals("patch") ? "application/merge-patch+json" : "application/json")
            .putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
      }
      op.putObject("responses").putObject("200").put("description", "OK").putObject("content")
          .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
      op.put("x-kubernetes-action", action);
      op.putObject("x-kubernetes-group-version-kind").put("group", k.group()).put("version", k.version())
          .put("kind", k.kind());
    });
    return p;
  }
}
