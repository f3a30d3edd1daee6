package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.crd.CustomResourceDefinitions;
import dev.spaceone.testkit.LocalControlPlane;
import dev.spaceone.testkit.LocalImages;
import dev.spaceone.testkit.RealNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import dev.spaceone.operator.query.QueryKind;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code --control-plane real}: etcd, kube-apiserver and kube-controller-manager (garbage collector, namespace and
 * service-account controllers) as child processes, from the binaries the e2e suite installs
 * ({@code e2e/install-control-plane.sh}; see {@link LocalControlPlane}). The API validates manifests itself (schemas and CEL
 * rules), collects garbage, and authenticates and authorizes: the sandbox's components use the admin (system:masters)
 * client certificate, and the query API runs as in a cluster, trusting the API server's client CA and front-proxy and
 * asking it SubjectAccessReviews.
 *
 * <p>With a real node ({@code --node real}, {@link RealNode}): also kube-scheduler and the node controllers, and
 * containerd with a kubelet on this machine that run the task pods as containers from locally built images
 * ({@link LocalImages}); kube-apiserver then serves pod logs from that kubelet. {@link #close()} removes the node
 * (pods, containers, mounts, cgroups, bridge) before it stops the control plane.
 */
final class RealCluster implements SandboxCluster {
  private final Optional<String> queryAddress;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RealCluster.class);
  static final String QUERY_NAMESPACE = "default";
  static final String QUERY_SERVICE = "spaceone-sandbox-query-api";

  private final LocalControlPlane plane;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private RealNode node;
  private volatile boolean aggregated;

  private RealCluster(LocalControlPlane plane, String queryAddress) {
    this.queryAddress = Optional.ofNullable(queryAddress);
    this.plane = plane;
  }

  /**
   * Why the sandbox cannot run a real node here (not root, a package or the kubelet missing, not run from the
   * repository), or empty.
   */
  static Optional<String> realNodeUnavailableReason(Path workingFolder) {
    return RealNode.unavailableReason()
        .or(() -> LocalImages.unavailableReason().map(reason -> "no real node: " + reason))
        .or(() -> LocalImages.repository(workingFolder).isPresent() ? Optional.empty()
            : Optional.of("no real node: no " + LocalImages.SCRIPT + " in " + workingFolder.toAbsolutePath()
                + " or a parent (run the sandbox from the repository) to build its images"));
  }

  /**
   * Starts the control plane and installs the CRDs, then, given the OCI archives of the node's images (null: no
   * node), a real node; throws with a clear message when the binaries are missing.
   */
  static RealCluster start(String queryAddress, List<Path> nodeImages) {
    LocalControlPlane.unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException("--control-plane real: " + reason);
    });
    RealCluster cluster = new RealCluster(nodeImages == null ? LocalControlPlane.start()
        : LocalControlPlane.startForNodes(), queryAddress);
    try {
      KubernetesClient admin = cluster.plane.client();
      for (var type : CustomResourceDefinitions.RESOURCES) {
        CustomResourceDefinition crd = CustomResourceDefinitions.of(type);
        admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                && c.getStatus().getConditions().stream()
                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
      }
      if (nodeImages != null) {
        cluster.node = RealNode.start(cluster.plane, nodeImages);
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  public KubernetesClient client(String agent) {
    KubernetesClient client = plane.newClient(plane.kubeconfigPath());
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  @Override
  public String description() {
    return "kube-apiserver " + plane.apiServerUrl() + " (" + LocalControlPlane.kubernetesVersion()
        + ", etcd, kube-controller-manager" + (node == null ? ")"
            : ", kube-scheduler), real node " + node.name() + " (containerd, kubelet; Ready "
                + String.format(java.util.Locale.ROOT, "%.1f", node.startTime().toMillis() / 1000.0) + " s after"
                + " containerd started)");
  }

  @Override
  public boolean collectsGarbage() {
    return true;
  }

  @Override
  public void awaitNamespace(KubernetesClient client, String namespace) {
    // Pods need the namespace's default ServiceAccount, which kube-controller-manager creates.
    client.serviceAccounts().inNamespace(namespace).withName("default")
        .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
  }

  /**
   * The query API as in a cluster, registered with an APIService when the user named an address of this machine
   * that kube-apiserver can route to ({@code --query-address}; Endpoints may not hold a loopback address, and the
   * sandbox sends traffic to no address it was not given): then {@code kubectl create -f
   * examples/queries/stat.yaml} goes through kube-apiserver's aggregation, front-proxy headers and all.
   */
  @Override
  public SandboxQueryApi startQueryApi(Path workDir, dev.spaceone.operator.query.RecordStore records)
      throws IOException {
    Optional<String> address = queryAddress;
    String service = QUERY_SERVICE + "." + QUERY_NAMESPACE + ".svc";
    SandboxPki pki = new SandboxPki(workDir.resolve("pki"), List.of(service, service + ".cluster.local"),
        address.map(List::of).orElse(List.of()));
    KubernetesClient client = client("spaceone-query-api");
    SandboxQueryApi api = SandboxQueryApi.asInACluster(client, records, pki,
        plane.clusterCa().issueClient(workDir.resolve("pki"), "sandbox-admin", SandboxPki.USER,
            List.of("system:masters")).sslContext(pki.ca.certificate()), address.orElse("127.0.0.1"));
    if (address.isPresent()) {
      try {
        register(client, address.get(), api.port(), pki);
        aggregated = true;
      } catch (RuntimeException e) {
        LOG.warn("the query API is not registered as an APIService: {}", e.toString());
      }
    }
    return api;
  }

  /** Whether kube-apiserver serves query.spaceone.dev (through the APIService). */
  boolean aggregated() {
    return aggregated;
  }

  private static void register(KubernetesClient client, String address, int port, SandboxPki pki) {
    client.services().inNamespace(QUERY_NAMESPACE).resource(new ServiceBuilder().withNewMetadata()
        .withName(QUERY_SERVICE).endMetadata().withNewSpec().addNewPort().withName("https").withPort(443)
        .withNewTargetPort(port).endPort().endSpec().build()).create();
    client.endpoints().inNamespace(QUERY_NAMESPACE).resource(new EndpointsBuilder().withNewMetadata()
        .withName(QUERY_SERVICE).endMetadata().addNewSubset().addNewAddress().withIp(address).endAddress()
        .addNewPort().withName("https").withPort(port).endPort().endSubset().build()).create();
    GenericKubernetesResource apiService = new GenericKubernetesResourceBuilder()
        .withApiVersion("apiregistration.k8s.io/v1").withKind("APIService")
        .withNewMetadata().withName(QueryKind.VERSION + "." + QueryKind.GROUP).endMetadata()
        .addToAdditionalProperties("spec", Map.of(
            "group", QueryKind.GROUP, "version", QueryKind.VERSION,
            "service", Map.of("namespace", QUERY_NAMESPACE, "name", QUERY_SERVICE, "port", 443),
            "caBundle", Base64.getEncoder().encodeToString(
                pki.ca.certPem().getBytes(StandardCharsets.US_ASCII)),
            "groupPriorityMinimum", 1000, "versionPriority", 15))
        .build();
    var apiServices = client.genericKubernetesResources("apiregistration.k8s.io/v1", "APIService");
    apiServices.resource(apiService).create();
    apiServices.withName(apiService.getMetadata().getName())
        .waitUntilCondition(a -> a != null && available(a), 60, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private static boolean available(GenericKubernetesResource apiService) {
    Object status = apiService.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && "Available".equals(m.get("type"))
        && "True".equals(m.get("status")));
  }


  @Override
  public Path writeKubeconfig(Path workDir, SandboxQueryApi queryApi, String namespace) {
    return plane.kubeconfigPath();
  }

  /** The real node, or empty with the local-process kubelet. */
  Optional<RealNode> node() {
    return Optional.ofNullable(node);
  }

  @Override
  public void close() {
    if (node != null) {
      node.close();
    }
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    plane.close();
  }
}
