package dev.spaceone.e2e;

import static dev.spaceone.e2e.SpaceOneCluster.awaitFinished;
import static dev.spaceone.e2e.SpaceOneCluster.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real kubectl against finished Jobs: printer columns, labels, selectable fields, the category,
 * explain, describe with Events, and wait on conditions, as the contract promises.
 */
@ExtendWith({ControlPlaneExtension.class, OperatorExtension.class})
class KubectlE2ETest {
  static final String INVENTORY = OperatorE2ETest.INVENTORY;
  static final String POWER = OperatorE2ETest.POWER;

  private static String ns;
  private final ControlPlane plane;

  KubectlE2ETest(ControlPlane plane) {
    this.plane = plane;
  }

  @BeforeAll
  static void runExamples(ControlPlane plane, RunningOperator operator) {
    ns = SpaceOneCluster.createNamespace(plane, "kubectl");
    SpaceOneCluster.apply(plane, ns, example("inventory/secrets.yaml"), example("inventory/job.yaml"),
        example("power-scheduler/job.yaml"));
    awaitFinished(plane.client(), ns, INVENTORY);
    awaitFinished(plane.client(), ns, POWER);
  }

  @AfterAll
  static void cleanUp(ControlPlane plane) {
    SpaceOneCluster.deleteNamespace(plane, ns);
  }

  private ControlPlane.KubectlResult kubectl(String... args) {
    return plane.runKubectl(args).assertSuccess();
  }

  /** A table as kubectl prints it: the header's columns and each row by its NAME, split on runs of spaces. */
  record Table(List<String> header, Map<String, List<String>> rows, String text) {
    static Table parse(String text) {
      List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
      List<String> header = Arrays.asList(lines.get(0).trim().split("\\s+"));
      Map<String, List<String>> rows = lines.stream().skip(1).map(l -> Arrays.asList(l.trim().split("\\s+")))
          .collect(Collectors.toMap(r -> r.get(0), Function.identity()));
      return new Table(header, rows, text);
    }

    String cell(String name, String column) {
      List<String> row = rows.get(name);
      assertTrue(row != null, "no row " + name + " in\n" + text);
      int i = header.indexOf(column);
      assertTrue(i >= 0, "no column " + column + " in\n" + text);
      assertEquals(header.size(), row.size(), "every cell filled in row " + name + " of\n" + text);
      return row.get(i);
    }
  }

  @Test
  void getSjobShowsStatusProgressFailuresAndCounts() {
    Table table = Table.parse(kubectl("get", "sjob", "-n", ns).stdout());
    assertEquals(List.of("NAME", "STATUS", "DONE", "FAILED", "CREATED", "UPDATED", "AGE"), table.header(), table.text());
    assertEquals(List.of(INVENTORY, "SUCCESS", "3/3", "0", "12", "6"), table.rows().get(INVENTORY).subList(0, 6),
        table.text());
    assertEquals(List.of(POWER, "FAILURE", "3/3", "1", "0", "0"), table.rows().get(POWER).subList(0, 6), table.text());
    assertTrue(table.cell(INVENTORY, "AGE").matches("\\d+[smh].*"), table.text());
  }

  @Test
  void getSjobWideShowsServiceRunningImageAndError() {
    ControlPlane.KubectlResult wide = kubectl("get", "sjob", "-n", ns, "-o", "wide");
    List<String> header = Arrays.asList(wide.stdout().lines().findFirst().orElseThrow().trim().split("\\s+"));
    assertEquals(List.of("NAME", "STATUS", "DONE", "FAILED", "CREATED", "UPDATED", "AGE", "SERVICE", "RUNNING",
        "DELETED", "ERRORS", "COLLECTOR", "IMAGE", "ERROR"), header, wide.stdout());
    // Columns may be empty (no collectorId): read the cells by the header's column offsets, as kubectl aligns them.
    Map<String, String> inventory = cells(wide.stdout(), INVENTORY);
    assertEquals(List.of("inventory", "0", "0", "0", "collector-aws-inventory", "busybox:1.36", ""),
        List.of(inventory.get("SERVICE"), inventory.get("RUNNING"), inventory.get("DELETED"), inventory.get("ERRORS"),
            inventory.get("COLLECTOR"), inventory.get("IMAGE"), inventory.get("ERROR")), wide.stdout());
    Map<String, String> power = cells(wide.stdout(), POWER);
    assertEquals(List.of("power-scheduler", "0", "0", "1", "", "busybox:1.36"),
        List.of(power.get("SERVICE"), power.get("RUNNING"), power.get("DELETED"), power.get("ERRORS"),
            power.get("COLLECTOR"), power.get("IMAGE")), wide.stdout());
    String errorCode = plane.runKubectl("get", "sjob", POWER, "-n", ns, "-o", "jsonpath={.status.errorCode}")
        .assertSuccess().stdout().trim();
    assertEquals(errorCode, power.get("ERROR"), wide.stdout());
  }

