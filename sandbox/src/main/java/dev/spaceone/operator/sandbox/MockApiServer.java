package dev.spaceone.operator.sandbox;

import dev.spaceone.operator.crd.CustomResourceDefinitions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The sandbox's Kubernetes API: fabric8's mock server in CRUD mode, a real HTTP endpoint on 127.0.0.1, with the
 * product's CRDs installed (so Job and JobTask statuses go through the status subresource). It stores objects (each
 * with a random uid: {@link RandomUidCrudDispatcher}) and serves watches; it does not validate, run controllers,
 * collect garbage or run pods (the sandbox adds the last two).
 */
public final class MockApiServer implements SandboxCluster {
  /** The port is taken; the message says which. */
  public static final class PortInUseException extends Exception {
    public PortInUseException(int port, Throwable cause) {
      super("port " + port + " is already in use (choose another with --port, or --port 0 for a free one)", cause);
    }
  }

  /** A bearer token the mock accepts like any other; written to the sandbox's kubeconfig. */
  public static final String TOKEN = "sandbox-token-not-a-secret";

  private final KubernetesMockServer server;
  private final DiscoveryDispatcher dispatcher;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final String url;

  private MockApiServer(KubernetesMockServer server, DiscoveryDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.url = "http://127.0.0.1:" + server.getPort();
  }

  /** Starts the server on 127.0.0.1:port (0: a free port) and installs the CRDs. */
  public static MockApiServer start(int port) throws PortInUseException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    if (port > 0) {
      // The mock server's own bind failure is a generic exception: ask the OS first, for a clear message.
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(loopback, port));
      } catch (IOException e) {
        throw new PortInUseException(port, e);
      }
    }
    DiscoveryDispatcher dispatcher = new DiscoveryDispatcher(new RandomUidCrudDispatcher());
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    try {
      server.init(loopback, port);
    } catch (RuntimeException e) {
      throw new PortInUseException(port, e);
    }
    MockApiServer api = new MockApiServer(server, dispatcher);
    KubernetesClient admin = api.client("spaceone-sandbox");
    for (var type : CustomResourceDefinitions.RESOURCES) {
      admin.apiextensions().v1().customResourceDefinitions().resource(CustomResourceDefinitions.of(type)).create();
    }
    return api;
  }

  /** Serves {@code query.spaceone.dev} from the query server at {@code url}, through {@code client}. */
  void forwardQueries(String url, java.net.http.HttpClient client) {
    dispatcher.forwardQueries(url, client);
  }

  @Override
  public void serveLogs(DiscoveryDispatcher.PodLogSource source) {
    dispatcher.serveLogs(source);
  }

  @Override
  public String description() {
    return "Kubernetes API " + url + " (fabric8 mock)";
  }

  @Override
  public boolean collectsGarbage() {
    return false;
  }

  @Override
  public SandboxQueryApi startQueryApi(java.nio.file.Path workDir, dev.spaceone.operator.query.RecordStore records)
      throws java.io.IOException {
    SandboxQueryApi queryApi = SandboxQueryApi.onTheMock(records, new SandboxPki(workDir.resolve("pki")));
    forwardQueries(queryApi.url(), queryApi.http());
    return queryApi;
  }

  @Override
  public java.nio.file.Path writeKubeconfig(java.nio.file.Path workDir, SandboxQueryApi queryApi, String namespace)
      throws java.io.IOException {
    return Kubeconfig.write(workDir.resolve("kubeconfig"), url, TOKEN, queryApi.url(), queryApi.pki(), namespace);
  }

  public String url() {
    return url;
  }

  public int port() {
    return server.getPort();
  }

  /**
   * A client for this server, built as for any cluster (URL and token, nothing from the user's kubeconfig), that
   * identifies itself with a User-Agent.
   */
  @Override
  public KubernetesClient client(String userAgent) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withOauthToken(TOKEN)
        .withUserAgent(userAgent)
        .withRequestRetryBackoffLimit(2)
        .build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    server.destroy();
  }
}
