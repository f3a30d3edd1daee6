package dev.spaceone.operator.chart;

import static dev.spaceone.operator.chart.HelmChartSupport.API_REQUESTS;
import static dev.spaceone.operator.chart.HelmChartSupport.CHART;
import static dev.spaceone.operator.chart.HelmChartSupport.EXISTING_SECRETS;
import static dev.spaceone.operator.chart.HelmChartSupport.FULLNAME;
import static dev.spaceone.operator.chart.HelmChartSupport.NAMESPACE;
import static dev.spaceone.operator.chart.HelmChartSupport.all;
import static dev.spaceone.operator.chart.HelmChartSupport.describe;
import static dev.spaceone.operator.chart.HelmChartSupport.generic;
import static dev.spaceone.operator.chart.HelmChartSupport.one;
import static dev.spaceone.operator.chart.HelmChartSupport.renderAndParse;
import static dev.spaceone.operator.chart.HelmChartSupport.renderError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.spaceone.operator.desired.PluginRunner;
import dev.spaceone.operator.http.HttpLimits;
import dev.spaceone.operator.settings.Settings;
import dev.spaceone.query.QueryLimits;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Helm chart in helm/spaceone-job-operator: lint, schema, and what it renders for every documented option. */
class HelmChartTest {
  static final String QUERY_SERVICE = FULLNAME;
  static final String TLS_SECRET = FULLNAME + "-query-tls";
  static final String TLS_DIR = "/etc/spaceone/query-tls";

