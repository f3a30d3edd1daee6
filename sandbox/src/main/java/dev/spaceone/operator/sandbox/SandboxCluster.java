package dev.spaceone.operator.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;

/** The Kubernetes API the sandbox runs on: the fabric8 mock ({@link MockApiServer}) or a real one ({@link RealCluster}). */
interface SandboxCluster extends AutoCloseable {
  /** A new client, as the named component (its User-Agent where the API tells them apart). */
  KubernetesClient client(String agent);

  /** One line for the user: what runs where. */
  String description();

  /** Whether the API has a garbage collector for ownerReferences (the mock has none). */
  boolean collectsGarbage();

  /** Serves pods/log from the local kubelet where the API has no kubelet of its own to ask. */
  default void serveLogs(DiscoveryDispatcher.PodLogSource source) {
  }

  /** Makes a namespace usable for pods (a real API needs its default ServiceAccount first). */
  default void awaitNamespace(KubernetesClient client, String namespace) {
  }

  /** The sandbox's query API over the operator's records, started the way this API can serve it. */
  SandboxQueryApi startQueryApi(Path workDir, dev.spaceone.operator.query.RecordStore records) throws IOException;

  /** A kubeconfig for kubectl; {@code queryApi} is the running query API. */
  Path writeKubeconfig(Path workDir, SandboxQueryApi queryApi, String namespace) throws IOException;

  @Override
  void close();
}
