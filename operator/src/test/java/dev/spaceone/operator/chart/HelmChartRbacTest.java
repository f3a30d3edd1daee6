package dev.spaceone.operator.chart;

import static dev.spaceone.operator.chart.HelmChartSupport.CHART;
import static dev.spaceone.operator.chart.HelmChartSupport.FULLNAME;
import static dev.spaceone.operator.chart.HelmChartSupport.NAMESPACE;
import static dev.spaceone.operator.chart.HelmChartSupport.all;
import static dev.spaceone.operator.chart.HelmChartSupport.renderAndParse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import dev.spaceone.operator.testing.ApiCall;
import org.junit.jupiter.api.Test;

/**
 * The chart grants only what the operator uses (CONTRACT.md section 5): the rendered Roles and ClusterRoles
 * equal the API calls the operator was seen to make (see RecordedApiCalls), granted where they are needed.
 */
class HelmChartRbacTest {

  /** One permission: API group, resource, verb. */
  record Grant(String apiGroup, String resource, String verb) implements Comparable<Grant> {
    @Override
    public int compareTo(Grant o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
    }
  }

  /**
   * In every watched namespace (cluster-wide when watchNamespaces is empty): exactly the calls the operator
   * was seen to make, recorded at the mock while it ran every code path (least privilege, measured).
   */
  static final Set<Grant> WATCHED = RecordedApiCalls.watched();
  /** In the release namespace, for leader election: likewise measured. */
  static final Set<Grant> LEADER_ELECTION = RecordedApiCalls.leaderElection();
  /** Cluster-wide, for the query API. */
  static final Set<Grant> QUERY_API = RecordedApiCalls.queryApi();
  static final String QUERY_USER_ROLE = FULLNAME + "-query-user";

  @Test
  void theQueryApiReadsOnlyWhatTheBuiltInReaderRoleGrants() {
    // extension-apiserver-authentication-reader: get, list, watch of that ConfigMap in kube-system.
    Set<ApiCall> calls = RecordedApiCalls.grantedByBuiltInRoles();
    assertTrue(!calls.isEmpty(), "the query API reads its front-proxy settings");
    for (ApiCall call : calls) {
      assertEquals("configmaps", call.resource(), call.toString());
      assertTrue(Set.of("get", "list", "watch").contains(call.verb()), call.toString());
    }
  }

  @Test
  void theRulesFileIsTheDocumentedList() throws IOException {
    Map<String, List<PolicyRule>> file;
    try (InputStream in = Files.newInputStream(CHART.resolve("files/rbac-rules.yaml"))) {
      file = Serialization.unmarshal(in, new TypeReference<Map<String, List<PolicyRule>>>() {});
    }
    assertEquals(Set.of("watched", "leaderElection", "queryApi", "queryReader"), file.keySet());
    assertEquals(HelmChartQueryIsolationTest.QUERY_READER, grants(file.get("queryReader")));
    assertEquals(WATCHED, grants(file.get("watched")));
    assertEquals(LEADER_ELECTION, grants(file.get("leaderElection")));
    assertEquals(QUERY_API, grants(file.get("queryApi")));
  }

  @Test
  void clusterWideByDefault() {
    List<HasMetadata> resources = renderAndParse("");
    Map<String, Set<Grant>> expected = new TreeMap<>();
    expected.put("ClusterRole", union(WATCHED, QUERY_API));
    expected.put("Role " + NAMESPACE, LEADER_ELECTION);
    assertEquals(expected, grantsByScope(resources));
    assertEveryRoleIsBoundToTheOperator(resources);
  }

  @Test
  void onlyInTheWatchedNamespaces() {
    List<HasMetadata> resources = renderAndParse("watchNamespaces: [team-a, team-b]\n");
    Map<String, Set<Grant>> expected = new TreeMap<>();
    expected.put("ClusterRole", QUERY_API);
    expected.put("Role team-a", WATCHED);
    expected.put("Role team-b", WATCHED);
    expected.put("Role " + NAMESPACE, LEADER_ELECTION);
    assertEquals(expected, grantsByScope(resources));
    assertEveryRoleIsBoundToTheOperator(resources);
  }

  @Test
  void watchingTheReleaseNamespaceKeepsTheLeaseRoleSeparate() {
    List<HasMetadata> resources = renderAndParse("watchNamespaces: [" + NAMESPACE + "]\n");
    Map<String, Set<Grant>> expected = new TreeMap<>();
    expected.put("ClusterRole", QUERY_API);
    expected.put("Role " + NAMESPACE, union(WATCHED, LEADER_ELECTION));
    assertEquals(expected, grantsByScope(resources));
    assertEquals(2, all(resources, Role.class).size());
    assertEveryRoleIsBoundToTheOperator(resources);
  }

  @Test
  void nothingForDisabledFeatures() {
    List<HasMetadata> resources = renderAndParse("leaderElection: {enabled: false}\nqueryApi: {enabled: false}\n");
    assertEquals(Map.of("ClusterRole", WATCHED), grantsByScope(resources));
    assertEquals(List.of(FULLNAME), all(resources, ClusterRoleBinding.class).stream()
        .map(b -> b.getMetadata().getName()).toList(), "no auth-delegator binding without the query API");
    assertEquals(List.of(), all(resources, RoleBinding.class), "no auth-reader binding without the query API");
  }