  /** Every documented option, one at a time (the values a user would put in a values file). */
  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("defaults", ""),
        Arguments.of("watchNamespaces set", "watchNamespaces: [team-a, team-b]\n"),
        Arguments.of("leaderElection off", "leaderElection: {enabled: false}\n"),
        Arguments.of("serviceMonitor on",
            "metrics: {serviceMonitor: {enabled: true, interval: 15s, labels: {release: prometheus}}}\n"),
        Arguments.of("certificate generate", "queryApi: {certificate: {mode: generate, secretName: my-query-tls}}\n"),
        Arguments.of("certificate secret", secretModeValues()),
        Arguments.of("certificate certManager self-signed", "queryApi: {certificate: {mode: certManager}}\n"),
        Arguments.of("certificate certManager issuerRef", """
            queryApi:
              certificate:
                mode: certManager
                certManager: {issuerRef: {name: corp-ca, kind: ClusterIssuer}}
            """),
        Arguments.of("insecureSkipTLSVerify", "queryApi: {insecureSkipTLSVerify: true}\n"),
        Arguments.of("queryApi disabled", "queryApi: {enabled: false}\n"),
        Arguments.of("rbac.create false", "rbac: {create: false}\n"),
        Arguments.of("serviceAccount.create false", "serviceAccount: {create: false, name: existing-sa}\n"),
        Arguments.of("everything else", """
            replicaCount: 3
            image: {repository: registry.example.com/spaceone/job-operator, tag: "1.2.3", pullPolicy: Always}
            imagePullSecrets: [regcred, {name: other}]
            podAnnotations: {example.com/team: platform}
            podLabels: {example.com/tier: control}
            logLevel: debug
            runner: {image: {repository: registry.example.com/spaceone/plugin-runner}, command: "java -Xmx256m -jar /r.jar"}
            resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: "2", memory: 2Gi}}
            nodeSelector: {kubernetes.io/os: linux}
            tolerations: [{key: dedicated, operator: Equal, value: ops, effect: NoSchedule}]
            affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
              {matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]}]}}}
            serviceAccount: {annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/x"}}
            metrics: {port: 9090}
            queryApi: {port: 9443}
            """));
  }

  static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("apiregistration.k8s.io/v1/APIService", APIService.class),
      // No typed model on the classpath: parsed generically.
      Map.entry("monitoring.coreos.com/v1/ServiceMonitor", GenericKubernetesResource.class),
      Map.entry("cert-manager.io/v1/Issuer", GenericKubernetesResource.class),
      Map.entry("cert-manager.io/v1/Certificate", GenericKubernetesResource.class));

  static String secretModeValues() {
    return """
        queryApi:
          certificate:
            mode: secret
            secretName: corp-query-tls
            caBundle: |
        %s""".formatted(FixedCertificates.CA_PEM.indent(6));
  }

  @Test
  void lintStrictPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
    assertEquals(List.of(), result.getMessages().stream()
        .filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).toList());
  }

  @Test
  void chartMetadata() throws IOException {
    Map<String, Object> chart = Serialization.unmarshal(Files.readString(CHART.resolve("Chart.yaml")), Map.class);
    assertEquals("v2", chart.get("apiVersion"));
    assertEquals("spaceone-job-operator", chart.get("name"));
    assertEquals("0.1.0", chart.get("version"));
    assertEquals("0.1.0", String.valueOf(chart.get("appVersion")));
    assertEquals(">=1.30.0-0", chart.get("kubeVersion"));
    Map<String, Object> schema = Serialization.unmarshal(Files.readString(CHART.resolve("values.schema.json")),
        Map.class);
    assertEquals("http://json-schema.org/draft-07/schema#", schema.get("$schema"));
    assertEquals(false, schema.get("additionalProperties"));
  }

  /** Why renders use a copy without kubeVersion: helm-java offers only Kubernetes v1.20.0, which the chart refuses. */
  @Test
  void kubeVersionConstraintIsEnforced() {
    HelmChartSupport.renderChart();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Helm(CHART).template().withName("sjo").withNamespace(NAMESPACE).call());
    assertTrue(e.getMessage().contains("chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes"),
        e.getMessage());
  }

  @Test
  void everyValueInValuesYamlIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
    List<String> uncommented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.matches("^\\s*[A-Za-z][\\w.-]*:.*") || line.contains("#")) {
        continue;
      }
      int j = i - 1;
      while (j >= 0 && lines.get(j).isBlank()) {
        j--;
      }
      if (j < 0 || !lines.get(j).strip().startsWith("#")) {
        uncommented.add((i + 1) + ": " + line);
      }
    }
    assertEquals(List.of(), uncommented, "values.yaml keys without a comment");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void everyDocumentParsesAsItsKubernetesType(String scenario, String values) {
    List<HasMetadata> resources = renderAndParse(values);
    assertFalse(resources.isEmpty());
    Set<String> seen = new HashSet<>();
    for (HasMetadata r : resources) {
      String type = r.getApiVersion() + "/" + r.getKind();
      assertTrue(TYPES.containsKey(type), "unexpected type " + type + " in " + scenario);
      assertEquals(TYPES.get(type), r.getClass(), type + " parsed as " + r.getClass());
      assertEquals(List.of(), HelmChartSupport.unknownFields(r), type + " " + r.getMetadata().getName()
          + " has fields its type does not know");
      assertTrue(seen.add(type + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()),
          "rendered twice: " + type + " " + r.getMetadata().getName());
      assertEquals("sjo", r.getMetadata().getLabels().get("app.kubernetes.io/instance"), type);
      assertEquals("Helm", r.getMetadata().getLabels().get("app.kubernetes.io/managed-by"), type);
      // `helm uninstall` removes everything: no hooks, nothing kept.
      Map<String, String> annotations = r.getMetadata().getAnnotations() == null ? Map.of()
          : r.getMetadata().getAnnotations();
      assertFalse(annotations.containsKey("helm.sh/hook"), type + " is a hook");
      assertFalse(annotations.containsKey("helm.sh/resource-policy"), type + " survives uninstall");
    }
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    // Every Service selects the operator pods and targets a port the container declares.
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(podLabels.entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()));
    Set<String> portNames = container(deployment).getPorts().stream().map(p -> p.getName())
        .collect(Collectors.toSet());
    for (Service service : all(resources, Service.class)) {
      assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
          service.getMetadata().getName());
      for (ServicePort port : service.getSpec().getPorts()) {
        assertTrue(portNames.contains(port.getTargetPort().getStrVal()), port.getTargetPort().toString());
      }
    }
    // Every binding's subject is the ServiceAccount the pod runs as.
    String serviceAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    List<Subject> subjects = new ArrayList<>();
    all(resources, RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
    all(resources, ClusterRoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
    for (Subject subject : subjects) {
      assertEquals("ServiceAccount", subject.getKind());
      assertEquals(serviceAccount, subject.getName());
      assertEquals(NAMESPACE, subject.getNamespace());
    }
    // The pod mounts the Secret that the certificate mode produces or names.
    Volume tls = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("query-tls")).findFirst().orElse(null);
    if (tls != null) {
      String secretName = tls.getSecret().getSecretName();
      boolean rendered = all(resources, Secret.class).stream()
          .anyMatch(s -> s.getMetadata().getName().equals(secretName))
          || generic(resources, "cert-manager.io/v1", "Certificate").stream()
          .anyMatch(c -> secretName.equals(((Map<?, ?>) c.getAdditionalProperties().get("spec")).get("secretName")));
      assertTrue(rendered || secretName.equals("corp-query-tls"), "nothing produces Secret " + secretName);
    }
  }

  @Test
  void defaultDeployment() {
    List<HasMetadata> resources = renderAndParse("");
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    assertEquals(1, deployment.getSpec().getReplicas());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertEquals(FULLNAME, pod.getServiceAccountName());
    one(resources, ServiceAccount.class, FULLNAME);
    Container c = container(deployment);
    assertEquals("spaceone-job-operator:0.1.0", c.getImage());
    assertEquals("IfNotPresent", c.getImagePullPolicy());
    assertEquals(List.of("operator"), c.getArgs());

    Map<String, String> env = new HashMap<>(env(c));
    // The runner of grpc task pods: the operator's own image unless runner.image says otherwise.
    assertEquals("spaceone-job-operator:0.1.0", env.remove("RUNNER_IMAGE"));
    assertEquals(PluginRunner.DEFAULT_COMMAND, env.remove("RUNNER_COMMAND"));
    assertEquals(String.valueOf(PluginRunner.DEFAULT_POD_GRACE_SECONDS), env.remove("GRPC_POD_GRACE_SECONDS"));
    // The chart's query limits are the engine's documented defaults.
    for (QueryLimits.Limit limit : QueryLimits.Limit.values()) {
      assertEquals(String.valueOf(limit.defaultValue()), env.remove(limit.setting()), limit.setting());
    }
    // And the server's are the server's defaults (0 threads: half the processors).
    HttpLimits server = HttpLimits.queryDefaults();
    assertEquals(Map.of("QUERY_WORKER_THREADS", "0",
        "QUERY_MAX_IN_FLIGHT", String.valueOf(server.maxInFlight()),
        "QUERY_MAX_IN_FLIGHT_PER_USER", String.valueOf(server.maxInFlightPerUser()),
        "QUERY_MAX_CONNECTIONS", String.valueOf(server.maxConnections()),
        "QUERY_HANDSHAKE_TIMEOUT_SECONDS", String.valueOf(server.handshakeTimeout().toSeconds()),
        "QUERY_IDLE_TIMEOUT_SECONDS", String.valueOf(server.idleTimeout().toSeconds()),
        "QUERY_HEADER_TIMEOUT_SECONDS", String.valueOf(server.headerTimeout().toSeconds()),
        "QUERY_BODY_TIMEOUT_SECONDS", String.valueOf(server.bodyTimeout().toSeconds()),
        "QUERY_WRITE_TIMEOUT_SECONDS", String.valueOf(server.writeTimeout().toSeconds())),
        Map.of("QUERY_WORKER_THREADS", env.remove("QUERY_WORKER_THREADS"),
            "QUERY_MAX_IN_FLIGHT", env.remove("QUERY_MAX_IN_FLIGHT"),
            "QUERY_MAX_IN_FLIGHT_PER_USER", env.remove("QUERY_MAX_IN_FLIGHT_PER_USER"),
            "QUERY_MAX_CONNECTIONS", env.remove("QUERY_MAX_CONNECTIONS"),
            "QUERY_HANDSHAKE_TIMEOUT_SECONDS", env.remove("QUERY_HANDSHAKE_TIMEOUT_SECONDS"),
            "QUERY_IDLE_TIMEOUT_SECONDS", env.remove("QUERY_IDLE_TIMEOUT_SECONDS"),
            "QUERY_HEADER_TIMEOUT_SECONDS", env.remove("QUERY_HEADER_TIMEOUT_SECONDS"),
            "QUERY_BODY_TIMEOUT_SECONDS", env.remove("QUERY_BODY_TIMEOUT_SECONDS"),
            "QUERY_WRITE_TIMEOUT_SECONDS", env.remove("QUERY_WRITE_TIMEOUT_SECONDS")));
    assertEquals(Map.ofEntries(
        Map.entry("POD_NAMESPACE", "fieldRef:metadata.namespace"),
        Map.entry("WATCH_NAMESPACES", ""),
        Map.entry("LEADER_ELECTION", "true"),
        Map.entry("LEADER_ELECTION_NAMESPACE", NAMESPACE),
        Map.entry("LOG_LEVEL", "info"),
        Map.entry("MANAGEMENT_PORT", "8080"),
        Map.entry("JOB_STATUS_INTERVAL_MS", "1000"),
        Map.entry("TASK_RETRY_BACKOFF_SECONDS", "10"),
        Map.entry("TASK_RETRY_BACKOFF_LIMIT_SECONDS", "360"),
        Map.entry("RECONCILE_THREADS", "50"),
        Map.entry("QUERY_PORT", "8443"),
        Map.entry("QUERY_TLS_DIR", TLS_DIR),
        Map.entry("QUERY_MAX_BODY_BYTES", "1048576"),
        Map.entry("QUERY_SAR_CACHE_TTL_SECONDS", "10"),
        Map.entry("QUERY_SAR_CACHE_SIZE", "10000")), env);

    Map<String, Integer> ports = c.getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort()));
    assertEquals(Map.of("management", 8080, "https", 8443), ports);
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals(new IntOrString("management"), c.getLivenessProbe().getHttpGet().getPort());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals(new IntOrString("management"), c.getReadinessProbe().getHttpGet().getPort());

    // Restricted Pod Security Standard.
    assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertEquals(true, c.getSecurityContext().getRunAsNonRoot());
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertTrue(c.getSecurityContext().getCapabilities().getAdd().isEmpty());
    assertEquals("RuntimeDefault", c.getSecurityContext().getSeccompProfile().getType());
    assertEquals(true, c.getSecurityContext().getReadOnlyRootFilesystem());

    assertEquals("256Mi", c.getResources().getRequests().get("memory").toString());
    assertEquals("1Gi", c.getResources().getLimits().get("memory").toString());

    // The serving certificate is mounted read-only where QUERY_TLS_DIR says.
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("query-tls")
        && m.getMountPath().equals(TLS_DIR) && Boolean.TRUE.equals(m.getReadOnly())));
    assertEquals(TLS_SECRET, pod.getVolumes().stream().filter(v -> v.getName().equals("query-tls")).findFirst()
        .orElseThrow().getSecret().getSecretName());
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
        "a read-only root filesystem needs a writable /tmp");
    assertTrue(deployment.getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/query-tls").matches("[0-9a-f]{64}"));
    assertNull(deployment.getSpec().getStrategy(), "the default rolling update, with leader election");
  }

  /** Every variable the operator reads is set by the chart (HOSTNAME is the pod's name, set by Kubernetes). */
  @Test
  void everyVariableTheOperatorReadsIsSetFromValues() {
    Set<String> set = env(container(one(renderAndParse(""), Deployment.class, FULLNAME))).keySet();
    List<String> missing = Settings.variables().stream()
        .filter(v -> !v.equals("HOSTNAME") && !set.contains(v)).toList();
    assertEquals(List.of(), missing, "read by Settings.fromEnvironment but not set by the chart");
  }

  /** The chart's defaults are the operator's own: installing with no values runs as the README says. */
  @Test
  void theChartsDefaultsAreTheOperatorsDefaults() {
    Map<String, String> rendered = new HashMap<>(env(container(one(renderAndParse(""), Deployment.class,
        FULLNAME))));
    rendered.put("POD_NAMESPACE", NAMESPACE);
    rendered.put("HOSTNAME", "sjo-0");
    Settings fromChart = Settings.fromEnvironment(rendered);
    // What the chart chooses on purpose: the query API's port, the runner image (the operator's own).
    Settings fromCode = Settings.fromEnvironment(Map.of("POD_NAMESPACE", NAMESPACE, "HOSTNAME", "sjo-0",
        "QUERY_PORT", "8443", "RUNNER_IMAGE", "spaceone-job-operator:0.1.0"));
    assertEquals(fromCode, fromChart);
  }

  @Test
  void tuningValuesAndExtraEnvReachTheOperator() {
    Map<String, String> env = env(container(one(renderAndParse("""
        jobStatusIntervalMs: 250
        taskRetry: {backoffSeconds: 3, backoffLimitSeconds: 60}
        reconcileThreads: 8
        queryApi: {server: {workerThreads: 2}, maxBodyBytes: 4096, sarCacheTtlSeconds: 1, sarCacheSize: 5}
        extraEnv:
          - {name: JAVA_TOOL_OPTIONS, value: "-Xmx300m"}
          - name: FROM_SECRET
            valueFrom: {secretKeyRef: {name: s, key: k}}
        """), Deployment.class, FULLNAME)));
    assertEquals(List.of("250", "3", "60", "8", "2", "4096", "1", "5", "-Xmx300m"), List.of(
        env.get("JOB_STATUS_INTERVAL_MS"), env.get("TASK_RETRY_BACKOFF_SECONDS"),
        env.get("TASK_RETRY_BACKOFF_LIMIT_SECONDS"), env.get("RECONCILE_THREADS"), env.get("QUERY_WORKER_THREADS"),
        env.get("QUERY_MAX_BODY_BYTES"), env.get("QUERY_SAR_CACHE_TTL_SECONDS"), env.get("QUERY_SAR_CACHE_SIZE"),
        env.get("JAVA_TOOL_OPTIONS")));
    assertTrue(env.containsKey("FROM_SECRET"));
  }

  @Test
  void everyOtherOptionReachesTheDeployment() {
    List<HasMetadata> resources = renderAndParse(scenario("everything else"));
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    assertEquals(3, deployment.getSpec().getReplicas());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container c = container(deployment);
    assertEquals("registry.example.com/spaceone/job-operator:1.2.3", c.getImage());
    assertEquals("Always", c.getImagePullPolicy());
    assertEquals(List.of("regcred", "other"), pod.getImagePullSecrets().stream().map(s -> s.getName()).toList());
    assertEquals("platform", deployment.getSpec().getTemplate().getMetadata().getAnnotations()
        .get("example.com/team"));
    assertTrue(deployment.getSpec().getTemplate().getMetadata().getAnnotations().containsKey("checksum/query-tls"));
    assertEquals("control", deployment.getSpec().getTemplate().getMetadata().getLabels().get("example.com/tier"));
    assertEquals("debug", env(c).get("LOG_LEVEL"));
    assertEquals("9090", env(c).get("MANAGEMENT_PORT"));
    assertEquals("9443", env(c).get("QUERY_PORT"));
    assertEquals("registry.example.com/spaceone/plugin-runner:1.2.3", env(c).get("RUNNER_IMAGE"),
        "the runner's repository, the operator's tag");
    assertEquals("java -Xmx256m -jar /r.jar", env(c).get("RUNNER_COMMAND"));
    assertEquals("2", c.getResources().getLimits().get("cpu").toString());
    assertEquals(Map.of("kubernetes.io/os", "linux"), pod.getNodeSelector());
    assertEquals("dedicated", pod.getTolerations().get(0).getKey());
    assertEquals("kubernetes.io/arch", pod.getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0).getMatchExpressions()
        .get(0).getKey());
    assertEquals("arn:aws:iam::1:role/x", one(resources, ServiceAccount.class, FULLNAME).getMetadata()
        .getAnnotations().get("eks.amazonaws.com/role-arn"));
    Service metrics = one(resources, Service.class, FULLNAME + "-metrics");
    assertEquals(9090, metrics.getSpec().getPorts().get(0).getPort());
    Service query = one(resources, Service.class, QUERY_SERVICE);
    assertEquals(443, query.getSpec().getPorts().get(0).getPort());
    assertEquals(Map.of("management", 9090, "https", 9443), c.getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort())));
  }

  @Test
  void theApiServiceIsAPlainReleaseResourceThatPointsAtTheQueryService() {
    List<HasMetadata> resources = renderAndParse("");
    APIService apiService = one(resources, APIService.class, "v1alpha1.query.spaceone.dev");
    // Not a hook and not kept: `helm uninstall` deletes it with the release, no APIService is left behind.
    Map<String, String> annotations = apiService.getMetadata().getAnnotations() == null ? Map.of()
        : apiService.getMetadata().getAnnotations();
    assertEquals(Set.of(), annotations.keySet().stream().filter(k -> k.startsWith("helm.sh/"))
        .collect(Collectors.toSet()));
    assertEquals("query.spaceone.dev", apiService.getSpec().getGroup());
    assertEquals("v1alpha1", apiService.getSpec().getVersion());
    assertEquals(1000, apiService.getSpec().getGroupPriorityMinimum());
    assertEquals(15, apiService.getSpec().getVersionPriority());
    assertEquals(QUERY_SERVICE, apiService.getSpec().getService().getName());
    assertEquals(NAMESPACE, apiService.getSpec().getService().getNamespace());
    assertEquals(443, apiService.getSpec().getService().getPort());
    assertNull(apiService.getSpec().getInsecureSkipTLSVerify());

    Service query = one(resources, Service.class, QUERY_SERVICE);
    ServicePort https = query.getSpec().getPorts().stream().filter(p -> p.getPort() == 443).findFirst().orElseThrow();
    assertEquals(new IntOrString("https"), https.getTargetPort());
    assertEquals(8443, container(one(resources, Deployment.class, FULLNAME)).getPorts().stream()
        .filter(p -> p.getName().equals("https")).findFirst().orElseThrow().getContainerPort());
    Service metrics = one(resources, Service.class, FULLNAME + "-metrics");
    assertEquals(8080, metrics.getSpec().getPorts().get(0).getPort());
    assertEquals(new IntOrString("management"), metrics.getSpec().getPorts().get(0).getTargetPort());
  }

  @Test
  void generateModeIssuesACertificateForTheServiceSignedByTheApiServicesCa() throws Exception {
    List<HasMetadata> resources = renderAndParse("");
    Secret secret = one(resources, Secret.class, TLS_SECRET);
    assertEquals("kubernetes.io/tls", secret.getType());
    assertEquals(Set.of("tls.crt", "tls.key", "ca.crt"), secret.getData().keySet());
    APIService apiService = one(resources, APIService.class, "v1alpha1.query.spaceone.dev");
    String caBundle = apiService.getSpec().getCaBundle();
    assertFalse(caBundle == null || caBundle.isBlank(), "caBundle");
    // The Secret, the APIService and the pod's checksum come from different templates but one certificate.
    assertEquals(secret.getData().get("ca.crt"), caBundle);

    X509Certificate ca = certificate(caBundle);
    X509Certificate serving = certificate(secret.getData().get("tls.crt"));
    serving.verify(ca.getPublicKey());
    serving.checkValidity();
    String host = QUERY_SERVICE + "." + NAMESPACE + ".svc";
    assertTrue(serving.getSubjectX500Principal().getName().contains("CN=" + host),
        serving.getSubjectX500Principal().getName());
    List<String> sans = serving.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList();
    assertEquals(List.of(host, host + ".cluster.local"), sans);
    assertTrue(serving.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    assertTrue(new String(Base64.getDecoder().decode(secret.getData().get("tls.key")), StandardCharsets.US_ASCII)
        .contains("PRIVATE KEY"));
    assertEquals(-1, serving.getBasicConstraints(), "the serving certificate is not a CA");
    assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");

    // A new certificate (fresh install) changes the checksum, so the pod rolls.
    String checksum = checksum(resources);
    assertNotEquals(checksum, checksum(renderAndParse("")));
  }

  @Test
  void generateModeKeepsTheExistingCertificateOnUpgrade() {
    String values = "queryApi: {certificate: {secretName: upgraded-tls}}\n";
    Secret existing = new SecretBuilder().withNewMetadata().withName("upgraded-tls").withNamespace(NAMESPACE)
        .endMetadata().withType("kubernetes.io/tls")
        .addToData("tls.crt", b64(FixedCertificates.SERVING_PEM)).addToData("tls.key", b64("-----BEGIN RSA PRIVATE KEY-----"))
        .addToData("ca.crt", b64(FixedCertificates.CA_PEM)).build();
    EXISTING_SECRETS.put(NAMESPACE + "/upgraded-tls", existing);
    try {
      API_REQUESTS.clear();
      List<HasMetadata> first = renderAndParse(values);
      // One lookup per render: the Secret, the APIService and the checksum share it.
      assertEquals(List.of("GET /api/v1/namespaces/" + NAMESPACE + "/secrets/upgraded-tls"),
          API_REQUESTS.stream().filter(r -> r.contains("/secrets/")).toList());
      assertEquals(existing.getData(), one(first, Secret.class, "upgraded-tls").getData());
      assertEquals(existing.getData().get("ca.crt"),
          one(first, APIService.class, "v1alpha1.query.spaceone.dev").getSpec().getCaBundle());
      // Same certificate, same checksum: an upgrade does not roll the pod for nothing.
      assertEquals(checksum(first), checksum(renderAndParse(values)));
    } finally {
      EXISTING_SECRETS.clear();
    }
    // Without the Secret the chart generates one.
    List<HasMetadata> fresh = renderAndParse(values);
    assertNotEquals(b64(FixedCertificates.CA_PEM), one(fresh, Secret.class, "upgraded-tls").getData().get("ca.crt"));
  }

  @Test
  void secretModeMountsTheNamedSecretAndTrustsTheGivenCa() {
    List<HasMetadata> resources = renderAndParse(secretModeValues());
    assertEquals(List.of(), all(resources, Secret.class), "the Secret exists already");
    assertEquals(List.of(), generic(resources, "cert-manager.io/v1", "Certificate"));
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    assertEquals("corp-query-tls", deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("query-tls")).findFirst().orElseThrow().getSecret().getSecretName());
    assertEquals(b64(FixedCertificates.CA_PEM.strip()),
        one(resources, APIService.class, "v1alpha1.query.spaceone.dev").getSpec().getCaBundle());
    // Already base64-encoded works as well.
    String encoded = "queryApi: {certificate: {mode: secret, secretName: corp-query-tls, caBundle: "
        + b64(FixedCertificates.CA_PEM) + "}}\n";
    assertEquals(b64(FixedCertificates.CA_PEM),
        one(renderAndParse(encoded), APIService.class, "v1alpha1.query.spaceone.dev").getSpec().getCaBundle());
  }

  @Test
  void certManagerModeRendersASelfSignedCaChainAndInjectsTheCa() {
    List<HasMetadata> resources = renderAndParse(scenario("certificate certManager self-signed"));
    assertEquals(List.of(), all(resources, Secret.class));
    Map<String, Map<String, Object>> issuers = specs(generic(resources, "cert-manager.io/v1", "Issuer"));
    Map<String, Map<String, Object>> certificates = specs(generic(resources, "cert-manager.io/v1", "Certificate"));
    assertEquals(Set.of(FULLNAME + "-selfsigned", FULLNAME + "-ca"), issuers.keySet());
    assertEquals(Map.of(), issuers.get(FULLNAME + "-selfsigned").get("selfSigned"));
    assertEquals(Map.of("secretName", FULLNAME + "-ca"), issuers.get(FULLNAME + "-ca").get("ca"));
    assertEquals(Set.of(FULLNAME + "-ca", TLS_SECRET), certificates.keySet());
    Map<String, Object> ca = certificates.get(FULLNAME + "-ca");
    assertEquals(true, ca.get("isCA"));
    assertEquals(FULLNAME + "-ca", ca.get("secretName"));
    assertEquals(FULLNAME + "-selfsigned", ((Map<?, ?>) ca.get("issuerRef")).get("name"));
    Map<String, Object> serving = certificates.get(TLS_SECRET);
    assertEquals(TLS_SECRET, serving.get("secretName"));
    String host = QUERY_SERVICE + "." + NAMESPACE + ".svc";
    assertEquals(List.of(host, host + ".cluster.local"), serving.get("dnsNames"));
    assertEquals(Map.of("group", "cert-manager.io", "kind", "Issuer", "name", FULLNAME + "-ca"),
        serving.get("issuerRef"));

    APIService apiService = one(resources, APIService.class, "v1alpha1.query.spaceone.dev");
    assertEquals(NAMESPACE + "/" + TLS_SECRET,
        apiService.getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from"));
    assertNull(apiService.getSpec().getCaBundle(), "cert-manager injects it");
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    assertEquals(TLS_SECRET, deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("query-tls")).findFirst().orElseThrow().getSecret().getSecretName());
    assertEquals(Map.of(), deployment.getSpec().getTemplate().getMetadata().getAnnotations(),
        "no checksum: cert-manager rotates the certificate in place");
  }

  @Test
  void certManagerModeWithAnIssuerRefUsesIt() {
    List<HasMetadata> resources = renderAndParse(scenario("certificate certManager issuerRef"));
    assertEquals(List.of(), generic(resources, "cert-manager.io/v1", "Issuer"));
    Map<String, Map<String, Object>> certificates = specs(generic(resources, "cert-manager.io/v1", "Certificate"));
    assertEquals(Set.of(TLS_SECRET), certificates.keySet());
    assertEquals(Map.of("group", "cert-manager.io", "kind", "ClusterIssuer", "name", "corp-ca"),
        certificates.get(TLS_SECRET).get("issuerRef"));
  }

  @Test
  void insecureSkipTlsVerifyDropsTheCaBundle() {
    APIService apiService = one(renderAndParse(scenario("insecureSkipTLSVerify")), APIService.class,
        "v1alpha1.query.spaceone.dev");
    assertEquals(true, apiService.getSpec().getInsecureSkipTLSVerify());
    assertNull(apiService.getSpec().getCaBundle(), "the API server rejects caBundle with insecureSkipTLSVerify");
  }

  @Test
  void queryApiBindingsForDelegatedAuthentication() {
    List<HasMetadata> resources = renderAndParse("");
    ClusterRoleBinding delegator = one(resources, ClusterRoleBinding.class, FULLNAME + "-auth-delegator");
    assertEquals("ClusterRole", delegator.getRoleRef().getKind());
    assertEquals("system:auth-delegator", delegator.getRoleRef().getName());
    RoleBinding reader = one(resources, RoleBinding.class, FULLNAME + "-auth-reader");
    assertEquals("kube-system", reader.getMetadata().getNamespace());
    assertEquals("Role", reader.getRoleRef().getKind());
    assertEquals("extension-apiserver-authentication-reader", reader.getRoleRef().getName());
  }

  @Test
  void queryApiDisabledRendersNothingOfIt() {
    List<HasMetadata> resources = renderAndParse(scenario("queryApi disabled"));
    assertEquals(List.of(), all(resources, APIService.class));
    assertEquals(List.of(), all(resources, Secret.class));
    assertEquals(List.of(FULLNAME + "-metrics"), all(resources, Service.class).stream()
        .map(s -> s.getMetadata().getName()).toList());
    List<String> names = describe(resources);
    assertFalse(names.stream().anyMatch(n -> n.contains("auth-delegator") || n.contains("auth-reader")
        || n.endsWith("-query")), names.toString());
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    Container c = container(deployment);
    assertFalse(env(c).containsKey("QUERY_PORT"));
    assertFalse(env(c).containsKey("QUERY_TLS_DIR"));
    assertEquals(List.of("management"), c.getPorts().stream().map(p -> p.getName()).toList());
    assertFalse(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getName().equals("query-tls")));
  }

  /** queryApi.separateDeployment: the query API in its own pods, the operator's pods serving no queries. */
  @Test
  void separateQueryDeploymentServesTheQueryApiAlone() {
    List<HasMetadata> resources = renderAndParse("""
        queryApi:
          separateDeployment: {enabled: true, replicas: 2}
          server: {workerThreads: 3, maxInFlight: 20, maxInFlightPerUser: 5}
        watchNamespaces: [team-a]
        """);
    Container operator = container(one(resources, Deployment.class, FULLNAME));
    assertFalse(env(operator).containsKey("QUERY_PORT"));
    assertEquals(List.of("management"), operator.getPorts().stream().map(p -> p.getName()).toList());

    Deployment query = one(resources, Deployment.class, FULLNAME + "-query");
    assertEquals(2, query.getSpec().getReplicas());
    Container c = query.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(List.of("query-server"), c.getArgs());
    Map<String, String> env = env(c);
    assertEquals("8443", env.get("QUERY_PORT"));
    assertEquals("team-a", env.get("WATCH_NAMESPACES"));
    assertEquals("3", env.get("QUERY_WORKER_THREADS"));
    assertEquals("20", env.get("QUERY_MAX_IN_FLIGHT"));
    assertEquals("5", env.get("QUERY_MAX_IN_FLIGHT_PER_USER"));
    assertTrue(env.containsKey("QUERY_DEADLINE_MS"), "the engine's limits reach it too");
    assertEquals("768Mi", c.getResources().getLimits().get("memory").toString());
    assertTrue(query.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getName().equals("query-tls")));

    // The query Service selects the query pods, and the operator's selector does not.
    Map<String, String> queryPods = query.getSpec().getTemplate().getMetadata().getLabels();
    Service service = one(resources, Service.class, QUERY_SERVICE);
    assertTrue(queryPods.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
    Map<String, String> operatorSelector = one(resources, Deployment.class, FULLNAME).getSpec().getSelector()
        .getMatchLabels();
    assertFalse(queryPods.entrySet().containsAll(operatorSelector.entrySet()),
        "the operator Deployment must not select the query pods");
    Map<String, String> operatorPods = one(resources, Deployment.class, FULLNAME).getSpec().getTemplate()
        .getMetadata().getLabels();
    assertFalse(operatorPods.entrySet().containsAll(query.getSpec().getSelector().getMatchLabels().entrySet()));
    Service metrics = one(resources, Service.class, FULLNAME + "-metrics");
    assertFalse(queryPods.entrySet().containsAll(metrics.getSpec().getSelector().entrySet()));
  }

  /** The server's limits reach the container. */
  @Test
  void queryServerLimitsReachTheOperator() {
    Container c = container(one(renderAndParse("""
        queryApi:
          server: {handshakeTimeoutSeconds: 5, idleTimeoutSeconds: 30, headerTimeoutSeconds: 4,
                   bodyTimeoutSeconds: 20, writeTimeoutSeconds: 15, maxConnections: 200}
        """), Deployment.class, FULLNAME));
    Map<String, String> env = env(c);
    assertEquals("5", env.get("QUERY_HANDSHAKE_TIMEOUT_SECONDS"));
    assertEquals("30", env.get("QUERY_IDLE_TIMEOUT_SECONDS"));
    assertEquals("4", env.get("QUERY_HEADER_TIMEOUT_SECONDS"));
    assertEquals("20", env.get("QUERY_BODY_TIMEOUT_SECONDS"));
    assertEquals("15", env.get("QUERY_WRITE_TIMEOUT_SECONDS"));
    assertEquals("200", env.get("QUERY_MAX_CONNECTIONS"));
    assertEquals("0", env.get("QUERY_WORKER_THREADS"));
  }

  @Test
  void watchNamespacesReachTheOperator() {
    Container c = container(one(renderAndParse(scenario("watchNamespaces set")), Deployment.class, FULLNAME));
    assertEquals("team-a,team-b", env(c).get("WATCH_NAMESPACES"));
  }

  @Test
  void leaderElectionOff() {
    List<HasMetadata> resources = renderAndParse(scenario("leaderElection off"));
    Deployment deployment = one(resources, Deployment.class, FULLNAME);
    assertEquals("false", env(container(deployment)).get("LEADER_ELECTION"));
    assertEquals("Recreate", deployment.getSpec().getStrategy().getType(), "never two operators at once");
    assertTrue(all(resources, Role.class).stream().noneMatch(r -> r.getMetadata().getName().endsWith("leader-election")));
    String error = renderError("replicaCount: 2\nleaderElection: {enabled: false}\n");
    assertTrue(error.contains("replicaCount > 1 requires leaderElection.enabled"), error);
  }

  @Test
  void serviceMonitorScrapesTheMetricsServiceOnlyWhenEnabled() {
    assertEquals(List.of(), generic(renderAndParse(""), "monitoring.coreos.com/v1", "ServiceMonitor"));
    List<HasMetadata> resources = renderAndParse(scenario("serviceMonitor on"));
    List<GenericKubernetesResource> monitors = generic(resources, "monitoring.coreos.com/v1", "ServiceMonitor");
    assertEquals(1, monitors.size());
    GenericKubernetesResource monitor = monitors.get(0);
    assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
    Map<?, ?> spec = (Map<?, ?>) monitor.getAdditionalProperties().get("spec");
    Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) spec.get("endpoints")).get(0);
    assertEquals("metrics", endpoint.get("port"));
    assertEquals("/metrics", endpoint.get("path"));
    assertEquals("15s", endpoint.get("interval"));
    Map<?, ?> matchLabels = (Map<?, ?>) ((Map<?, ?>) spec.get("selector")).get("matchLabels");
    List<String> selected = all(resources, Service.class).stream()
        .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(matchLabels.entrySet()))
        .map(s -> s.getMetadata().getName()).toList();
    assertEquals(List.of(FULLNAME + "-metrics"), selected);
    assertTrue(one(resources, Service.class, FULLNAME + "-metrics").getSpec().getPorts().stream()
        .anyMatch(p -> p.getName().equals("metrics")));
  }

  @Test
  void rbacCreateFalseRendersNoRbac() {
    List<HasMetadata> resources = renderAndParse(scenario("rbac.create false"));
    assertEquals(List.of(), resources.stream().filter(r -> r.getApiVersion().startsWith("rbac.authorization.k8s.io"))
        .map(HasMetadata::getKind).toList());
    one(resources, ServiceAccount.class, FULLNAME);
  }

  @Test
  void serviceAccountCreateFalseUsesTheNamedOne() {
    List<HasMetadata> resources = renderAndParse(scenario("serviceAccount.create false"));
    assertEquals(List.of(), all(resources, ServiceAccount.class));
    assertEquals("existing-sa", one(resources, Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
        .getServiceAccountName());
    assertEquals("existing-sa", one(resources, ClusterRoleBinding.class, FULLNAME).getSubjects().get(0).getName());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("replicaCount: -1\n", "replicaCount", "greater than or equal to 1"),
        Arguments.of("replicaCount: 1.5\n", "replicaCount", "integer"),
        Arguments.of("logLevel: loud\n", "logLevel", "\"trace\", \"debug\", \"info\", \"warn\", \"error\""),
        Arguments.of("image: {pullPolicy: Sometimes}\n", "image.pullPolicy", "\"Always\", \"IfNotPresent\", \"Never\""),
        Arguments.of("watchNamespaces: [Team_A]\n", "watchNamespaces.0", "pattern"),
        Arguments.of("watchNamespaces: team-a\n", "watchNamespaces", "array"),
        Arguments.of("queryApi: {certificate: {mode: vault}}\n", "queryApi.certificate.mode", "\"generate\""),
        Arguments.of("queryApi: {certificate: {mode: secret, secretName: x}}\n", "queryApi.certificate.caBundle",
            ""),
        Arguments.of("queryApi: {certificate: {certManager: {issuerRef: {kind: Vault}}}}\n",
            "queryApi.certificate.certManager.issuerRef.kind", "ClusterIssuer"),
        Arguments.of("metrics: {port: 70000}\n", "metrics.port", "65535"),
        Arguments.of("leaderElection: {enabled: \"yes\"}\n", "leaderElection.enabled", "boolean"),
        Arguments.of("replicas: 2\n", "replicas", "not allowed"),
        Arguments.of("rbac: {create: true, extraRules: []}\n", "extraRules", "not allowed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void theSchemaRejectsBadValuesNamingThem(String values, String key, String detail) {
    String error = renderError(values);
    assertTrue(error.contains("values don't meet the specifications of the schema"), error);
    assertTrue(error.contains(key), "the message should name " + key + ": " + error);
    assertTrue(error.contains(detail), "the message should say " + detail + ": " + error);
  }

  @Test
  void notesTellTheUserWhatToRunNext() throws IOException {
    String notes = Files.readString(CHART.resolve("templates/NOTES.txt"));
    for (String command : List.of("kubectl apply", "-f examples/", "kubectl get sjob -w",
        "kubectl wait --for=condition=Complete job.spaceone.dev/NAME",
        "kubectl create -f examples/queries/stat.yaml -o yaml")) {
      assertTrue(notes.contains(command), command);
    }
  }

  // -- helpers

  static String scenario(String name) {
    return scenarios().map(Arguments::get).filter(a -> a[0].equals(name)).map(a -> (String) a[1]).findFirst()
        .orElseThrow();
  }

  static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size());
    assertEquals("operator", containers.get(0).getName());
    return containers.get(0);
  }

  static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.getEnv()) {
      String value = e.getValueFrom() == null ? e.getValue()
          : e.getValueFrom().getFieldRef() != null ? "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath()
          : "valueFrom";
      assertNull(env.put(e.getName(), value == null ? "" : value), "duplicate env " + e.getName());
    }
    return env;
  }

  static String checksum(List<HasMetadata> resources) {
    return one(resources, Deployment.class, FULLNAME).getSpec().getTemplate().getMetadata().getAnnotations()
        .get("checksum/query-tls");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> specs(List<GenericKubernetesResource> resources) {
    Map<String, Map<String, Object>> specs = new LinkedHashMap<>();
    for (GenericKubernetesResource r : resources) {
      assertEquals(NAMESPACE, r.getMetadata().getNamespace());
      specs.put(r.getMetadata().getName(), (Map<String, Object>) r.getAdditionalProperties().get("spec"));
    }
    return specs;
  }

  static X509Certificate certificate(String base64Pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

}
