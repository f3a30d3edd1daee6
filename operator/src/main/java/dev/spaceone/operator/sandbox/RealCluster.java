package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.crd.CustomResourceDefinitions;
import dev.spaceone.operator.sandbox.real.ControlPlane;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --control-plane real}: etcd, kube-apiserver and kube-controller-manager (garbage collector, namespace and
 * service-account controllers) as child processes, from the binaries the e2e suite installs
 * ({@code e2e/install-control-plane.sh}; see {@link ControlPlane}). The API validates manifests itself (schemas and CEL
 * rules), collects garbage, and authenticates and authorizes: the sandbox's components use the admin (system:masters)
 * client certificate, and the query API runs as in a cluster, trusting the API server's client CA and front-proxy and
 * asking it SubjectAccessReviews.
 */
final class RealCluster implements SandboxCluster {
  private final ControlPlane plane;
  private final List<KubernetesClient> clients = new ArrayList<>();

  private RealCluster(ControlPlane plane) {
    this.plane = plane;
  }

  /** Starts the control plane and installs the CRDs; throws with a clear message when the binaries are missing. */
  static RealCluster start() {
    ControlPlane.unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException("--control-plane real: " + reason);
    });
    RealCluster cluster = new RealCluster(ControlPlane.start());
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
    return "kube-apiserver " + plane.apiServerUrl() + " (" + ControlPlane.kubernetesVersion()
        + ", etcd, kube-controller-manager)";
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

  @Override
  public SandboxQueryApi startQueryApi(Path workDir) throws IOException {
    SandboxPki pki = new SandboxPki(workDir.resolve("pki"));
    return SandboxQueryApi.asInACluster(client("spaceone-query-api"), pki,
        plane.clusterCa().issueClient(workDir.resolve("pki"), "sandbox-admin", SandboxPki.USER,
            List.of("system:masters")).sslContext(pki.ca.certificate()));
  }

  @Override
  public Path writeKubeconfig(Path workDir, SandboxQueryApi queryApi, String namespace) {
    return plane.kubeconfigPath();
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    plane.close();
  }
}