  /** The cells of row {@code name}, by column, cut at the header's column offsets. */
  private static Map<String, String> cells(String table, String name) {
    List<String> lines = table.lines().toList();
    String header = lines.get(0);
    String line = lines.stream().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + table));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(header);
    List<int[]> spans = new java.util.ArrayList<>();
    List<String> columns = new java.util.ArrayList<>();
    while (m.find()) {
      columns.add(m.group());
      spans.add(new int[] {m.start()});
    }
    Map<String, String> cells = new java.util.LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      int from = spans.get(i)[0];
      int to = i + 1 < columns.size() ? spans.get(i + 1)[0] : Integer.MAX_VALUE;
      String cell = from >= line.length() ? "" : line.substring(from, Math.min(to, line.length())).trim();
      cells.put(columns.get(i), cell.equals("<none>") ? "" : cell);
    }
    return cells;
  }

  @Test
  void getSjtByJobLabelListsOnlyThatJobsTasks() {
    Table table = Table.parse(kubectl("get", "sjt", "-n", ns, "-l", "spaceone.dev/job=" + INVENTORY).stdout());
    assertEquals(List.of("NAME", "STATUS", "JOB", "CREATED", "UPDATED", "FAILURES", "ATTEMPTS", "AGE"), table.header());
    assertEquals(List.of(INVENTORY + "-0", INVENTORY + "-1", INVENTORY + "-2"),
        table.rows().keySet().stream().sorted().toList(), table.text());
    for (String task : table.rows().keySet()) {
      assertEquals(List.of("SUCCESS", INVENTORY, "4", "2", "0", "1"), table.rows().get(task).subList(1, 7), table.text());
    }
  }

  @Test
  void getSjtByStatusFieldSelectorListsOnlyFailedTasks() {
    Table failed = Table.parse(kubectl("get", "sjt", "-n", ns, "--field-selector", "status.status=FAILURE").stdout());
    assertEquals(List.of(POWER + "-1"), List.copyOf(failed.rows().keySet()), failed.text());
    assertEquals("FAILURE", failed.cell(POWER + "-1", "STATUS"));
    assertEquals("1", failed.cell(POWER + "-1", "FAILURES"));
    Table succeeded = Table.parse(kubectl("get", "sjt", "-n", ns, "--field-selector", "status.status=SUCCESS").stdout());
    assertEquals(5, succeeded.rows().size(), succeeded.text());
    // An identity field is selectable too.
    Table byJob = Table.parse(kubectl("get", "sjt", "-n", ns, "--field-selector", "spec.jobName=" + POWER).stdout());
    assertEquals(3, byJob.rows().size(), byJob.text());
    // A field that is not selectable is refused by the server.
    ControlPlane.KubectlResult bad = plane.runKubectl("get", "sjt", "-n", ns, "--field-selector", "status.podName=x");
    assertNotEquals(0, bad.exitCode(), bad.toString());
    assertTrue(bad.stderr().contains("field label not supported"), bad.toString());
  }

  @Test
  void getSpaceoneCategoryListsJobsAndJobTasks() {
    String out = kubectl("get", "spaceone", "-n", ns, "-o", "name").stdout();
    List<String> names = out.lines().filter(l -> !l.isBlank()).sorted().toList();
    assertEquals(8, names.size(), out);
    assertTrue(names.contains("job.spaceone.dev/" + INVENTORY), out);
    assertTrue(names.contains("jobtask.spaceone.dev/" + POWER + "-2"), out);
    String table = kubectl("get", "spaceone", "-n", ns).stdout();
    assertTrue(table.contains("job.spaceone.dev/" + INVENTORY) && table.contains("jobtask.spaceone.dev/" + INVENTORY
        + "-0"), table);
  }

  @Test
  void explainShowsTheFieldDescription() {
    String out = kubectl("explain", "sjob.spec.parallelism").stdout();
    assertTrue(out.contains("KIND:") && out.contains("Job") && out.contains("VERSION:") && out.contains("v1alpha1"), out);
    assertTrue(out.contains("FIELD: parallelism <integer>"), out);
    assertTrue(out.contains("Most tasks running at once."), out);
  }

  @Test
  void explainDescribesTheGrpcFields() {
    String protocol = kubectl("explain", "sjob.spec.plugin.protocol").stdout();
    assertTrue(protocol.contains("FIELD: protocol <string>"), protocol);
    assertTrue(protocol.contains("grpc: the image is an unchanged SpaceONE plugin"), protocol);
    String sink = kubectl("explain", "sjob.spec.sink", "--recursive").stdout();
    assertTrue(sink.contains("secretRef") && sink.contains("type"), sink);
    String port = kubectl("explain", "sjob.spec.plugin.port").stdout();
    assertTrue(port.contains("default 50051"), port);
  }

  @Test
  void describeTellsTheStoryInEvents() {
    String out = kubectl("describe", "sjob", INVENTORY, "-n", ns).stdout();
    int events = out.indexOf("Events:");
    assertTrue(events >= 0, out);
    String tail = out.substring(events);
    for (String reason : List.of("TasksCreated", "Started", "Completed")) {
      assertTrue(tail.matches("(?s).*Normal\\s+" + reason + "\\s.*"), "event " + reason + " in\n" + tail);
    }
    assertTrue(tail.indexOf("TasksCreated") < tail.indexOf("Completed"), tail);
    String power = kubectl("describe", "sjob", POWER, "-n", ns).stdout();
    assertTrue(power.matches("(?s).*Events:.*Warning\\s+Failed\\s.*"), power);
    // Per-task Events tell failures (a plain success is told by the task's status and the Job's Events).
    String task = kubectl("describe", "sjt", POWER + "-1", "-n", ns).stdout();
    assertTrue(task.matches("(?s).*Events:.*Warning\\s+Failed\\s.*ERROR_SAMPLE_FAILURE.*"), task);
  }

  @Test
  void waitForConditions() {
    kubectl("wait", "--for=condition=Complete", "sjob/" + INVENTORY, "-n", ns, "--timeout=60s");
    kubectl("wait", "--for=condition=Failed", "sjob/" + POWER, "-n", ns, "--timeout=60s");
    ControlPlane.KubectlResult notComplete = plane.runKubectl("wait", "--for=condition=Complete", "sjob/" + POWER,
        "-n", ns, "--timeout=2s");
    assertNotEquals(0, notComplete.exitCode(), "a failed Job is not Complete: " + notComplete);
    assertTrue(notComplete.stderr().contains("timed out"), notComplete.toString());
  }
}
