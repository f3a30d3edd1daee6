package dev.spaceone.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.spaceone.testkit.ExampleManifests;
import dev.spaceone.testkit.ExampleManifests.Manifest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CRDs of crds/ in a real kube-apiserver: they become Established, every example manifest is accepted,
 * every wrong manifest of operator/src/test/resources/invalid/ is rejected naming the field of its
 * {@code # Expected error at:} comment (OpenAPI schema, strict field validation and CEL), and the CEL
 * transition rules reject updates.
 */
@ExtendWith(ControlPlaneExtension.class)
class CrdE2ETest {
  static final Path INVALID = SpaceOneCluster.REPO.resolve("operator/src/test/resources/invalid");
  static final Pattern EXPECTED_FIELD = Pattern.compile("(?m)^# Expected error at: (\\S+)$");

  private static String namespace;
  private final ControlPlane plane;

  CrdE2ETest(ControlPlane plane) {
    this.plane = plane;
  }

  @BeforeAll
  static void install(ControlPlane plane) {
    SpaceOneCluster.installCrds(plane);
    namespace = SpaceOneCluster.createNamespace(plane, "crd");
  }

  @AfterAll
  static void cleanUp(ControlPlane plane) {
    SpaceOneCluster.deleteNamespace(plane, namespace);
  }

  @Test
  void crdsAreEstablishedWithTheContractNames() {
    List<CustomResourceDefinition> crds = SpaceOneCluster.installCrds(plane);
    Map<String, CustomResourceDefinition> byName = crds.stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
    assertEquals(List.of("jobs.spaceone.dev", "jobtasks.spaceone.dev"), byName.keySet().stream().sorted().toList());
    CustomResourceDefinition jobs = byName.get("jobs.spaceone.dev");
    assertEquals("Namespaced", jobs.getSpec().getScope());
    assertEquals(List.of("sjob"), jobs.getStatus().getAcceptedNames().getShortNames());
    assertEquals(List.of("spaceone"), jobs.getStatus().getAcceptedNames().getCategories());
    assertEquals(List.of("sjt"), byName.get("jobtasks.spaceone.dev").getStatus().getAcceptedNames().getShortNames());
    assertEquals(List.of("v1alpha1"), jobs.getStatus().getStoredVersions());

    ControlPlane.KubectlResult resources = plane.runKubectl("api-resources", "--api-group=spaceone.dev", "-o", "wide")
        .assertSuccess();
    assertTrue(resources.stdout().matches("(?s).*\\bjobs\\s+sjob\\s+spaceone.dev/v1alpha1\\s+true\\s+Job\\b.*"),
        resources.toString());
    assertTrue(resources.stdout().matches("(?s).*\\bjobtasks\\s+sjt\\s+spaceone.dev/v1alpha1\\s+true\\s+JobTask\\b.*"),
        resources.toString());
  }

  /** Every spaceone.dev document and every Secret of examples/, with server-side dry-run and strict validation. */
  @TestFactory
  Stream<DynamicTest> everyExampleIsAccepted() {
    List<Manifest> manifests = ExampleManifests.all().stream()
        .filter(m -> m.apiVersion().startsWith("spaceone.dev/") || m.kind().equals("Secret"))
        .toList();
    assertTrue(manifests.size() >= 6, "expected the 3 Jobs and 3 Secrets of examples/, found " + manifests);
    return manifests.stream().map(m -> dynamicTest(m.toString(), () -> {
      String yaml = ExampleManifests.YAML.writeValueAsString(m.document());
      ControlPlane.KubectlResult result = plane.runKubectlWithInput(yaml, "apply", "--dry-run=server",
          "--validate=strict", "-n", namespace, "-f", "-", "-o", "name");
      result.assertSuccess();
      String expected = m.kind().equals("Secret") ? "secret/" : m.kind().toLowerCase() + ".spaceone.dev/";
      assertEquals(expected + m.document().path("metadata").path("name").asText(), result.stdout().trim(),
          result.toString());
      assertTrue(result.stderr().isBlank(), "no warnings expected: " + result);
    }));
  }

  /** Every wrong manifest is rejected by the real server, naming the field of its "# Expected error at:" line. */
  @TestFactory
  Stream<DynamicTest> everyWrongManifestIsRejectedNamingTheField() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(INVALID)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 20, "expected the wrong manifests of " + INVALID + ", found " + files);
    return files.stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
      String text = Files.readString(file);
      Matcher m = EXPECTED_FIELD.matcher(text);
      assertTrue(m.find(), file + " has no '# Expected error at:' line");
      String field = m.group(1);
      ControlPlane.KubectlResult result = plane.runKubectl("create", "--validate=strict", "-n", namespace,
          "-f", file.toString());
      assertNotEquals(0, result.exitCode(), "the server accepted a wrong manifest: " + result);
      String error = result.stderr();
      if (field.equals("apiVersion")) {
        // No served version matches: kubectl's REST mapping (discovery of the real server) names the version.
        String apiVersion = ExampleManifests.read(file).get(0).path("apiVersion").asText();
        assertTrue(error.contains("no matches for kind") && error.contains("version \"" + apiVersion + "\""),
            "expected an error about apiVersion " + apiVersion + ": " + result);
      } else {
        assertTrue(error.contains(field), "expected the error to name " + field + ": " + result);
      }
      assertFalse(plane.runKubectl("get", "sjob,sjt", "-n", namespace, "-o", "name").assertSuccess().stdout()
          .contains("/broken"), "nothing may have been stored");
    }));
  }

  /** The CEL rules on create, each naming its field (fieldPath) or rule message. */
  @TestFactory
  Stream<DynamicTest> celRulesRejectWrongJobs() {
    record Case(String name, String spec, String field, String message) {
    }
    String plugin = "  plugin:\n    image: busybox:1.36\n";
    String grpc = "  plugin:\n    image: busybox:1.36\n    protocol: grpc\n";
    List<Case> cases = List.of(
        new Case("neither tasks nor secretSelector", plugin, "spec.tasks", "spec must set tasks or secretSelector"),
        new Case("empty tasks", plugin + "  tasks: []\n", "spec.tasks", "spec must set tasks or secretSelector"),
        new Case("WORKSPACE without workspaceId", plugin + "  resourceGroup: WORKSPACE\n  tasks:\n  - provider: aws\n",
            "spec.workspaceId", "workspaceId is required when resourceGroup is WORKSPACE"),
        new Case("changed.start after changed.end", plugin
            + "  tasks:\n  - provider: aws\n    changed:\n      start: \"2024-03\"\n      end: \"2024-01\"\n",
            "spec.tasks[0].changed", "changed.start must not be after changed.end"),
        new Case("port with the file protocol", "  plugin:\n    image: busybox:1.36\n    port: 50051\n"
            + "  tasks:\n  - provider: aws\n", "spec.plugin.port", "port is only used with protocol grpc"),
        new Case("sink with the file protocol", plugin + "  sink:\n    type: log\n  tasks:\n  - provider: aws\n",
            "spec.sink", "sink needs plugin.protocol grpc"),
        new Case("postgres sink without secretRef", grpc + "  sink:\n    type: postgres\n  tasks:\n  - provider: aws\n",
            "spec.sink.secretRef", "secretRef is required when type is postgres"),
        new Case("postgres sink on a cost-analysis Job", grpc + "  service: cost-analysis\n  dataSourceId: ds-1\n"
            + "  sink:\n    type: postgres\n    secretRef:\n      name: pg\n", "spec.sink",
            "sink postgres stores inventory resources"),
        new Case("plan on an inventory Job", grpc + "  plan:\n    start: \"2026-01\"\n  tasks:\n  - provider: aws\n",
            "spec.plan", "plan is only for a cost-analysis Job"),
        new Case("grpc inventory without tasks", grpc, "spec.tasks", "spec must set tasks or secretSelector"));
    return cases.stream().map(c -> dynamicTest(c.name(), () -> {
      String yaml = "apiVersion: spaceone.dev/v1alpha1\nkind: Job\nmetadata:\n  name: cel-broken\nspec:\n" + c.spec();
      ControlPlane.KubectlResult result = plane.runKubectlWithInput(yaml, "create", "--validate=strict",
          "-n", namespace, "-f", "-");
      assertNotEquals(0, result.exitCode(), "accepted: " + result);
      assertTrue(result.stderr().contains(c.field()) && result.stderr().contains(c.message()),
          "expected " + c.field() + ": " + c.message() + " in " + result);
    }));
  }

  @Test
  void celRuleLimitsTheJobNameLength() {
    String name = "j".repeat(53);
    ControlPlane.KubectlResult result = plane.runKubectlWithInput("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          plugin:
            image: busybox:1.36
          tasks:
          - provider: aws
        """.formatted(name), "create", "-n", namespace, "-f", "-");
    assertNotEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stderr().contains("a Job name has at most 52 characters"), result.toString());
  }

  /** The transition rules (oldSelf) reject updates of a stored Job, naming the field. */
  @Test
  void celTransitionRulesRejectUpdates() {
    String job = "transitions";
    plane.runKubectlWithInput("""
        apiVersion: spaceone.dev/v1alpha1
        kind: Job
        metadata:
          name: %s
        spec:
          service: power-scheduler
          suspend: true
          cancel: true
          plugin:
            image: busybox:1.36
          tasks:
          - provider: aws
            options: {succeeded: 1}
        """.formatted(job), "create", "--validate=strict", "-n", namespace, "-f", "-").assertSuccess();

    record Update(String patch, String field, String message) {
    }
    List<Update> updates = List.of(
        new Update("{\"spec\":{\"cancel\":false}}", "spec.cancel", "cancel cannot be undone"),
        new Update("{\"spec\":{\"tasks\":[{\"provider\":\"gcp\"}]}}", "spec.tasks", "tasks are immutable"),
        new Update("{\"spec\":{\"service\":\"inventory\"}}", "spec.service", "service is immutable"),
        new Update("{\"spec\":{\"plugin\":{\"image\":\"busybox:1.37\"}}}", "spec.plugin", "plugin is immutable"),
        new Update("{\"spec\":{\"secretSelector\":{\"matchLabels\":{\"a\":\"b\"}}}}", "spec.secretSelector",
            "secretSelector is immutable"));
    for (Update update : updates) {
      ControlPlane.KubectlResult result = plane.runKubectl("patch", "sjob", job, "-n", namespace, "--type=merge",
          "-p", update.patch());
      assertNotEquals(0, result.exitCode(), "update accepted: " + result);
      assertTrue(result.stderr().contains(update.field()) && result.stderr().contains(update.message()),
          "expected " + update.field() + ": " + update.message() + " in " + result);
    }
    // A change the rules allow still goes through: the rules are not rejecting every update.
    plane.runKubectl("patch", "sjob", job, "-n", namespace, "--type=merge", "-p", "{\"spec\":{\"parallelism\":2}}")
        .assertSuccess();
    assertEquals("2", plane.runKubectl("get", "sjob", job, "-n", namespace, "-o", "jsonpath={.spec.parallelism}")
        .assertSuccess().stdout().trim());
    assertEquals("true", plane.runKubectl("get", "sjob", job, "-n", namespace, "-o", "jsonpath={.spec.cancel}")
        .assertSuccess().stdout().trim(), "cancel must still be true");
  }

  /** A JobTask's spec is immutable (CEL self == oldSelf). */
  @Test
  void jobTaskSpecIsImmutable() {
    plane.runKubectlWithInput("""
        apiVersion: spaceone.dev/v1alpha1
        kind: JobTask
        metadata:
          name: lone-task-0
        spec:
          jobName: lone-task
          index: 0
          service: inventory
          plugin:
            image: busybox:1.36
        """, "create", "--validate=strict", "-n", namespace, "-f", "-").assertSuccess();
    ControlPlane.KubectlResult result = plane.runKubectl("patch", "sjt", "lone-task-0", "-n", namespace,
        "--type=merge", "-p", "{\"spec\":{\"index\":1}}");
    assertNotEquals(0, result.exitCode(), result.toString());
    assertTrue(result.stderr().contains("a JobTask's spec is immutable"), result.toString());
  }

}
