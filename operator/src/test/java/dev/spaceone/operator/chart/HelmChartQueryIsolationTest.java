package dev.spaceone.operator.chart;

import static dev.spaceone.operator.chart.HelmChartRbacTest.LEADER_ELECTION;
import static dev.spaceone.operator.chart.HelmChartRbacTest.QUERY_API;
import static dev.spaceone.operator.chart.HelmChartRbacTest.WATCHED;
import static dev.spaceone.operator.chart.HelmChartRbacTest.grants;
import static dev.spaceone.operator.chart.HelmChartRbacTest.union;
import static dev.spaceone.operator.chart.HelmChartSupport.FULLNAME;
import static dev.spaceone.operator.chart.HelmChartSupport.NAMESPACE;
import static dev.spaceone.operator.chart.HelmChartSupport.all;
import static dev.spaceone.operator.chart.HelmChartSupport.renderAndParse;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.chart.HelmChartRbacTest.Grant;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.operator.runtime.StandaloneQueryApi;
import dev.spaceone.operator.testing.ApiCall;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.testkit.Pki;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API in its own Deployment (queryApi.separateDeployment) runs under its own ServiceAccount that may
 * only read Jobs and JobTasks and review access; the operator's ServiceAccount then has nothing of the query API's.
 */
class HelmChartQueryIsolationTest {
  static final String SEPARATE = "queryApi: {separateDeployment: {enabled: true}}\n";
  static final String QUERY_SA = FULLNAME + "-query";
  /** Jobs and JobTasks, read only: what the query Deployment's informers need (files/rbac-rules.yaml). */
  static final Set<Grant> QUERY_READER = Set.of(
      new Grant("spaceone.dev", "jobs", "get"), new Grant("spaceone.dev", "jobs", "list"),
      new Grant("spaceone.dev", "jobs", "watch"), new Grant("spaceone.dev", "jobtasks", "get"),
      new Grant("spaceone.dev", "jobtasks", "list"), new Grant("spaceone.dev", "jobtasks", "watch"));
  static final String AUTH_DELEGATOR = "built-in ClusterRole system:auth-delegator";
  static final String AUTH_READER = "built-in Role kube-system/extension-apiserver-authentication-reader";

  @TempDir
  Path dir;

  @Test
  void theQueryDeploymentRunsUnderItsOwnReadOnlyServiceAccount() {
    List<HasMetadata> resources = renderAndParse(SEPARATE);
    assertEquals(Set.of(FULLNAME, QUERY_SA), all(resources, ServiceAccount.class).stream()
        .map(sa -> sa.getMetadata().getName()).collect(Collectors.toSet()));
    Map<String, String> accounts = all(resources, Deployment.class).stream().collect(Collectors.toMap(
        d -> d.getMetadata().getName(), d -> d.getSpec().getTemplate().getSpec().getServiceAccountName()));
    assertEquals(Map.of(FULLNAME, FULLNAME, FULLNAME + "-query", QUERY_SA), accounts);

    Map<String, Set<Grant>> query = new TreeMap<>();
    query.put("ClusterRole", union(QUERY_API, QUERY_READER));
    query.put(AUTH_DELEGATOR, Set.of());
    query.put(AUTH_READER, Set.of());
    assertEquals(query, boundTo(resources, QUERY_SA));
    Map<String, Set<Grant>> operator = new TreeMap<>();
    operator.put("ClusterRole", WATCHED);
    operator.put("Role " + NAMESPACE, LEADER_ELECTION);
    assertEquals(operator, boundTo(resources, FULLNAME), "the operator keeps nothing of the query API's");
    assertReadOnly(boundTo(resources, QUERY_SA));
  }

  @Test
  void inTheWatchedNamespacesOnly() {
    List<HasMetadata> resources = renderAndParse(SEPARATE + "watchNamespaces: [team-a, team-b]\n");
    Map<String, Set<Grant>> query = new TreeMap<>();
    query.put("ClusterRole", QUERY_API);
    query.put("Role team-a", QUERY_READER);
    query.put("Role team-b", QUERY_READER);
    query.put(AUTH_DELEGATOR, Set.of());
    query.put(AUTH_READER, Set.of());
    assertEquals(query, boundTo(resources, QUERY_SA));
    Map<String, Set<Grant>> operator = new TreeMap<>();
    operator.put("Role team-a", WATCHED);
    operator.put("Role team-b", WATCHED);
    operator.put("Role " + NAMESPACE, LEADER_ELECTION);
    assertEquals(operator, boundTo(resources, FULLNAME));
  }

