package dev.spaceone.operator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The kubeconfig of a sandbox left running, with two contexts:
 * <ul>
 *   <li>{@code sandbox} (current): the sandbox's Kubernetes API (the mock, plain HTTP, a dummy token), for
 *       {@code kubectl get sjob,sjt,pods}, {@code kubectl apply} and also {@code kubectl create -f
 *       examples/queries/stat.yaml}: the sandbox forwards the {@code query.spaceone.dev} group to its query server
 *       ({@link DiscoveryDispatcher}), as kube-apiserver does through the APIService;</li>
 *   <li>{@code sandbox-query}: the query server itself, over HTTPS with the sandbox's CA and client certificate
 *       (what the forwarding uses).</li>
 * </ul>
 */
final class Kubeconfig {
  static final String CONTEXT = "sandbox";
  static final String QUERY_CONTEXT = "sandbox-query";

  private Kubeconfig() {
  }

  static Path write(Path file, String apiUrl, String token, String queryUrl, SandboxPki pki, String namespace)
      throws IOException {
    String text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: %s
        - name: sandbox-query
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: sandbox
          user:
            token: %s
        - name: sandbox-query
          user:
            client-certificate: %s
            client-key: %s
        contexts:
        - name: %s
          context:
            cluster: sandbox
            user: sandbox
            namespace: %s
        - name: %s
          context:
            cluster: sandbox-query
            user: sandbox-query
            namespace: %s
        current-context: %s
        """.formatted(apiUrl, queryUrl, pki.caFile.toAbsolutePath(), token, pki.clientCertFile.toAbsolutePath(),
        pki.clientKeyFile.toAbsolutePath(), CONTEXT, namespace, QUERY_CONTEXT, namespace, CONTEXT);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
    return file;
  }
}
