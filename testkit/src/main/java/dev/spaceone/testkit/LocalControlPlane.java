package dev.spaceone.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The one implementation, used by {@code sandbox --control-plane real} and, wrapped with JUnit and kubectl
 * helpers, by the e2e suite ({@code e2e/src/test/java/dev/spaceone/e2e/LocalControlPlane.java}).
 *
 * A real Kubernetes control plane for end-to-end tests: etcd, kube-apiserver and
 * kube-controller-manager, run as child processes from the binaries that
 * {@code e2e/install-control-plane.sh} builds.
 *
 * <p>Everything lives in a fresh temp folder: a PKI made with BouncyCastle (cluster CA, apiserver
 * serving certificate, service-account key pair, admin client certificate in system:masters,
 * front-proxy CA and front-proxy-client certificate), kubeconfigs, etcd's data and each child's
 * log. All listeners are on 127.0.0.1 on free ports, so several control planes can run side by
 * side on one machine. {@link #close()} (and a shutdown hook) stops the children.
 *
 * <p>Configuration (system property, else environment variable):
 * <ul>
 *   <li>{@code e2e.controlplane.bin} / {@code SPACEONE_E2E_BIN}: folder with the three binaries;
 *       default {@code ${SPACEONE_E2E_CACHE:-~/.cache/spaceone-job-operator/e2e}/<version>/bin}</li>
 *   <li>{@code e2e.kubernetes.version}: the version folder in the cache (default {@value #DEFAULT_KUBERNETES_VERSION})</li>
 *   <li>{@code e2e.keep=true}: keep the temp folder after {@link #close()}</li>
 *   <li>{@code e2e.controllers}: kube-controller-manager's {@code --controllers} (default {@value #DEFAULT_CONTROLLERS})</li>
 * </ul>
 */
public final class LocalControlPlane implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalControlPlane.class);

  public static final String DEFAULT_KUBERNETES_VERSION = "v1.33.13";
  public static final String DEFAULT_CONTROLLERS =
      "garbagecollector,namespace,serviceaccount,serviceaccount-token";
  public static final String SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";
  public static final String CLUSTER_NAME = "spaceone-e2e";
  public static final String ADMIN_USER = "spaceone-e2e-admin";
  /**
   * Writes of users in this group are audited (level Request, so a Lease's holder shows) to {@link #auditLogPath()};
   * nothing else is, so the log stays small. Tests that check who wrote what put their clients in it.
   */
  public static final String AUDITED_GROUP = "spaceone:audited";
  private static final String AUDIT_POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
        - level: Request
          userGroups: ["%s"]
          verbs: [create, update, patch, delete, deletecollection]
        - level: None
      """.formatted(AUDITED_GROUP);

  /**
   * Controllers added for real nodes: nodelifecycle lifts the not-ready taint the apiserver puts on a new Node;
   * root-ca-cert-publisher writes the kube-root-ca.crt ConfigMap that service-account token volumes mount;
   * deployment and replicaset run Deployments (the chart's operator); endpoint and endpointslice give Services
   * the addresses of their ready pods (the aggregator routes the query APIService to them).
   */
  public static final String NODE_CONTROLLERS =
      "nodelifecycle,root-ca-cert-publisher,deployment,replicaset,endpoint,endpointslice";

  static final List<String> BINARIES = List.of("etcd", "kube-apiserver", "kube-controller-manager");
  /** With real nodes, also a scheduler (the operator never sets nodeName). */
  static final List<String> NODE_BINARIES = List.of("kube-scheduler");
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration APISERVER_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CONTROLLER_MANAGER_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(120);
  private static final int LOG_TAIL_LINES = 40;
  private static final int START_ATTEMPTS = 3;

  private final Path binDir;
  private final Path workDir;
  private final Path pkiDir;
  private final Pki.CertificateAuthority clusterCa;
  private final Pki.CertificateAuthority frontProxyCa;
  private final Pki.Issued frontProxyClient;
  private final Pki.Issued admin;
  private final Path serviceAccountKey;
  private final Path serviceAccountPub;
  private final List<Child> children = new CopyOnWriteArrayList<>();
  /** What runs against this control plane and must stop before it (a real node): see {@link #stopsFirst}. */
  private final List<AutoCloseable> dependents = new CopyOnWriteArrayList<>();
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final Thread shutdownHook;
  private final HttpClient adminHttp;

  private final boolean forNodes;
  private int apiServerPort;
  private Path adminKubeconfig;
  private KubernetesClient client;
  private volatile boolean closed;
  private volatile boolean keepWorkDir;

  // ---------------------------------------------------------------- locating the binaries

  /** The folder the binaries are looked for in. */
  public static Path binDir() {
    String explicit = setting("e2e.controlplane.bin", "SPACEONE_E2E_BIN");
    if (explicit != null) {
      return Paths.get(explicit);
    }
    String cache = System.getenv("SPACEONE_E2E_CACHE");
    Path root = cache != null && !cache.isBlank()
        ? Paths.get(cache)
        : Paths.get(System.getProperty("user.home"), ".cache", "spaceone-job-operator", "e2e");
    return root.resolve(kubernetesVersion()).resolve("bin");
  }

  /** The pinned Kubernetes version (the cache folder's name). */
  public static String kubernetesVersion() {
    return System.getProperty("e2e.kubernetes.version", DEFAULT_KUBERNETES_VERSION);
  }

  /** Why the control plane cannot run here, or empty if every binary is there. */
  public static Optional<String> unavailableReason() {
    return missingBinaries(BINARIES);
  }

  static Optional<String> missingBinaries(List<String> binaries) {
    Path dir = binDir();
    List<String> missing = binaries.stream()
        .filter(b -> !Files.isExecutable(dir.resolve(b)))
        .collect(Collectors.toList());
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("e2e control plane binaries " + missing + " not found in " + dir
        + "; build them with e2e/install-control-plane.sh (or point -De2e.controlplane.bin /"
        + " SPACEONE_E2E_BIN at a folder that has them)");
  }

  /** Throws when the binaries are not there. */
  public static void assumeAvailable() {
    unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
  }

  // ---------------------------------------------------------------- starting

  /** Starts a control plane with the binaries of {@link #binDir()} and waits until it is ready. */
  public static LocalControlPlane start() {
    return start(false);
  }

  /**
   * Starts a control plane ready for real nodes ({@link RealNode}): also kube-scheduler, and the controllers of
   * {@link #NODE_CONTROLLERS}.
   */
  public static LocalControlPlane startForNodes() {
    return start(true);
  }

  private static LocalControlPlane start(boolean forNodes) {
    assumeAvailable();
    if (forNodes) {
      missingBinaries(NODE_BINARIES).ifPresent(reason -> {
        throw new IllegalStateException(reason);
      });
    }
    LocalControlPlane plane = new LocalControlPlane(binDir(), forNodes);
    try {
      plane.startChildren();
      return plane;
    } catch (RuntimeException | Error e) {
      plane.keepWorkDir = true;
      plane.stopAll();
      LOG.warn("control plane failed to start; its folder is kept: " + plane.workDir);
      throw e;
    }
  }

  private LocalControlPlane(Path binDir, boolean forNodes) {
    this.binDir = binDir;
    this.forNodes = forNodes;
    try {
      this.workDir = Files.createTempDirectory("spaceone-e2e-");
      this.pkiDir = Files.createDirectories(workDir.resolve("pki"));
      Files.createDirectories(workDir.resolve("logs"));
      Files.createDirectories(workDir.resolve("kubeconfigs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    clusterCa = Pki.CertificateAuthority.create(pkiDir, "ca", "spaceone-e2e-ca");
    frontProxyCa = Pki.CertificateAuthority.create(pkiDir, "front-proxy-ca", "spaceone-e2e-front-proxy-ca");
    frontProxyClient = frontProxyCa.issueClient(pkiDir, "front-proxy-client", "front-proxy-client", List.of());
    admin = clusterCa.issueClient(pkiDir, "admin", ADMIN_USER, List.of("system:masters"));
    Pki.writeKeyPair(pkiDir, "sa");
    serviceAccountKey = pkiDir.resolve("sa.key");
    serviceAccountPub = pkiDir.resolve("sa.pub");
    // HTTP/1.1: the JDK 17 client can keep failing on an HTTP/2 connection the server has closed, which once
    // made a healthy kube-controller-manager look unready for a whole minute.
    adminHttp = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(admin.sslContext(clusterCa.certificate()))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    shutdownHook = new Thread(this::closeOnShutdown, "spaceone-e2e-control-plane-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void startChildren() {
    long started = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        startOnce(attempt);
        break;
      } catch (PortTakenException e) {
        stopAll();
        if (attempt >= START_ATTEMPTS) {
          throw new IllegalStateException("control plane could not bind its ports " + attempt + " times", e);
        }
        LOG.warn("" + e.getMessage() + "; retrying with other ports");
      }
    }
    client = newClient(adminKubeconfig);
    LOG.info(String.format(Locale.ROOT, "control plane %s ready in %.1fs at %s (folder %s)",
        kubernetesVersion(), (System.nanoTime() - started) / 1e9, apiServerUrl(), workDir));
  }

  private void startOnce(int attempt) {
    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    apiServerPort = freePort();
    int controllerManagerPort = freePort();
    String suffix = attempt == 1 ? "" : "-" + attempt;

    Path etcdData = workDir.resolve("etcd" + suffix);
    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    String peerUrl = "http://127.0.0.1:" + etcdPeerPort;
    Child etcd = spawn("etcd" + suffix, List.of(
        bin("etcd"),
        "--name=e2e",
        "--data-dir=" + etcdData,
        "--listen-client-urls=" + etcdUrl,
        "--advertise-client-urls=" + etcdUrl,
        "--listen-peer-urls=" + peerUrl,
        "--initial-advertise-peer-urls=" + peerUrl,
        "--initial-cluster=e2e=" + peerUrl,
        "--initial-cluster-state=new",
        "--unsafe-no-fsync=true",
        "--log-level=warn"));
    HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    waitFor(etcd, ETCD_TIMEOUT, () -> httpOk(plainHttp, etcdUrl + "/health"));

    Pki.Issued serving = clusterCa.issueServer(pkiDir, "apiserver", "kube-apiserver",
        List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local"),
        List.of("127.0.0.1", "10.0.0.1"));
    // For kubectl logs/exec through the apiserver to a real kubelet.
    Pki.Issued kubeletClient = clusterCa.issueClient(pkiDir, "apiserver-kubelet-client", "kube-apiserver-kubelet-client",
        List.of("system:masters"));
    Child apiServer = spawn("kube-apiserver" + suffix, List.of(
        bin("kube-apiserver"),
        "--etcd-servers=" + etcdUrl,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + apiServerPort,
        "--cert-dir=" + workDir.resolve("apiserver-certs"),
        "--tls-cert-file=" + serving.certPath(),
        "--tls-private-key-file=" + serving.keyPath(),
        "--client-ca-file=" + clusterCa.certPath(),
        "--authorization-mode=Node,RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + serviceAccountPub,
        "--service-account-signing-key-file=" + serviceAccountKey,
        "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
        // The apiserver's own Endpoints cannot hold a loopback address: do not reconcile them.
        "--endpoint-reconciler-type=none",
        "--requestheader-client-ca-file=" + frontProxyCa.certPath(),
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--proxy-client-cert-file=" + frontProxyClient.certPath(),
        "--proxy-client-key-file=" + frontProxyClient.keyPath(),
        "--enable-aggregator-routing=true",
        "--allow-privileged=true",
        "--audit-policy-file=" + writeAuditPolicy(),
        "--audit-log-path=" + auditLogPath(),
        "--audit-log-mode=blocking",
        "--kubelet-client-certificate=" + kubeletClient.certPath(),
        "--kubelet-client-key=" + kubeletClient.keyPath(),
        "--kubelet-preferred-address-types=InternalIP",
        "--v=1"));
    waitFor(apiServer, APISERVER_TIMEOUT, () -> httpOk(adminHttp, apiServerUrl() + "/readyz"),
        () -> "last /readyz?verbose:\n" + httpBody(adminHttp, apiServerUrl() + "/readyz?verbose"));

    adminKubeconfig = writeKubeconfig("admin", ADMIN_USER, admin);
    Pki.Issued kcmClient = clusterCa.issueClient(pkiDir, "controller-manager",
        "system:kube-controller-manager", List.of("system:masters"));
    Path kcmKubeconfig = writeKubeconfig("controller-manager", "system:kube-controller-manager", kcmClient);
    Pki.Issued kcmServing = clusterCa.issueServer(pkiDir, "controller-manager-serving",
        "kube-controller-manager", List.of("localhost"), List.of("127.0.0.1"));
    Child controllerManager = spawn("kube-controller-manager" + suffix, List.of(
        bin("kube-controller-manager"),
        "--kubeconfig=" + kcmKubeconfig,
        "--authentication-kubeconfig=" + kcmKubeconfig,
        "--authorization-kubeconfig=" + kcmKubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=" + controllerManagerPort,
        "--cert-dir=" + workDir.resolve("controller-manager-certs"),
        "--tls-cert-file=" + kcmServing.certPath(),
        "--tls-private-key-file=" + kcmServing.keyPath(),
        "--controllers=" + setting("e2e.controllers", "SPACEONE_E2E_CONTROLLERS", DEFAULT_CONTROLLERS)
            + (forNodes ? "," + NODE_CONTROLLERS : ""),
        "--use-service-account-credentials=false",
        "--leader-elect=false",
        "--service-account-private-key-file=" + serviceAccountKey,
        "--root-ca-file=" + clusterCa.certPath(),
        "--cluster-name=" + CLUSTER_NAME,
        "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
        "--v=1"));
    waitFor(controllerManager, CONTROLLER_MANAGER_TIMEOUT,
        () -> httpOk(adminHttp, "https://127.0.0.1:" + controllerManagerPort + "/healthz"));
    if (forNodes) {
      startScheduler(suffix);
    }
  }

  private void startScheduler(String suffix) {
    int port = freePort();
    Pki.Issued client = clusterCa.issueClient(pkiDir, "scheduler", "system:kube-scheduler", List.of());
    Path kubeconfig = writeKubeconfig("scheduler", "system:kube-scheduler", client);
    Pki.Issued serving = clusterCa.issueServer(pkiDir, "scheduler-serving", "kube-scheduler", List.of("localhost"),
        List.of("127.0.0.1"));
    Child scheduler = spawn("kube-scheduler" + suffix, List.of(
        bin("kube-scheduler"),
        "--kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--tls-cert-file=" + serving.certPath(),
        "--tls-private-key-file=" + serving.keyPath(),
        "--leader-elect=false",
        "--v=1"));
    waitFor(scheduler, CONTROLLER_MANAGER_TIMEOUT, () -> httpOk(adminHttp, "https://127.0.0.1:" + port + "/healthz"));
  }

  // ---------------------------------------------------------------- what tests use

  /** The admin client (user {@value #ADMIN_USER}, group system:masters). Closed by {@link #close()}. */
  public KubernetesClient client() {
    return client;
  }

  /** An admin kubeconfig file, for kubectl or anything else. */
  public Path kubeconfigPath() {
    return adminKubeconfig;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String apiServerUrl() {
    return "https://127.0.0.1:" + apiServerPort;
  }

  /** The cluster CA certificate: signs the serving and client certificates ({@code --client-ca-file}). */
  public Path clientCaPath() {
    return clusterCa.certPath();
  }

  /** The front-proxy CA ({@code --requestheader-client-ca-file}). */
  public Path frontProxyCaPath() {
    return frontProxyCa.certPath();
  }

  /** The front-proxy client certificate (CN=front-proxy-client), the apiserver's {@code --proxy-client-cert-file}. */
  public Path frontProxyClientCertPath() {
    return frontProxyClient.certPath();
  }

  /** The front-proxy client key, the apiserver's {@code --proxy-client-key-file}. */
  public Path frontProxyClientKeyPath() {
    return frontProxyClient.keyPath();
  }

  /** The front-proxy client certificate and key (CN=front-proxy-client, signed by the front-proxy CA). */
  public Pki.Issued frontProxyClient() {
    return frontProxyClient;
  }

  /** The front-proxy CA, to issue other front-proxy client certificates (e.g. one with a name that is not allowed). */
  public Pki.CertificateAuthority frontProxyCa() {
    return frontProxyCa;
  }

  /** The cluster CA, to issue other certificates. */
  public Pki.CertificateAuthority clusterCa() {
    return clusterCa;
  }

  /** The temp folder holding certificates, kubeconfigs, etcd data and logs. */
  public Path workDir() {
    return workDir;
  }

  /** kube-apiserver's audit log (JSON lines): the writes of users in {@link #AUDITED_GROUP}. */
  public Path auditLogPath() {
    return workDir.resolve("logs").resolve("audit.log");
  }

  private Path writeAuditPolicy() {
    Path policy = workDir.resolve("audit-policy.yaml");
    Pki.writeString(policy, AUDIT_POLICY);
    return policy;
  }

  /** The log file of a child: {@code etcd}, {@code kube-apiserver}, {@code kube-controller-manager} or {@code kube-scheduler}. */
  public Path logFile(String component) {
    return workDir.resolve("logs").resolve(component + ".log");
  }

  /**
   * A client certificate signed by the cluster CA for {@code user} (CN) in {@code groups} (one O
   * each), for RBAC tests.
   */
  public Pki.Issued issueClientCertificate(String user, String... groups) {
    return clusterCa.issueClient(pkiDir, "user-" + sanitize(user) + "-" + counter.incrementAndGet(),
        user, List.of(groups));
  }

  /** A kubeconfig authenticating as {@code user} in {@code groups} with a client certificate. */
  public Path kubeconfigForUser(String user, String... groups) {
    Pki.Issued cert = issueClientCertificate(user, groups);
    return writeKubeconfig("user-" + sanitize(user) + "-" + counter.incrementAndGet(), user, cert);
  }

  /** A fabric8 client authenticating as {@code user} in {@code groups}. Closed by {@link #close()}. */
  public KubernetesClient clientForUser(String user, String... groups) {
    return newClient(kubeconfigForUser(user, groups));
  }

  /** A fabric8 client for a kubeconfig file. Closed by {@link #close()}. */
  public KubernetesClient newClient(Path kubeconfig) {
    Config config = Config.fromKubeconfig(kubeconfig.toFile());
    config.setRequestTimeout(30_000);
    config.setConnectionTimeout(10_000);
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
    clients.add(c);
    return c;
  }

  /** A JDK HTTP client presenting the admin certificate and trusting the cluster CA. */
  public HttpClient adminHttpClient() {
    return adminHttp;
  }

  // ---------------------------------------------------------------- stopping

  /**
   * {@code dependent} is closed before this control plane stops, also when both are stopped by shutdown hooks (which
   * the JVM runs at once): a real node deletes its pods through the apiserver and keeps its state in this plane's
   * folder.
   */
  public void stopsFirst(AutoCloseable dependent) {
    dependents.add(dependent);
  }

  /** Stops the children (controller-manager, apiserver, etcd) and deletes the temp folder unless e2e.keep. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    closeOnShutdown();
  }

  private synchronized void closeOnShutdown() {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> first = new ArrayList<>(dependents);
    java.util.Collections.reverse(first);
    for (AutoCloseable dependent : first) {
      try {
        dependent.close();
      } catch (Exception e) {
        LOG.warn("could not stop " + dependent + " before the control plane: " + e, e);
      }
    }
    stopAll();
    if (keepWorkDir || Boolean.parseBoolean(setting("e2e.keep", "SPACEONE_E2E_KEEP"))) {
      LOG.warn("kept " + workDir);
    } else {
      deleteRecursively(workDir);
    }
  }

  private synchronized void stopAll() {
    clients.forEach(c -> {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // best effort
      }
    });
    clients.clear();
    // Reverse start order: controller-manager, apiserver, etcd.
    List<Child> reversed = new ArrayList<>(children);
    java.util.Collections.reverse(reversed);
    reversed.forEach(Child::stop);
    children.clear();
  }

  // ---------------------------------------------------------------- internals

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private Child spawn(String name, List<String> command) {
    Path log = logFile(name);
    try {
      Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      ProcessBuilder builder = new ProcessBuilder(inOwnSession(command))
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().remove("KUBECONFIG");
      Child child = new Child(name, builder.start(), log);
      children.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private void waitFor(Child child, Duration timeout, Check ready) {
    waitFor(child, timeout, ready, () -> "");
  }

  private void waitFor(Child child, Duration timeout, Check ready, java.util.function.Supplier<String> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!child.process.isAlive()) {
        String tail = tail(child.log);
        if (tail.contains("address already in use")) {
          throw new PortTakenException(child.name + " could not bind a port");
        }
        throw new IllegalStateException(child.name + " exited with " + child.process.exitValue()
            + " before it was ready; log " + child.log + ":\n" + tail + "\n" + allTails(child));
      }
      if (ready.ok()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(child.name + " not ready after " + timeout.toSeconds() + "s; "
            + detail.get() + "\nlog " + child.log + ":\n" + tail(child.log) + "\n" + allTails(child));
      }
      sleep(250);
    }
  }

  private String allTails(Child except) {
    return children.stream().filter(c -> c != except)
        .map(c -> "---- " + c.name + " (" + c.log + "):\n" + tail(c.log))
        .collect(Collectors.joining("\n"));
  }

  /**
   * {@code command} started in a session of its own ({@code setsid}, which execs it under the same pid), where the
   * machine has setsid: Ctrl-C in a terminal signals the whole foreground process group, and the children must
   * not stop before the JVM's shutdown hooks stop them in order (a node's pods through the apiserver and kubelet).
   */
  static List<String> inOwnSession(List<String> command) {
    return RealNode.which("setsid").map(setsid -> {
      List<String> wrapped = new ArrayList<>(List.of(setsid.toString()));
      wrapped.addAll(command);
      return wrapped;
    }).orElse(command);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private static boolean httpOk(HttpClient http, String url) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String httpBody(HttpClient http, String url) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  private Path writeKubeconfig(String fileName, String user, Pki.Issued cert) {
    Base64.Encoder b64 = Base64.getEncoder();
    String context = user + "@" + CLUSTER_NAME;
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: " + CLUSTER_NAME,
        "  cluster:",
        "    server: " + apiServerUrl(),
        "    certificate-authority-data: " + b64.encodeToString(clusterCa.issued().certPem().getBytes(StandardCharsets.UTF_8)),
        "users:",
        "- name: " + quote(user),
        "  user:",
        "    client-certificate-data: " + b64.encodeToString(cert.certPem().getBytes(StandardCharsets.UTF_8)),
        "    client-key-data: " + b64.encodeToString(cert.keyPem().getBytes(StandardCharsets.UTF_8)),
        "contexts:",
        "- name: " + quote(context),
        "  context:",
        "    cluster: " + CLUSTER_NAME,
        "    user: " + quote(user),
        "    namespace: default",
        "current-context: " + quote(context),
        "");
    Path path = workDir.resolve("kubeconfigs").resolve(fileName + ".kubeconfig");
    Pki.writeString(path, yaml);
    return path;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String setting(String property, String env) {
    return setting(property, env, null);
  }

  static String setting(String property, String env, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? fallback : value;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete " + dir + ": " + e);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean ok();
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }

  /** A child process and its log. */
  private record Child(String name, Process process, Path log) {
    void stop() {
      if (!process.isAlive()) {
        return;
      }
      process.destroy(); // SIGTERM: let it shut down cleanly
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