  @Test
  void anExistingServiceAccountCanBeNamed() {
    List<HasMetadata> resources = renderAndParse("serviceAccount: {create: false, name: ops}\n"
        + "queryApi: {separateDeployment: {enabled: true, serviceAccountName: query-reader}}\n");
    assertEquals(List.of(), all(resources, ServiceAccount.class));
    assertEquals(union(QUERY_API, QUERY_READER), boundTo(resources, "query-reader").get("ClusterRole"));
    assertEquals(WATCHED, boundTo(resources, "ops").get("ClusterRole"));
  }

  /** What the query-server process calls at start (its informers, its authentication settings) is granted. */
  @Test
  void theQueryServerCallsOnlyWhatItsServiceAccountIsGranted() throws Exception {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Pki.server(Pki.ca("serving-ca"), "query").write(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    try (MockCluster cluster = new MockCluster()) {
      cluster.createNamespace("team-a");
      try (StandaloneQueryApi api = StandaloneQueryApi.start(cluster.client("query"), Set.of("team-a"),
          QueryServerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withTlsDir(tls), -1,
          Clock.systemUTC())) {
        await().atMost(Duration.ofSeconds(30)).until(api::synced);
      }
      Set<ApiCall> calls = cluster.requests().stream().filter(r -> r.agent().equals("query"))
          .flatMap(r -> ApiCall.of(r).stream()).collect(Collectors.toCollection(TreeSet::new));
      assertFalse(calls.isEmpty());
      for (ApiCall call : calls) {
        Grant grant = new Grant(call.apiGroup(), call.resource(), call.verb());
        boolean authenticationSettings = call.namespace().equals("kube-system") && call.resource().equals("configmaps")
            && Set.of("get", "list", "watch").contains(call.verb());
        assertTrue(QUERY_READER.contains(grant) || QUERY_API.contains(grant) || authenticationSettings,
            "not granted to the query ServiceAccount: " + call);
      }
    }
  }

  /** Every grant reads, but the reviews an extension API server asks for. */
  private static void assertReadOnly(Map<String, Set<Grant>> bound) {
    for (Set<Grant> grants : bound.values()) {
      for (Grant grant : grants) {
        assertTrue(Set.of("get", "list", "watch").contains(grant.verb())
            || grant.equals(new Grant("authorization.k8s.io", "subjectaccessreviews", "create")), grant.toString());
      }
    }
  }

  /**
   * What is bound to a ServiceAccount: by scope ("ClusterRole", "Role namespace") the rendered rules, and the
   * built-in roles by name.
   */
  static Map<String, Set<Grant>> boundTo(List<HasMetadata> resources, String serviceAccount) {
    Map<String, ClusterRole> clusterRoles = all(resources, ClusterRole.class).stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
    Map<String, Role> roles = all(resources, Role.class).stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r -> r));
    Map<String, Set<Grant>> bound = new TreeMap<>();
    for (ClusterRoleBinding binding : all(resources, ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), serviceAccount)) {
        ClusterRole role = clusterRoles.get(binding.getRoleRef().getName());
        if (role == null) {
          bound.put("built-in ClusterRole " + binding.getRoleRef().getName(), Set.of());
        } else {
          bound.computeIfAbsent("ClusterRole", k -> new TreeSet<>()).addAll(grants(role.getRules()));
        }
      }
    }
    for (RoleBinding binding : all(resources, RoleBinding.class)) {
      if (binds(binding.getSubjects(), serviceAccount)) {
        String namespace = binding.getMetadata().getNamespace();
        Role role = roles.get(namespace + "/" + binding.getRoleRef().getName());
        if (role == null) {
          bound.put("built-in Role " + namespace + "/" + binding.getRoleRef().getName(), Set.of());
        } else {
          bound.computeIfAbsent("Role " + namespace, k -> new TreeSet<>()).addAll(grants(role.getRules()));
        }
      }
    }
    return bound;
  }

  private static boolean binds(List<Subject> subjects, String serviceAccount) {
    return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(serviceAccount)
        && NAMESPACE.equals(s.getNamespace()));
  }
}
