package dev.spaceone.operator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.http.BoundedHttpServer;
import dev.spaceone.operator.http.HttpService;
import dev.spaceone.operator.query.Authorizer.AccessRequest;
import dev.spaceone.query.QueryException;
import dev.spaceone.query.QueryBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.Closeable;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code query.spaceone.dev/v1alpha1} API server, registered with an APIService: HTTPS,
 * discovery and OpenAPI, and create-only {@code searches}, {@code stats} and {@code analyses},
 * answered from a {@link RecordStore}. Every request but the health checks is authenticated
 * ({@link Authenticator}) and every query is authorized ({@link Authorizer}): create on the resource
 * in its namespace (or the cluster scope), then only namespaces where the caller may list Jobs (and,
 * for jobtasks, JobTasks) are answered about.
 *
 * <p>It runs on a {@link BoundedHttpServer}: health checks, authentication and discovery are answered
 * on the I/O threads, so they never wait behind queries; queries run on a bounded worker pool under
 * total and per-user in-flight caps (429 beyond them).
 */
public final class QueryServer implements Closeable, HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  private static final String PREFIX = "/apis/" + QueryKind.API_VERSION;
  private static final String JSON_TYPE = "application/json";
  /** A namespace name (RFC 1123 label), as kube-apiserver requires in a path. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** An object name (RFC 1123 subdomain). */
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final QueryServerConfig config;
  private final BoundedHttpServer server;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final RecordStore store;
  private final BooleanSupplier ready;
  private final List<Closeable> owned;
  private final QueryExecutor queries;
  private final AtomicLong cancelledQueries = new AtomicLong();
  private final ServingCertificate servingCertificate;
  private final byte[] apiVersions = json(Discovery.apiVersions());
  private final byte[] apiGroupList = json(Discovery.apiGroupList());
  private final byte[] apiGroup = json(Discovery.apiGroup());
  private final byte[] apiResourceList = json(Discovery.apiResourceList());
  private final ObjectNode openApiV3Group = Discovery.openApiV3Group();
  private final byte[] openApiV3GroupBytes = json(openApiV3Group);
  private final byte[] openApiV3Root = json(Discovery.openApiV3Root(openApiV3Group));
  private final ObjectNode openApiV2 = Discovery.openApiV2();
  private final byte[] openApiV2Json = json(openApiV2);
  private final byte[] openApiV2Protobuf = OpenApiV2Protobuf.encode(openApiV2);

  /**
   * Starts the server as the operator runs it: authentication from the ConfigMap named in the config
   * (watched), authorization by SubjectAccessReview through {@code client}, records from
   * {@code store}. Close the returned server to stop it and its watch.
   */
  public static QueryServer start(QueryServerConfig config, KubernetesClient client, RecordStore store, Clock clock)
      throws IOException {
    AuthenticationConfigSource authentication = new AuthenticationConfigSource(client,
        config.authenticationConfigMapNamespace(), config.authenticationConfigMapName());
    SubjectAccessReviewAuthorizer authorizer =
        new SubjectAccessReviewAuthorizer(client, config.sarCacheTtl(), config.sarCacheSize(), clock);
    try {
      return new QueryServer(config, authentication, authorizer, store,
          authentication::isSynced, List.of(authentication, authorizer), clock);
    } catch (IOException | RuntimeException e) {
      authentication.close();
      authorizer.close();
      throw e;
    }
  }

  /** Starts the server with the given authentication and authorization (tests, benchmarks). */
  public static QueryServer start(QueryServerConfig config, Supplier<AuthenticationConfig> authentication,
      Authorizer authorizer, RecordStore store, Clock clock) throws IOException {
    return new QueryServer(config, authentication, authorizer, store, () -> true, List.of(), clock);
  }

  private QueryServer(QueryServerConfig config, Supplier<AuthenticationConfig> authentication, Authorizer authorizer,
      RecordStore store, BooleanSupplier ready, List<Closeable> owned, Clock clock) throws IOException {
    this.config = config;
    this.authenticator = new Authenticator(authentication);
    this.authorizer = authorizer;
    this.store = store;
    this.ready = ready;
    this.owned = owned;
    this.queries = new QueryExecutor(clock, config.queryLimits());
    this.servingCertificate = new ServingCertificate(config.tlsDir(), clock);
    SSLContext ssl;
    try {
      ssl = SSLContext.getInstance("TLS");
      ssl.init(new KeyManager[] {servingCertificate},
          new TrustManager[] {new ClientCertificateTrustManager(() -> authentication.get().allCAs())}, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS", e);
    }
    this.server = new BoundedHttpServer("query-server", config.bindAddress(), config.port(), ssl, 2,
        config.limits(), this);
    LOG.info("query API serving on {}:{}", config.bindAddress(), port());
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** The serving certificate in use now. */
  public X509Certificate servingCertificate() {
    return servingCertificate.certificate();
  }

  /** The HTTP server, for its counters. */
  public BoundedHttpServer http() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    for (Closeable c : owned) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", c, e.toString());
      }
    }
  }

  private static Response json(int code, JsonNode body) {
    return new Response(code, JSON_TYPE, json(body), List.of());
  }

  private static Response bytes(byte[] body) {
    return new Response(200, JSON_TYPE, body, List.of());
  }

  @Override
  public Response error(int code, String message) {
    return json(code, switch (code) {
      case 400 -> StatusResponses.badRequest(message);
      case 408 -> StatusResponses.failure(408, "Timeout", message, null);
      case 413 -> StatusResponses.failure(413, "RequestEntityTooLarge", message, null);
      case 414 -> StatusResponses.failure(414, "RequestURITooLong", message, null);
      case 429 -> StatusResponses.tooManyRequests(message, config.limits().retryAfterSeconds());
      case 431 -> StatusResponses.failure(431, "RequestHeaderFieldsTooLarge", message, null);
      case 503 -> StatusResponses.failure(503, "ServiceUnavailable", message, null);
      default -> StatusResponses.internal(message);
    });
  }

  /** What a query request carries from the I/O thread to its worker. */
  private record Target(UserInfo user, QueryKind kind, String namespace) {
  }

  /** On the I/O thread: health, authentication, discovery and routing; a query is admitted for its user. */
  @Override
  public HttpService.Decision decide(RequestHead head) {
    String path = head.rawPath();
    String method = head.method();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    switch (path) {
      case "/healthz", "/livez" -> {
        return new Answer(Response.text(200, "ok"));
      }
      case "/readyz" -> {
        return new Answer(ready.getAsBoolean() ? Response.text(200, "ok")
            : Response.text(500, "[-]informer-sync failed\nreadyz check failed"));
      }
      default -> {
        // authenticated paths follow
      }
    }
    Optional<UserInfo> authenticated = authenticator.authenticate(head.peerCertificates(), headerMap(head.headers()));
    if (authenticated.isEmpty()) {
      return new Answer(json(401, StatusResponses.unauthorized()));
    }
    UserInfo user = authenticated.get();
    boolean get = "GET".equals(method) || "HEAD".equals(method);
    byte[] document = switch (path) {
      case "/api" -> apiVersions;
      case "/apis" -> apiGroupList;
      case "/apis/" + QueryKind.GROUP -> apiGroup;
      case PREFIX -> apiResourceList;
      case Discovery.OPENAPI_V3_GROUP_PATH -> openApiV3GroupBytes;
      case "/openapi/v3" -> openApiV3Root;
      case "/openapi/v2" -> {
        // As kube-apiserver: protobuf when asked for it (kubectl does), JSON otherwise.
        String accept = head.headers().get("Accept");
        yield accept != null && accept.contains("protobuf") ? null : openApiV2Json;
      }
      default -> null;
    };
    if (document != null || "/openapi/v2".equals(path)) {
      if (!get) {
        return new Answer(json(405, StatusResponses.methodNotAllowed()));
      }
      return new Answer(document != null ? bytes(document)
          : new Response(200, "application/octet-stream", openApiV2Protobuf, List.of()));
    }
    if (!path.startsWith(PREFIX + "/")) {
      return new Answer(json(404, StatusResponses.notFound()));
    }
    String[] parts = path.substring(PREFIX.length() + 1).split("/", -1);
    String namespace;
    String plural;
    if (parts.length == 1) {
      namespace = null;
      plural = parts[0];
    } else if (parts[0].equals("namespaces") && (parts.length == 3 || parts.length == 4)) {
      Optional<String> decoded = decode(parts[1]);
      if (decoded.isEmpty()) {
        return new Answer(json(400, StatusResponses.badRequest("the namespace in the path is not URL-encoded correctly")));
      }
      namespace = decoded.get();
      plural = parts[2];
    } else {
      return new Answer(json(404, StatusResponses.notFound()));
    }
    Optional<QueryKind> kind = QueryKind.byPlural(plural);
    if (kind.isEmpty() || (namespace != null && namespace.isEmpty())) {
      return new Answer(json(404, StatusResponses.notFound()));
    }
    if (!"POST".equals(method) || parts.length == 4) {
      // Only create exists; a named object (parts.length == 4) is never stored.
      return new Answer(json(405, StatusResponses.methodNotAllowed()));
    }
    if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
      return new Answer(json(400, StatusResponses.badRequest("invalid namespace " + quoted(namespace)
          + ": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
          + "start and end with an alphanumeric character, at most 63 characters")));
    }
    return new Admit(user.name(), new Target(user, kind.get(), namespace));
  }

  /** Queries stopped because their client went away. */
  public long cancelledQueries() {
    return cancelledQueries.get();
  }

  /**
   * On a worker: one query, within its budget, which is cancelled when the client goes away. The
   * deadline is the shorter of the configured one and the request's {@code timeout} parameter.
   */
  @Override
  public Response serve(Request request, Call call) {
    Target target = (Target) request.attachment();
    QueryBudget budget = queryParameter(request.head().rawQuery(), "timeout").flatMap(GoDurations::parse)
        .map(queries::budget).orElseGet(queries::budget);
    call.onGone(budget::cancel);
    return query(request, target.user(), target.kind(), target.namespace(), budget);
  }

  private static Map<String, List<String>> headerMap(HttpHeaders headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : headers.names()) {
      out.put(name, headers.getAll(name));
    }
    return out;
  }

  private static Optional<String> decode(String raw) {
    try {
      return Optional.of(URLDecoder.decode(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A JSON string of user text, so that a message never holds raw control characters. */
  private static String quoted(String text) {
    return new String(json(StatusResponses.JSON.getNodeFactory().textNode(text)), StandardCharsets.UTF_8);
  }

  private Response query(Request request, UserInfo user, QueryKind kind, String namespace, QueryBudget budget) {
    Authorizer.Decision create = authorizer.authorize(user, new AccessRequest("create", QueryKind.GROUP, kind.plural(), namespace));
    if (!create.allowed()) {
      return json(403, StatusResponses.forbidden(user.name(), "create", kind.plural(), QueryKind.GROUP, namespace,
          create.reason()));
    }
    String contentType = request.head().headers().get("Content-Type");
    if (contentType != null && !contentType.toLowerCase().contains("json")) {
      return json(415, StatusResponses.unsupportedMediaType(contentType));
    }
    byte[] body = request.body();
    JsonNode tree;
    try {
      tree = StatusResponses.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return json(400, StatusResponses.badRequest("the request body is not JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      return json(400, StatusResponses.badRequest("the request body is not JSON"));
    }
    if (tree == null || !tree.isObject()) {
      return json(400, StatusResponses.badRequest("the request body must be a JSON object"));
    }
    ObjectNode object = (ObjectNode) tree;
    String apiVersion = object.path("apiVersion").asText(QueryKind.API_VERSION);
    if (!QueryKind.API_VERSION.equals(apiVersion)) {
      return json(400, StatusResponses.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + QueryKind.API_VERSION + ")"));
    }
    String objectKind = object.path("kind").asText(kind.kind());
    if (!kind.kind().equals(objectKind)) {
      return json(400, StatusResponses.badRequest("the kind in the data (" + objectKind
          + ") does not match the expected kind (" + kind.kind() + ")"));
    }
    JsonNode metadata = object.path("metadata");
    if (!metadata.isMissingNode() && !metadata.isObject() && !metadata.isNull()) {
      return json(400, StatusResponses.badRequest("metadata must be an object"));
    }
    String name = metadata.path("name").asText("");
    String objectNamespace = metadata.path("namespace").asText("");
    if (namespace != null && !objectNamespace.isEmpty() && !objectNamespace.equals(namespace)) {
      return json(400, StatusResponses.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    if (!name.isEmpty() && (name.length() > 253 || !NAME.matcher(name).matches())) {
      return json(422, StatusResponses.invalid(kind, "", "FieldValueInvalid", "metadata.name", "Invalid value: "
          + quoted(name) + ": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
          + "'-' or '.', and must start and end with an alphanumeric character"));
    }
    List<String> unknown = unknownFields(object);
    List<String> warnings = List.of();
    if (!unknown.isEmpty()) {
      String directive = queryParameter(request.head().rawQuery(), "fieldValidation").orElse("Strict");
      List<String> messages = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
      if (directive.equalsIgnoreCase("Strict")) {
        return json(400, StatusResponses.badRequest(kind.kind() + " in version \"" + QueryKind.VERSION
            + "\" cannot be handled as a " + kind.kind() + ": strict decoding error: " + String.join(", ", messages)));
      }
      if (directive.equalsIgnoreCase("Warn")) {
        warnings = messages;
      }
    }
    JsonNode spec = object.path("spec");
    if (!spec.isObject()) {
      return json(422, StatusResponses.invalid(kind, name, "FieldValueRequired", "spec", "Required value"));
    }
    JsonNode resourceNode = spec.path("resource");
    if (resourceNode.isMissingNode() || resourceNode.isNull() || resourceNode.asText().isEmpty()) {
      return json(422, StatusResponses.invalid(kind, name, "FieldValueRequired", "spec.resource", "Required value"));
    }
    String resource = resourceNode.asText();
    if (!resourceNode.isTextual() || !(resource.equals(RecordStore.JOBS) || resource.equals(RecordStore.JOBTASKS))) {
      return json(422, StatusResponses.invalid(kind, name, "FieldValueNotSupported", "spec.resource",
          "Unsupported value: " + resourceNode + ": supported values: \"jobs\", \"jobtasks\""));
    }
    Collection<String> namespaces = visibleNamespaces(user, resource, namespace);
    ObjectNode status;
    try {
      status = queries.run(kind, resource, store.scope(resource, namespaces), spec.get("query"), budget);
    } catch (QueryException e) {
      return switch (e.kind()) {
        case DEADLINE -> json(504, StatusResponses.timeout(e.reason()));
        case CANCELLED -> {
          // The client has gone: nothing is written.
          cancelledQueries.incrementAndGet();
          yield json(503, StatusResponses.failure(503, "ServiceUnavailable", e.reason(), null));
        }
        default -> json(422, StatusResponses.invalid(kind, name, "FieldValueInvalid", "spec." + e.field(),
            "Invalid value: " + e.reason()));
      };
    }
    ObjectNode answer = StatusResponses.JSON.createObjectNode();
    answer.put("apiVersion", QueryKind.API_VERSION);
    answer.put("kind", kind.kind());
    ObjectNode meta = metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : StatusResponses.JSON.createObjectNode();
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    answer.set("metadata", meta);
    answer.set("spec", spec);
    answer.set("status", status);
    List<Header> headers = warnings.stream()
        .map(w -> new Header("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"")).toList();
    return new Response(201, JSON_TYPE, json(answer), headers);
  }

  /**
   * The namespaces a query may read: the one asked for, or (cluster-wide form) every namespace with
   * records; either way only those where the user may list Jobs, and for jobtasks also JobTasks.
   */
  private Collection<String> visibleNamespaces(UserInfo user, String resource, String namespace) {
    List<String> resources = RecordStore.JOBS.equals(resource)
        ? List.of(RecordStore.JOBS) : List.of(RecordStore.JOBS, RecordStore.JOBTASKS);
    if (namespace != null) {
      return mayList(user, resources, namespace) ? List.of(namespace) : List.of();
    }
    Set<String> all = store.namespaces();
    if (mayList(user, resources, "")) {
      return all;
    }
    List<String> visible = new ArrayList<>();
    for (String ns : all) {
      if (mayList(user, resources, ns)) {
        visible.add(ns);
      }
    }
    return visible;
  }

  private boolean mayList(UserInfo user, List<String> resources, String namespace) {
    for (String r : resources) {
      if (!authorizer.authorize(user, new AccessRequest("list", Job.GROUP, r, namespace)).allowed()) {
        return false;
      }
    }
    return true;
  }

  /** Top-level and spec fields this API does not know (status is accepted and ignored). */
  private static List<String> unknownFields(ObjectNode object) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("apiVersion", "kind", "metadata", "spec", "status").contains(f)) {
        unknown.add(f);
      }
    }
    JsonNode spec = object.path("spec");
    if (spec.isObject()) {
      for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("resource") && !f.equals("query")) {
          unknown.add("spec." + f);
        }
      }
    }
    return unknown;
  }

  /** A query parameter's value; a malformed encoding reads as absent. */
  private static Optional<String> queryParameter(String query, String name) {
    if (query == null) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      Optional<String> key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.isPresent() && key.get().equals(name)) {
        return eq < 0 ? Optional.of("") : decode(pair.substring(eq + 1));
      }
    }
    return Optional.empty();
  }

  private static byte[] json(JsonNode node) {
    try {
      return StatusResponses.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
