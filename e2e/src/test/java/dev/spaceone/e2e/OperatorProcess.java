package dev.spaceone.e2e;

import dev.spaceone.operator.Main;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator as a separate JVM ({@code Main operator}, as its container runs it), reaching kube-apiserver through
 * a {@link FaultProxy} of its own, with leader election on and its identity as the Lease holder. Killed with
 * SIGKILL ({@link #kill()}), as an OOM kill or a lost node would.
 */
final class OperatorProcess {
  final String identity;
  final Path log;
  final FaultProxy proxy;
  private final Process process;

  private OperatorProcess(String identity, Path log, FaultProxy proxy, Process process) {
    this.identity = identity;
    this.log = log;
    this.proxy = proxy;
    this.process = process;
  }

  /**
   * @param identity the Lease holder identity (HOSTNAME, as in a pod) and the user of its certificate
   * @param env the operator's settings (OperatorSettings.fromEnvironment)
   */
  static OperatorProcess start(String identity, FaultProxy proxy, Path workDir, Map<String, String> env) {
    try {
      Path kubeconfig = workDir.resolve(identity + ".kubeconfig");
      // Plain HTTP to its proxy, which holds its client certificate for kube-apiserver.
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
            - name: chaos
              cluster: {server: "%s"}
          contexts:
            - name: chaos
              context: {cluster: chaos, user: chaos}
          users:
            - name: chaos
              user: {}
          current-context: chaos
          """.formatted(proxy.url()), StandardCharsets.UTF_8);
      Path log = workDir.resolve(identity + ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
          "-cp", classPath(), Main.class.getName(), "operator"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> environment = builder.environment();
      environment.keySet().removeIf(k -> k.startsWith("KUBE"));
      environment.putAll(env);
      environment.put("KUBECONFIG", kubeconfig.toString());
      environment.put("HOSTNAME", identity);
      return new OperatorProcess(identity, log, proxy, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start operator " + identity, e);
    }
  }

  /** The test JVM's class path (the operator's classes and dependencies), as surefire gives it. */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no Lease release. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxy.close();
  }

  /** The last lines of its log, for a failure message. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
