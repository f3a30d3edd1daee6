package dev.spaceone.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.ExampleManifests;
import dev.spaceone.testkit.ExampleManifests.Manifest;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CEL rule ({@code x-kubernetes-validations}) of both CRDs compiles and answers as intended on good and bad
 * samples, and the examples pass every rule. {@code self} and {@code oldSelf} are declared {@code dyn} and bound to
 * plain maps, lists and values, so {@code self == oldSelf} compares deeply, as Kubernetes does. (Kubernetes types
 * {@code self} from the schema; a rule that only type-checks with {@code dyn} would still be caught there.)
 */
class CelRulesTest {
  /** A rule of a CRD, at the schema path of the value it validates: "" is the resource, [*] any item. */
  record Rule(String crd, String path, String expression, String message) {
    boolean isTransition() {
      return expression.contains("oldSelf");
    }

    @Override
    public String toString() {
      return crd + " " + (path.isEmpty() ? "<root>" : path) + ": " + expression;
    }
  }

  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .setResultType(SimpleType.BOOL)
      .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  static final List<Rule> RULES = rules();

  static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    for (var type : List.of(Job.class, JobTask.class)) {
      var crd = CustomResourceDefinitions.of(type);
      JsonNode schema = Serialization.jsonMapper()
          .valueToTree(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
      collect(crd.getSpec().getNames().getKind(), "", schema, rules);
    }
    return rules;
  }