  @Test
  void noWildcardsNoResourceNamesNoSecretReads() {
    for (String values : List.of("", "watchNamespaces: [team-a]\n")) {
      for (PolicyRule rule : rules(renderAndParse(values)).values().stream().flatMap(List::stream).toList()) {
        for (List<String> field : List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs())) {
          assertTrue(field.stream().noneMatch(s -> s.contains("*")), rule.toString());
        }
        assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty(), rule.toString());
        assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty(), rule.toString());
        if (rule.getResources().contains("secrets")) {
          assertEquals(List.of("list"), rule.getVerbs(), "Secret metadata only: " + rule);
        }
      }
    }
  }

  // -- helpers

  static void assertEveryRoleIsBoundToTheOperator(List<HasMetadata> resources) {
    Set<String> bound = new TreeSet<>();
    all(resources, ClusterRoleBinding.class).forEach(b -> bound.add(b.getRoleRef().getKind() + " "
        + b.getRoleRef().getName()));
    all(resources, RoleBinding.class).forEach(b -> bound.add(b.getRoleRef().getKind() + " "
        + b.getMetadata().getNamespace() + "/" + b.getRoleRef().getName()));
    Set<String> roles = new TreeSet<>();
    operatorClusterRoles(resources).forEach(r -> roles.add("ClusterRole " + r.getMetadata().getName()));
    all(resources, Role.class).forEach(r -> roles.add("Role " + r.getMetadata().getNamespace() + "/"
        + r.getMetadata().getName()));
    assertTrue(bound.containsAll(roles), "unbound roles: " + roles + " bound: " + bound);
    // Beyond the chart's own roles, only the two built-in ones an extension API server needs.
    Set<String> others = new TreeSet<>(bound);
    others.removeAll(roles);
    assertEquals(Set.of("ClusterRole system:auth-delegator",
        "Role kube-system/extension-apiserver-authentication-reader"), others);
  }

  /** The ClusterRoles the operator is bound to: all but the role for people who query. */
  static List<ClusterRole> operatorClusterRoles(List<HasMetadata> resources) {
    return all(resources, ClusterRole.class).stream()
        .filter(r -> !r.getMetadata().getName().equals(QUERY_USER_ROLE)).toList();
  }

  @Test
  void aQueryUserRoleForPeopleBoundToNoOne() {
    List<HasMetadata> resources = renderAndParse("");
    ClusterRole role = all(resources, ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getName().equals(QUERY_USER_ROLE)).findFirst().orElseThrow();
    assertEquals(Set.of(
            new Grant("query.spaceone.dev", "searches", "create"), new Grant("query.spaceone.dev", "stats", "create"),
            new Grant("query.spaceone.dev", "analyses", "create"),
            new Grant("spaceone.dev", "jobs", "get"), new Grant("spaceone.dev", "jobs", "list"),
            new Grant("spaceone.dev", "jobs", "watch"), new Grant("spaceone.dev", "jobtasks", "get"),
            new Grant("spaceone.dev", "jobtasks", "list"), new Grant("spaceone.dev", "jobtasks", "watch"),
            new Grant("apiextensions.k8s.io", "customresourcedefinitions", "get"),
            new Grant("apiextensions.k8s.io", "customresourcedefinitions", "list")),
        grants(role.getRules()));
    assertTrue(all(resources, ClusterRoleBinding.class).stream()
        .noneMatch(b -> b.getRoleRef().getName().equals(QUERY_USER_ROLE)), "the chart binds it to no one");
    assertTrue(role.getMetadata().getLabels().keySet().stream().noneMatch(k -> k.contains("aggregate-to")));
    ClusterRole aggregated = all(renderAndParse("queryApi: {userRole: {aggregateToView: true}}\n"), ClusterRole.class)
        .stream().filter(r -> r.getMetadata().getName().equals(QUERY_USER_ROLE)).findFirst().orElseThrow();
    assertEquals("true", aggregated.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-view"));
    for (String values : List.of("queryApi: {userRole: {enabled: false}}\n", "queryApi: {enabled: false}\n")) {
      assertTrue(all(renderAndParse(values), ClusterRole.class).stream()
          .noneMatch(r -> r.getMetadata().getName().equals(QUERY_USER_ROLE)), values);
    }
  }

  /** Rendered rules by where they apply: "ClusterRole" or "Role namespace". */
  static Map<String, List<PolicyRule>> rules(List<HasMetadata> resources) {
    Map<String, List<PolicyRule>> rules = new TreeMap<>();
    for (ClusterRole r : operatorClusterRoles(resources)) {
      rules.computeIfAbsent("ClusterRole", k -> new ArrayList<>()).addAll(r.getRules());
    }
    for (Role r : all(resources, Role.class)) {
      rules.computeIfAbsent("Role " + r.getMetadata().getNamespace(), k -> new ArrayList<>()).addAll(r.getRules());
    }
    return rules;
  }

  static Map<String, Set<Grant>> grantsByScope(List<HasMetadata> resources) {
    Map<String, Set<Grant>> grants = new TreeMap<>();
    rules(resources).forEach((scope, rules) -> grants.put(scope, grants(rules)));
    return grants;
  }

  static PolicyRule rule(String apiGroup, List<String> resources, List<String> verbs) {
    PolicyRule rule = new PolicyRule();
    rule.setApiGroups(List.of(apiGroup));
    rule.setResources(resources);
    rule.setVerbs(verbs);
    return rule;
  }

  static Set<Grant> grants(PolicyRule... rules) {
    return grants(List.of(rules));
  }

  static Set<Grant> grants(List<PolicyRule> rules) {
    Set<Grant> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertTrue(grants.add(new Grant(group, resource, verb)), "granted twice: " + group + " " + resource
                + " " + verb);
          }
        }
      }
    }
    return grants;
  }

  @SafeVarargs
  static Set<Grant> union(Set<Grant>... sets) {
    return Stream.of(sets).flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
  }
}
