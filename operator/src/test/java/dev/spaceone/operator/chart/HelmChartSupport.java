package dev.spaceone.operator.chart;

import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the Helm chart with helm-java and parses what it renders.
 *
 * <p>Two helm-java 0.0.15 quirks shape this class:
 * <ul>
 *   <li>{@code template} renders with Helm's built-in capabilities, Kubernetes v1.20.0, and has no
 *       {@code --kube-version}; the chart requires {@code >=1.30.0-0}. Renders therefore use a copy of the chart
 *       whose {@code Chart.yaml} lacks only the {@code kubeVersion} line (a test checks that the real chart
 *       declares it and that Helm enforces it).</li>
 *   <li>{@code template} is not a client-only dry run: the chart's {@code lookup} of the serving-cert Secret
 *       calls a Kubernetes API. Surefire points {@code KUBECONFIG} at a file this class writes, describing a
 *       fake API server that serves {@code /api/v1} discovery and the Secrets a test puts in
 *       {@link #EXISTING_SECRETS} (404 otherwise), and records every request.</li>
 * </ul>
 */
final class HelmChartSupport {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("helm/spaceone-job-operator");
  static final String RELEASE = "sjo";
  static final String NAMESPACE = "spaceone-system";
  static final String FULLNAME = "sjo-spaceone-job-operator";

  /** Secrets the fake API server returns, by "namespace/name". */
  static final Map<String, Secret> EXISTING_SECRETS = new ConcurrentHashMap<>();
  /** Paths of every request the fake API server answered. */
  static final List<String> API_REQUESTS = new CopyOnWriteArrayList<>();

  private static final Path WORK = Path.of("target", "helm-chart-test").toAbsolutePath();
  private static final Path RENDER_CHART = WORK.resolve("chart/spaceone-job-operator");
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static boolean started;

  private HelmChartSupport() {}

  /** Renders the chart (the kubeVersion-less copy) with these values (YAML), release sjo in spaceone-system. */
  static String render(String valuesYaml) {
    start();
    try {
      Path values = Files.createTempFile(WORK, "values-", ".yaml");
      Files.writeString(values, valuesYaml);
      return new Helm(RENDER_CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
          .withValuesFile(values).call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The message with which rendering with these values fails; fails the test if it renders. */
  static String renderError(String valuesYaml) {
    try {
      String out = render(valuesYaml);
      throw new AssertionError("expected the chart to reject these values:\n" + valuesYaml + "\nbut it rendered:\n"
          + out);
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  /** Every rendered document, parsed into its fabric8 type (GenericKubernetesResource when there is none). */
  static List<HasMetadata> parse(String rendered) {
    List<HasMetadata> resources = new ArrayList<>();
    for (String doc : DOCUMENT_SEPARATOR.split(rendered)) {
      boolean empty = doc.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
      if (empty) {
        continue;
      }
      KubernetesResource parsed = Serialization.unmarshal(doc);
      if (!(parsed instanceof HasMetadata resource)) {
        throw new AssertionError("not a Kubernetes object: " + parsed + "\n" + doc);
      }
      resources.add(resource);
    }
    return resources;
  }

  static List<HasMetadata> renderAndParse(String valuesYaml) {
    return parse(render(valuesYaml));
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> resources, Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type, String name) {
    List<T> found = all(resources, type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size()
          + " among " + describe(resources));
    }
    return found.get(0);
  }

  static List<GenericKubernetesResource> generic(List<HasMetadata> resources, String apiVersion, String kind) {
    return all(resources, GenericKubernetesResource.class).stream()
        .filter(r -> apiVersion.equals(r.getApiVersion()) && kind.equals(r.getKind())).toList();
  }

  static List<String> describe(List<HasMetadata> resources) {
    return resources.stream().map(r -> r.getKind() + " " + r.getMetadata().getNamespace() + "/"
        + r.getMetadata().getName()).toList();
  }

  /**
   * Fields the typed model does not know (fabric8 keeps them in additionalProperties instead of failing),
   * e.g. a misspelt {@code livenesProbe}, as paths.
   */
  static List<String> unknownFields(Object o) {
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(o, "", unknown);
    return unknown;
  }

  private static void collectUnknownFields(Object o, String path, List<String> unknown) {
    if (o == null || o instanceof GenericKubernetesResource) {
      return;
    }
    if (o instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      String name = m.getName();
      if (m.getParameterCount() != 0 || !name.startsWith("get") || name.equals("getClass")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + " " + extra.keySet());
        }
      } else {
        String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
        collectUnknownFields(value, path + "." + field, unknown);
      }
    }
  }

  private static synchronized void start() {
    if (started) {
      return;
    }
    try {
      Path kubeconfig = Path.of(WORK.toString(), "kubeconfig");
      String env = System.getenv("KUBECONFIG");
      if (env == null || !Path.of(env).toAbsolutePath().normalize().equals(kubeconfig)) {
        throw new IllegalStateException("KUBECONFIG must be " + kubeconfig + " (set by the surefire configuration in "
            + "operator/pom.xml), so that the chart's lookup reaches the fake API server, not a real cluster; it is "
            + env);
      }
      Files.createDirectories(WORK);
      copyChartWithoutKubeVersion();
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        String path = exchange.getRequestURI().getPath();
        API_REQUESTS.add(exchange.getRequestMethod() + " " + path);
        int status;
        String body;
        String[] parts = path.split("/");
        if (path.equals("/api/v1")) {
          status = 200;
          body = """
              {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
                {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
                 "verbs":["get","list","watch"]}]}""";
        } else if (parts.length == 7 && path.startsWith("/api/v1/namespaces/") && parts[5].equals("secrets")
            && EXISTING_SECRETS.containsKey(parts[4] + "/" + parts[6])) {
          status = 200;
          body = Serialization.asJson(EXISTING_SECRETS.get(parts[4] + "/" + parts[6]));
        } else {
          status = 404;
          body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
              + "\"code\":404,\"message\":\"not found\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
      });
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
            - name: fake
              cluster:
                server: http://127.0.0.1:%d
          contexts:
            - name: fake
              context: {cluster: fake, user: fake}
          users:
            - name: fake
              user: {}
          current-context: fake
          """.formatted(server.getAddress().getPort()));
      started = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyChartWithoutKubeVersion() throws IOException {
    if (Files.exists(RENDER_CHART)) {
      try (Stream<Path> old = Files.walk(RENDER_CHART)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path source : files.toList()) {
        Path target = RENDER_CHART.resolve(CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Path chartYaml = RENDER_CHART.resolve("Chart.yaml");
    String withoutKubeVersion = Files.readAllLines(chartYaml).stream()
        .filter(l -> !l.startsWith("kubeVersion:")).collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(chartYaml, withoutKubeVersion);
  }

  /** The rendering copy's directory, for the test that shows why it exists. */
  static Path renderChart() {
    start();
    return RENDER_CHART;
  }
}