  private static void collect(String crd, String path, JsonNode schema, List<Rule> rules) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      rules.add(new Rule(crd, path, rule.path("rule").asText(), rule.path("message").asText()));
    }
    schema.path("properties").properties()
        .forEach(p -> collect(crd, path.isEmpty() ? p.getKey() : path + "." + p.getKey(), p.getValue(), rules));
    if (schema.has("items")) {
      collect(crd, path + "[*]", schema.get("items"), rules);
    }
    if (schema.path("additionalProperties").isObject()) {
      collect(crd, path + ".*", schema.get("additionalProperties"), rules);
    }
  }

  @Test
  void theRulesAreTheOnesTheApiDeclares() {
    RULES.forEach(System.out::println);
    assertEquals(Set.of(
        "Job <root>: size(self.metadata.name) <= 52",
        "Job spec: (has(self.tasks) && size(self.tasks) > 0) || has(self.secretSelector) || (" + DIVIDED + ")",
        "Job spec: !has(self.sink) || self.sink.type == 'none' || (has(self.plugin.protocol) && "
            + "self.plugin.protocol == 'grpc')",
        "Job spec: !has(self.sink) || self.sink.type != 'postgres' || !has(self.service)"
            + " || self.service == 'inventory'",
        "Job spec: !has(self.plan) || ((" + DIVIDED + ") && !(has(self.tasks) && size(self.tasks) > 0))",
        "Job spec.plan: self == oldSelf",
        "Job spec.sink: self == oldSelf",
        "Job spec.sink: self.type == 'postgres' ? has(self.secretRef) : !has(self.secretRef)",
        "Job spec.plugin: !has(self.port) || (has(self.protocol) && self.protocol == 'grpc')",
        "JobTask spec.sink: self.type == 'postgres' ? has(self.secretRef) : !has(self.secretRef)",
        "JobTask spec.plugin: !has(self.port) || (has(self.protocol) && self.protocol == 'grpc')",
        "Job spec: !has(self.resourceGroup) || self.resourceGroup != 'WORKSPACE' || has(self.workspaceId)",
        "Job spec: !has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)",
        "Job spec: has(self.tasks) == has(oldSelf.tasks) && (!has(self.tasks) || self.tasks == oldSelf.tasks)",
        "Job spec: has(self.secretSelector) == has(oldSelf.secretSelector)"
            + " && (!has(self.secretSelector) || self.secretSelector == oldSelf.secretSelector)",
        "Job spec.plugin: self == oldSelf",
        "Job spec.service: self == oldSelf",
        "Job spec.tasks[*].changed: !has(self.start) || !has(self.end) || self.start <= self.end",
        "Job status.changed[*]: !has(self.start) || !has(self.end) || self.start <= self.end",
        "JobTask spec: self == oldSelf",
        "JobTask spec.changed: !has(self.start) || !has(self.end) || self.start <= self.end"),
        RULES.stream().map(Rule::toString).collect(Collectors.toSet()));
    assertEquals(21, RULES.size());
  }

  static final String DIVIDED = "has(self.service) && self.service == 'cost-analysis' && has(self.plugin.protocol)"
      + " && self.plugin.protocol == 'grpc'";

  @Test
  void everyRuleCompiles() {
    List<String> errors = new ArrayList<>();
    for (Rule rule : RULES) {
      CelValidationResult result = COMPILER.compile(rule.expression());
      if (result.hasError()) {
        errors.add(rule + ": " + result.getErrorString());
      }
    }
    assertEquals(List.of(), errors);
  }

  /** crd, path, part of the message (with crd and path, a rule's id), self, oldSelf (null: on create), expected answer. */
  static Stream<Arguments> cases() {
    String name52 = "n".repeat(52);
    String plugin = "{image: 'busybox:1.36', command: [sh, -c], options: {created: 4, nested: {a: [1, 2]}}}";
    String tasks = "[{provider: aws, changed: {start: '2024-01', end: '2024-01'}}, {provider: azure}]";
    String selector = "{matchLabels: {spaceone.dev/collect: aws}}";
    String grpc = "{image: 'plugin:1', protocol: grpc, port: 50052}";
    String taskSpec = "{jobName: j, index: 0, service: inventory, plugin: {image: 'busybox:1.36'}, options: {created: 1}}";
    return Stream.of(
        // root: the Job name leaves room for "-<index>" and pod suffixes
        c("Job", "", "52 characters", "{metadata: {name: " + name52 + "}}", null, true),
        c("Job", "", "52 characters", "{metadata: {name: " + name52 + "x}}", null, false),
        // spec: tasks or secretSelector
        c("Job", "spec", "spec must set tasks", "{tasks: " + tasks + "}", null, true),
        c("Job", "spec", "spec must set tasks", "{secretSelector: " + selector + "}", null, true),
        c("Job", "spec", "spec must set tasks", "{tasks: [], secretSelector: {}}", null, true),
        c("Job", "spec", "spec must set tasks", "{tasks: []}", null, false),
        c("Job", "spec", "spec must set tasks", "{plugin: " + plugin + "}", null, false),
        // ... unless the plugin divides it: cost-analysis with a grpc plugin
        c("Job", "spec", "spec must set tasks", "{service: cost-analysis, plugin: " + grpc + "}", null, true),
        c("Job", "spec", "spec must set tasks", "{service: inventory, plugin: " + grpc + "}", null, false),
        c("Job", "spec", "spec must set tasks", "{service: cost-analysis, plugin: " + plugin + "}", null, false),
        // grpc-only fields
        c("Job", "spec.plugin", "port is only used", grpc, null, true),
        c("Job", "spec.plugin", "port is only used", plugin, null, true),
        c("Job", "spec.plugin", "port is only used", "{image: x, protocol: file, port: 50051}", null, false),
        c("Job", "spec.plugin", "port is only used", "{image: x, port: 50051}", null, false),
        c("JobTask", "spec.plugin", "port is only used", grpc, null, true),
        c("JobTask", "spec.plugin", "port is only used", "{image: x, protocol: file, port: 1}", null, false),
        c("Job", "spec", "sink needs plugin.protocol grpc", "{plugin: " + grpc + ", sink: {type: log}}", null, true),
        c("Job", "spec", "sink needs plugin.protocol grpc", "{plugin: " + plugin + ", sink: {type: none}}", null, true),
        c("Job", "spec", "sink needs plugin.protocol grpc", "{plugin: " + plugin + "}", null, true),
        c("Job", "spec", "sink needs plugin.protocol grpc", "{plugin: " + plugin + ", sink: {type: log}}", null, false),
        c("Job", "spec", "sink postgres stores inventory", "{service: inventory, plugin: " + grpc
            + ", sink: {type: postgres, secretRef: {name: pg}}}", null, true),
        c("Job", "spec", "sink postgres stores inventory", "{service: cost-analysis, plugin: " + grpc
            + ", sink: {type: log}}", null, true),
        c("Job", "spec", "sink postgres stores inventory", "{service: cost-analysis, plugin: " + grpc
            + ", sink: {type: postgres, secretRef: {name: pg}}}", null, false),
        c("Job", "spec", "sink postgres stores inventory", "{service: power-scheduler, plugin: " + grpc
            + ", sink: {type: postgres, secretRef: {name: pg}}}", null, false),
        c("Job", "spec.sink", "secretRef is required", "{type: postgres, secretRef: {name: pg}}", null, true),
        c("Job", "spec.sink", "secretRef is required", "{type: log}", null, true),
        c("Job", "spec.sink", "secretRef is required", "{type: postgres}", null, false),
        c("Job", "spec.sink", "secretRef is required", "{type: none, secretRef: {name: pg}}", null, false),
        c("JobTask", "spec.sink", "secretRef is required", "{type: postgres, secretRef: {name: pg}}", null, true),
        c("JobTask", "spec.sink", "secretRef is required", "{type: postgres}", null, false),
        c("Job", "spec.sink", "sink is immutable", "{type: log}", "{type: log}", true),
        c("Job", "spec.sink", "sink is immutable", "{type: none}", "{type: log}", false),
        c("Job", "spec", "plan is only for", "{service: cost-analysis, plugin: " + grpc + ", plan: {start: '2024-01'}}",
            null, true),
        c("Job", "spec", "plan is only for", "{service: cost-analysis, plugin: " + grpc + "}", null, true),
        c("Job", "spec", "plan is only for", "{service: cost-analysis, plugin: " + grpc + ", tasks: " + tasks
            + ", plan: {start: '2024-01'}}", null, false),
        c("Job", "spec", "plan is only for", "{service: inventory, plugin: " + grpc + ", plan: {start: '2024-01'}}",
            null, false),
        c("Job", "spec.plan", "plan is immutable", "{start: '2024-01'}", "{start: '2024-01'}", true),
        c("Job", "spec.plan", "plan is immutable", "{start: '2024-02'}", "{start: '2024-01'}", false),
        // spec: workspaceId when WORKSPACE
        c("Job", "spec", "workspaceId is required", "{resourceGroup: WORKSPACE, workspaceId: w}", null, true),
        c("Job", "spec", "workspaceId is required", "{resourceGroup: DOMAIN}", null, true),
        c("Job", "spec", "workspaceId is required", "{}", null, true),
        c("Job", "spec", "workspaceId is required", "{resourceGroup: WORKSPACE}", null, false),
        // immutable fields: deep equality, key order does not matter
        c("Job", "spec.service", "service is immutable", "inventory", "inventory", true),
        c("Job", "spec.service", "service is immutable", "cost-analysis", "inventory", false),
        c("Job", "spec.plugin", "plugin is immutable", plugin, plugin, true),
        c("Job", "spec.plugin", "plugin is immutable",
            "{options: {nested: {a: [1, 2]}, created: 4}, command: [sh, -c], image: 'busybox:1.36'}", plugin, true),
        c("Job", "spec.plugin", "plugin is immutable", plugin.replace("1.36", "1.37"), plugin, false),
        c("Job", "spec.plugin", "plugin is immutable", plugin.replace("[1, 2]", "[2, 1]"), plugin, false),
        c("Job", "spec.plugin", "plugin is immutable", plugin.replace("created: 4", "created: 5"), plugin, false),
        c("Job", "spec", "tasks are immutable", "{tasks: " + tasks + "}", "{tasks: " + tasks + "}", true),
        c("Job", "spec", "tasks are immutable", "{tasks: " + tasks.replace("2024-01'}", "2024-02'}") + "}",
            "{tasks: " + tasks + "}", false),
        c("Job", "spec", "tasks are immutable", "{tasks: [{provider: azure}]}", "{tasks: " + tasks + "}", false),
        // removing or adding the field is a change too
        c("Job", "spec", "tasks are immutable", "{secretSelector: " + selector + "}",
            "{tasks: " + tasks + ", secretSelector: " + selector + "}", false),
        c("Job", "spec", "tasks are immutable", "{}", "{}", true),
        c("Job", "spec", "secretSelector is immutable", "{secretSelector: " + selector + "}",
            "{secretSelector: " + selector + "}", true),
        c("Job", "spec", "secretSelector is immutable", "{secretSelector: {matchLabels: {spaceone.dev/collect: gcp}}}",
            "{secretSelector: " + selector + "}", false),
        c("Job", "spec", "secretSelector is immutable", "{tasks: " + tasks + "}",
            "{tasks: " + tasks + ", secretSelector: " + selector + "}", false),
        // cancel cannot be undone, not even by removing it
        c("Job", "spec", "cancel cannot be undone", "{cancel: true}", "{cancel: false}", true),
        c("Job", "spec", "cancel cannot be undone", "{cancel: false}", "{cancel: false}", true),
        c("Job", "spec", "cancel cannot be undone", "{cancel: true}", "{cancel: true}", true),
        c("Job", "spec", "cancel cannot be undone", "{cancel: true}", "{}", true),
        c("Job", "spec", "cancel cannot be undone", "{cancel: false}", "{cancel: true}", false),
        c("Job", "spec", "cancel cannot be undone", "{}", "{cancel: true}", false),
        // changed: start <= end, where YYYY-MM strings compare like months
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2024-01', end: '2024-03'}", null, true),
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2024-03', end: '2024-03'}", null, true),
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2023-12', end: '2024-01'}", null, true),
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2024-03'}", null, true),
        c("Job", "spec.tasks[*].changed", "changed.start", "{end: '2024-03', filter: {a: 1}}", null, true),
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2024-04', end: '2024-03'}", null, false),
        c("Job", "spec.tasks[*].changed", "changed.start", "{start: '2025-01', end: '2024-12'}", null, false),
        c("Job", "status.changed[*]", "changed.start", "{start: '2024-01', end: '2024-02'}", null, true),
        c("Job", "status.changed[*]", "changed.start", "{start: '2024-02', end: '2024-01'}", null, false),
        c("JobTask", "spec.changed", "changed.start", "{start: '2024-01', end: '2024-01'}", null, true),
        c("JobTask", "spec.changed", "changed.start", "{start: '2024-11', end: '2024-10'}", null, false),
        // a JobTask's spec is written once
        c("JobTask", "spec", "a JobTask's spec is immutable", taskSpec, taskSpec, true),
        c("JobTask", "spec", "a JobTask's spec is immutable", taskSpec.replace("index: 0", "index: 1"), taskSpec, false),
        c("JobTask", "spec", "a JobTask's spec is immutable", taskSpec.replace("created: 1", "created: 1, x: 2"),
            taskSpec, false));
  }

  private static Arguments c(String crd, String path, String message, String self, String oldSelf, boolean expected) {
    return Arguments.of(crd, path, message, self, oldSelf, expected);
  }

  @ParameterizedTest(name = "{0} {1} [{2}] self={3} oldSelf={4} -> {5}")
  @MethodSource("cases")
  void ruleAnswers(String crd, String path, String message, String self, String oldSelf, boolean expected)
      throws Exception {
    Rule rule = rule(crd, path, message);
    assertEquals(rule.isTransition(), oldSelf != null, "a transition rule needs oldSelf, any other rule none");
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", value(self));
    if (oldSelf != null) {
      variables.put("oldSelf", value(oldSelf));
    }
    assertEquals(expected, evaluate(rule, variables), rule.toString());
  }

  @Test
  void everyRuleHasATrueAndAFalseCase() {
    Map<Rule, Set<Boolean>> answers = new LinkedHashMap<>();
    RULES.forEach(r -> answers.put(r, new HashSet<>()));
    cases().forEach(a -> {
      Object[] args = a.get();
      answers.get(rule((String) args[0], (String) args[1], (String) args[2])).add((Boolean) args[5]);
    });
    List<Rule> uncovered = answers.entrySet().stream().filter(e -> e.getValue().size() < 2).map(Map.Entry::getKey)
        .toList();
    assertEquals(List.of(), uncovered);
  }

  static List<Manifest> examples() {
    return ExampleManifests.inGroup(Job.GROUP);
  }

  /** Creating an example passes every rule, and so does applying it again unchanged (every transition rule). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExamplePassesEveryRule(Manifest example) throws Exception {
    Object resource = toCel(example.document());
    int evaluated = 0;
    for (Rule rule : RULES.stream().filter(r -> r.crd().equals(example.kind())).toList()) {
      for (Object self : at(resource, rule.path())) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("self", self);
        if (rule.isTransition()) {
          variables.put("oldSelf", self);
        }
        assertTrue(evaluate(rule, variables), rule + " fails on " + example);
        evaluated++;
      }
    }
    assertFalse(evaluated < 3, "only " + evaluated + " rules apply to " + example);
  }

  private static Rule rule(String crd, String path, String message) {
    List<Rule> found = RULES.stream()
        .filter(r -> r.crd().equals(crd) && r.path().equals(path) && r.message().contains(message)).toList();
    assertEquals(1, found.size(), "rules of " + crd + " " + path + " '" + message + "': " + found);
    return found.get(0);
  }

  private static boolean evaluate(Rule rule, Map<String, Object> variables) throws Exception {
    CelAbstractSyntaxTree ast = COMPILER.compile(rule.expression()).getAst();
    return (Boolean) RUNTIME.createProgram(ast).eval(variables);
  }

  /** The values at a rule's path in a resource; none where the path is absent. */
  private static List<Object> at(Object resource, String path) {
    List<Object> values = List.of(resource);
    if (path.isEmpty()) {
      return values;
    }
    for (String segment : path.replace("[*]", ".[*]").split("\\.")) {
      List<Object> next = new ArrayList<>();
      for (Object value : values) {
        if (segment.equals("[*]") && value instanceof List<?> list) {
          next.addAll(list);
        } else if (value instanceof Map<?, ?> map && map.containsKey(segment)) {
          next.add(map.get(segment));
        }
      }
      values = next;
    }
    return values;
  }

  private static Object value(String yaml) throws IOException {
    return toCel(ExampleManifests.YAML.readTree(yaml));
  }

  /** A JSON value as CEL sees it: maps, lists, int64, double, string, bool. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    } else if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    } else if (node.isIntegralNumber()) {
      return node.asLong();
    } else if (node.isNumber()) {
      return node.asDouble();
    } else if (node.isBoolean()) {
      return node.asBoolean();
    } else if (node.isTextual()) {
      return node.asText();
    }
    throw new IllegalArgumentException("no CEL value for " + node);
  }
}
