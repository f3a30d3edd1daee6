package dev.spaceone.operator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.spaceone.operator.runtime.JdkHttpServers;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.query.Authorizer.AccessRequest;
import dev.spaceone.operator.query.Authorizer.Decision;
import dev.spaceone.query.QueryException;
import dev.spaceone.query.QueryLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code query.spaceone.dev/v1alpha1} API server, run inside the operator and registered with an
 * APIService: HTTPS, discovery and OpenAPI, and create-only {@code searches}, {@code stats} and
 * {@code analyses}, answered from a {@link RecordStore}. Every request but the health checks is
 * authenticated ({@link Authenticator}) and every query is authorized ({@link Authorizer}): create
 * on the resource in its namespace (or the cluster scope), then only namespaces where the caller
 * may list Jobs (and, for jobtasks, JobTasks) are answered about.
 */
public final class QueryServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  private static final String PREFIX = "/apis/" + QueryKind.API_VERSION;
  /** Bytes of an oversized body read and discarded after the 413, so the client reads the answer. */
  private static final long DRAIN_LIMIT = 16L * 1024 * 1024;
  private static final String JSON_TYPE = "application/json";

  private final QueryServerConfig config;
  private final HttpsServer server;
  private final ExecutorService executor;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final RecordStore store;
  private final BooleanSupplier ready;
  private final List<Closeable> owned;
  // Until the settings class lands the query limits come straight from the environment (QUERY_MAX_*).
  private final QueryExecutor queries =
      new QueryExecutor(Clock.systemUTC(), QueryLimits.fromEnvironment(System.getenv()));
  private final ServingCertificate servingCertificate;
  private final ObjectNode openApiV3Group = Discovery.openApiV3Group();
  private final byte[] openApiV3Root = json(Discovery.openApiV3Root(openApiV3Group));
  private final ObjectNode openApiV2 = Discovery.openApiV2();
  private final byte[] openApiV2Protobuf = OpenApiV2Protobuf.encode(openApiV2);

  /**
   * Starts the server as the operator runs it: authentication from the ConfigMap named in the config
   * (watched), authorization by SubjectAccessReview through {@code client}, records from
   * {@code store}. Close the returned server to stop it and its watch.
   */
  public static QueryServer start(QueryServerConfig config, KubernetesClient client, RecordStore store)
      throws IOException {
    AuthenticationConfigSource authentication = new AuthenticationConfigSource(client,
        config.authenticationConfigMapNamespace(), config.authenticationConfigMapName());
    SubjectAccessReviewAuthorizer authorizer =
        new SubjectAccessReviewAuthorizer(client, config.sarCacheTtl(), config.sarCacheSize());
    try {
      return new QueryServer(config, authentication, authorizer, store,
          authentication::isSynced, List.of(authentication, authorizer));
    } catch (IOException | RuntimeException e) {
      authentication.close();
      authorizer.close();
      throw e;
    }
  }

  /** Starts the server with the given authentication and authorization (tests, benchmarks). */
  public static QueryServer start(QueryServerConfig config, Supplier<AuthenticationConfig> authentication,
      Authorizer authorizer, RecordStore store) throws IOException {
    return new QueryServer(config, authentication, authorizer, store, () -> true, List.of());
  }

  private QueryServer(QueryServerConfig config, Supplier<AuthenticationConfig> authentication, Authorizer authorizer,
      RecordStore store, BooleanSupplier ready, List<Closeable> owned) throws IOException {
    this.config = config;
    this.authenticator = new Authenticator(authentication);
    this.authorizer = authorizer;
    this.store = store;
    this.ready = ready;
    this.owned = owned;
    this.servingCertificate = new ServingCertificate(config.tlsDir());
    SSLContext ssl;
    try {
      ssl = SSLContext.getInstance("TLS");
      ssl.init(new KeyManager[] {servingCertificate},
          new TrustManager[] {new ClientCertificateTrustManager(() -> authentication.get().allCAs())}, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS", e);
    }
    JdkHttpServers.noDelay();
    this.server = HttpsServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 128);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        // Asked for, not required: health checks come without one; verification is in Authenticator.
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(Math.max(1, config.threads()), r -> {
      Thread t = new Thread(r, "query-server-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("query API serving on {}:{}", config.bindAddress(), port());
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The serving certificate in use now. */
  public X509Certificate servingCertificate() {
    return servingCertificate.certificate();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Closeable c : owned) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", c, e.toString());
      }
    }
  }

  /** An answer: status code, content type and body, and whether an unread request body is to be discarded. */
  private record Response(int code, String contentType, byte[] body, List<String> warnings, boolean drain) {
    static Response json(int code, JsonNode body) {
      return new Response(code, JSON_TYPE, QueryServer.json(body), List.of(), false);
    }

    static Response text(int code, String body) {
      return new Response(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), List.of(), false);
    }
  }

  private static final class TooLarge extends Exception {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      Response response;
      try {
        response = route(exchange);
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
        response = Response.json(500, Statuses.internal("the query server failed; see its log"));
      }
      send(exchange, response);
    } catch (IOException e) {
      LOG.debug("writing the response failed: {}", e.toString());
    } finally {
      exchange.close();
    }
  }

  private void send(HttpExchange exchange, Response response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
    for (String warning : response.warnings()) {
      exchange.getResponseHeaders().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.code(), head || response.body().length == 0 ? -1 : response.body().length);
    if (!head) {
      OutputStream out = exchange.getResponseBody();
      out.write(response.body());
      out.flush();
    }
    if (response.drain()) {
      drain(exchange.getRequestBody());
    }
  }

  /** Discards (never keeps) up to DRAIN_LIMIT bytes of an unread body; beyond that the connection is closed. */
  private static void drain(InputStream in) {
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    try {
      int n;
      while (total < DRAIN_LIMIT && (n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // the client went away; nothing to do
    }
  }

  private Response route(HttpExchange exchange) {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    switch (path) {
      case "/healthz", "/livez" -> {
        return Response.text(200, "ok");
      }
      case "/readyz" -> {
        return ready.getAsBoolean() ? Response.text(200, "ok") : Response.text(500, "[-]informer-sync failed\nreadyz check failed");
      }
      default -> {
        // authenticated paths follow
      }
    }
    Optional<UserInfo> authenticated = authenticator.authenticate(peerCertificates(exchange),
        exchange.getRequestHeaders());
    if (authenticated.isEmpty()) {
      return Response.json(401, Statuses.unauthorized());
    }
    UserInfo user = authenticated.get();
    boolean get = "GET".equals(method) || "HEAD".equals(method);
    Optional<JsonNode> document = switch (path) {
      case "/api" -> Optional.of(Discovery.apiVersions());
      case "/apis" -> Optional.of(Discovery.apiGroupList());
      case "/apis/" + QueryKind.GROUP -> Optional.of(Discovery.apiGroup());
      case PREFIX -> Optional.of(Discovery.apiResourceList());
      case Discovery.OPENAPI_V3_GROUP_PATH -> Optional.of(openApiV3Group);
      default -> Optional.empty();
    };
    if (document.isPresent()) {
      return get ? Response.json(200, document.get()) : Response.json(405, Statuses.methodNotAllowed());
    }
    if ("/openapi/v2".equals(path)) {
      if (!get) {
        return Response.json(405, Statuses.methodNotAllowed());
      }
      // As kube-apiserver: protobuf when asked for it (kubectl does), JSON otherwise.
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      if (accept != null && accept.contains("protobuf")) {
        return new Response(200, "application/octet-stream", openApiV2Protobuf, List.of(), false);
      }
      return Response.json(200, openApiV2);
    }
    if ("/openapi/v3".equals(path)) {
      return get ? new Response(200, JSON_TYPE, openApiV3Root, List.of(), false)
          : Response.json(405, Statuses.methodNotAllowed());
    }
    if (!path.startsWith(PREFIX + "/")) {
      return Response.json(404, Statuses.notFound());
    }
    String[] parts = path.substring(PREFIX.length() + 1).split("/", -1);
    String namespace;
    String plural;
    if (parts.length == 1) {
      namespace = null;
      plural = parts[0];
    } else if (parts[0].equals("namespaces") && (parts.length == 3 || parts.length == 4)) {
      namespace = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      plural = parts[2];
    } else {
      return Response.json(404, Statuses.notFound());
    }
    Optional<QueryKind> kind = QueryKind.byPlural(plural);
    if (kind.isEmpty() || (namespace != null && namespace.isEmpty())) {
      return Response.json(404, Statuses.notFound());
    }
    if (!"POST".equals(method) || parts.length == 4) {
      // Only create exists; a named object (parts.length == 4) is never stored.
      return Response.json(405, Statuses.methodNotAllowed());
    }
    return query(exchange, user, kind.get(), namespace);
  }

  private Response query(HttpExchange exchange, UserInfo user, QueryKind kind, String namespace) {
    Decision create = authorizer.authorize(user, new AccessRequest("create", QueryKind.GROUP, kind.plural(), namespace));
    if (!create.allowed()) {
      return Response.json(403, Statuses.forbidden(user.name(), "create", kind.plural(), QueryKind.GROUP, namespace,
          create.reason()));
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && !contentType.toLowerCase().contains("json")) {
      return Response.json(415, Statuses.unsupportedMediaType(contentType));
    }
    byte[] body;
    try {
      body = readBody(exchange, config.maxBodyBytes());
    } catch (TooLarge e) {
      return new Response(413, JSON_TYPE, json(Statuses.tooLarge(config.maxBodyBytes())), List.of(), true);
    } catch (IOException e) {
      return Response.json(400, Statuses.badRequest("cannot read the request body: " + e.getMessage()));
    }
    JsonNode tree;
    try {
      tree = Statuses.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return Response.json(400, Statuses.badRequest("the request body is not JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      return Response.json(400, Statuses.badRequest("the request body is not JSON"));
    }
    if (tree == null || !tree.isObject()) {
      return Response.json(400, Statuses.badRequest("the request body must be a JSON object"));
    }
    ObjectNode object = (ObjectNode) tree;
    String apiVersion = object.path("apiVersion").asText(QueryKind.API_VERSION);
    if (!QueryKind.API_VERSION.equals(apiVersion)) {
      return Response.json(400, Statuses.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + QueryKind.API_VERSION + ")"));
    }
    String objectKind = object.path("kind").asText(kind.kind());
    if (!kind.kind().equals(objectKind)) {
      return Response.json(400, Statuses.badRequest("the kind in the data (" + objectKind
          + ") does not match the expected kind (" + kind.kind() + ")"));
    }
    JsonNode metadata = object.path("metadata");
    if (!metadata.isMissingNode() && !metadata.isObject() && !metadata.isNull()) {
      return Response.json(400, Statuses.badRequest("metadata must be an object"));
    }
    String name = metadata.path("name").asText("");
    String objectNamespace = metadata.path("namespace").asText("");
    if (namespace != null && !objectNamespace.isEmpty() && !objectNamespace.equals(namespace)) {
      return Response.json(400, Statuses.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    List<String> unknown = unknownFields(object);
    List<String> warnings = List.of();
    if (!unknown.isEmpty()) {
      String directive = queryParameter(exchange, "fieldValidation").orElse("Strict");
      List<String> messages = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
      if (directive.equalsIgnoreCase("Strict")) {
        return Response.json(400, Statuses.badRequest(kind.kind() + " in version \"" + QueryKind.VERSION
            + "\" cannot be handled as a " + kind.kind() + ": strict decoding error: " + String.join(", ", messages)));
      }
      if (directive.equalsIgnoreCase("Warn")) {
        warnings = messages;
      }
    }
    JsonNode spec = object.path("spec");
    if (!spec.isObject()) {
      return Response.json(422, Statuses.invalid(kind, name, "FieldValueRequired", "spec", "Required value"));
    }
    JsonNode resourceNode = spec.path("resource");
    if (resourceNode.isMissingNode() || resourceNode.isNull() || resourceNode.asText().isEmpty()) {
      return Response.json(422, Statuses.invalid(kind, name, "FieldValueRequired", "spec.resource", "Required value"));
    }
    String resource = resourceNode.asText();
    if (!resourceNode.isTextual() || !(resource.equals(RecordStore.JOBS) || resource.equals(RecordStore.JOBTASKS))) {
      return Response.json(422, Statuses.invalid(kind, name, "FieldValueNotSupported", "spec.resource",
          "Unsupported value: " + resourceNode + ": supported values: \"jobs\", \"jobtasks\""));
    }
    Collection<String> namespaces = visibleNamespaces(user, resource, namespace);
    ObjectNode status;
    try {
      status = queries.run(kind, resource, store.records(resource, namespaces), spec.get("query"),
          queries.budget());
    } catch (QueryException e) {
      return switch (e.kind()) {
        case DEADLINE -> Response.json(504, Statuses.timeout(e.reason()));
        case CANCELLED -> Response.json(503, Statuses.failure(503, "ServiceUnavailable", e.reason(), null));
        default -> Response.json(422, Statuses.invalid(kind, name, "FieldValueInvalid", "spec." + e.field(),
            "Invalid value: " + e.reason()));
      };
    }
    ObjectNode answer = Statuses.JSON.createObjectNode();
    answer.put("apiVersion", QueryKind.API_VERSION);
    answer.put("kind", kind.kind());
    ObjectNode meta = metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : Statuses.JSON.createObjectNode();
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    answer.set("metadata", meta);
    answer.set("spec", spec);
    answer.set("status", status);
    return new Response(201, JSON_TYPE, json(answer), warnings, false);
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

  private static Optional<String> queryParameter(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** The body, refused (before reading it, when its length is declared) when over the limit. */
  private static byte[] readBody(HttpExchange exchange, long limit) throws TooLarge, IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          throw new TooLarge();
        }
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length");
      }
    }
    InputStream in = exchange.getRequestBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > limit) {
        throw new TooLarge();
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static X509Certificate[] peerCertificates(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
      return null;
    }
    try {
      Certificate[] certs = https.getSSLSession().getPeerCertificates();
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
      return out.toArray(X509Certificate[]::new);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static byte[] json(JsonNode node) {
    try {
      return Statuses.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
