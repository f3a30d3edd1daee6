package dev.spaceone.operator.examples;

import static dev.spaceone.testkit.ExampleManifests.EXAMPLES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.ResourceGroup;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.TaskTemplate;
import dev.spaceone.testkit.ExampleManifests;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples under {@code examples/}: the Jobs read as {@link Job}s with the fields they show, embed the sample
 * plugin verbatim, and the plugin, run as a local process on the task.json of each of their tasks, reports the
 * counts their comments promise; the query examples name existing resources and Jobs.
 */
class ExamplesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PLUGIN = EXAMPLES.resolve("plugin/sample-collector.sh");
  static final List<String> JOB_FILES = List.of("inventory/job.yaml", "cost-analysis/job.yaml",
      "power-scheduler/job.yaml");
  static final List<String> COUNTS = List.of("created_count", "updated_count", "deleted_count",
      "disconnected_count", "failure_count", "success_count", "total_count");

  static Job job(String file) throws IOException {
    try (InputStream in = Files.newInputStream(EXAMPLES.resolve(file))) {
      return Serialization.unmarshal(in, Job.class);
    }
  }

  @Test
  void everyExampleFileSaysWhatItShows() {
    List<Path> files = ExampleManifests.files();
    assertEquals(16, files.size(), files.toString());
    for (Path file : files) {
      assertTrue(readString(file).startsWith("# "), file + " starts with a comment saying what it shows");
    }
  }

  @Test
  void inventoryJobDividesBySecretSelector() throws IOException {
    Job job = job("inventory/job.yaml");
    JobSpec spec = job.getSpec();
    assertEquals("inventory-aws", job.getMetadata().getName());
    assertEquals(Service.INVENTORY, spec.getService());
    assertEquals(Map.of("spaceone.dev/collect", "aws"), spec.getSecretSelector().getMatchLabels());
    assertNull(spec.getTasks());
    assertEquals(ResourceGroup.DOMAIN, spec.getResourceGroup());
    assertEquals("collector-aws-inventory", spec.getCollectorId());
    assertEquals(2, spec.getParallelism());
    assertEquals(1, spec.getBackoffLimitPerTask());
    assertEquals(300L, spec.getTaskTimeoutSeconds());
    assertEquals(3600L, spec.getActiveDeadlineSeconds());
    assertEquals(86400L, spec.getTtlSecondsAfterFinished());
    assertEquals(Map.of("created", 4, "updated", 2), spec.getPlugin().getOptions());
    assertEquals("10m", spec.getPlugin().getResources().getRequests().get("cpu").toString());
    assertEquals(65534L, spec.getPlugin().getSecurityContext().getRunAsUser());
  }

  @Test
  void inventorySelectorMatchesTheThreeSecrets() throws IOException {
    Map<String, String> selector = job("inventory/job.yaml").getSpec().getSecretSelector().getMatchLabels();
    List<JsonNode> secrets = secrets();
    assertEquals(3, secrets.size());
    for (JsonNode secret : secrets) {
      Map<String, String> labels = JSON.convertValue(secret.path("metadata").path("labels"), Map.class);
      assertTrue(labels.entrySet().containsAll(selector.entrySet()), labels + " matches " + selector);
      assertEquals("aws", labels.get("spaceone.dev/provider"));
      assertTrue(labels.get("spaceone.dev/service-account-id").startsWith("sa-"), labels.toString());
      assertTrue(labels.get("spaceone.dev/project-id").startsWith("project-"), labels.toString());
      assertEquals(Set.of("aws_access_key_id", "aws_secret_access_key", "region_name"),
          JSON.convertValue(secret.path("stringData"), Map.class).keySet());
    }
  }

  @Test
  void costAnalysisJobHasMonthlyTasks() throws IOException {
    Job job = job("cost-analysis/job.yaml");
    JobSpec spec = job.getSpec();
    assertEquals(Service.COST_ANALYSIS, spec.getService());
    assertEquals("ds-aws-cost-01", spec.getDataSourceId());
    assertEquals(ResourceGroup.WORKSPACE, spec.getResourceGroup());
    assertEquals("workspace-finance", spec.getWorkspaceId());
    assertNull(spec.getSecretSelector());
    List<TaskTemplate> tasks = spec.getTasks();
    assertEquals(List.of("2024-01", "2024-02", "2024-03"), tasks.stream().map(t -> t.getChanged().getStart()).toList());
    for (TaskTemplate task : tasks) {
      assertEquals(task.getChanged().getStart(), task.getChanged().getEnd(), "one month per task");
      assertEquals("aws-prod-account", task.getSecretRef().getName());
      assertEquals("sa-2c3d4e5f6a7b", task.getServiceAccountId());
    }
    assertEquals(Map.of("product", List.of("AmazonEC2", "AmazonRDS")), tasks.get(2).getChanged().getFilter());
    assertEquals(Map.of("created", 95, "updated", 5), tasks.get(1).getOptions());
  }

  @Test
  void powerSchedulerJobHasExplicitTasks() throws IOException {
    JobSpec spec = job("power-scheduler/job.yaml").getSpec();
    assertEquals(Service.POWER_SCHEDULER, spec.getService());
    assertEquals(3, spec.getParallelism());
    assertEquals(List.of("schedule-dev-nightly", "schedule-staging-nightly", "schedule-analytics-nightly"),
        spec.getTasks().stream().map(t -> t.getOptions().get("schedule_id")).toList());
    assertEquals(List.of("aws", "aws", "google_cloud"), spec.getTasks().stream().map(TaskTemplate::getProvider).toList());
    assertEquals(Map.of("action", "stop"), spec.getPlugin().getOptions());
  }

  @ParameterizedTest
  @MethodSource("jobFiles")
  void jobsEmbedTheSamplePluginVerbatim(String file) throws IOException {
    Job job = job(file);
    assertEquals("busybox:1.36", job.getSpec().getPlugin().getImage());
    assertEquals(List.of("sh", "-c"), job.getSpec().getPlugin().getCommand());
    assertEquals(List.of(readString(PLUGIN)), job.getSpec().getPlugin().getArgs(),
        file + " must embed examples/plugin/sample-collector.sh verbatim");
  }

  static List<String> jobFiles() {
    return JOB_FILES;
  }

  /**
   * Runs the sample plugin once per task of the Job, on the task.json the operator would write (pretty-printed
   * and on one line), and checks the sums against the Job's "# Expected when it finishes" comment.
   */
  @ParameterizedTest
  @MethodSource("jobFiles")
  void samplePluginReportsThePromisedCounts(String file, @TempDir Path dir) throws Exception {
    Job job = job(file);
    Map<String, Long> sums = new TreeMap<>();
    int failedTasks = 0;
    List<ObjectNode> tasks = taskJsons(job);
    for (int index = 0; index < tasks.size(); index++) {
      ObjectNode task = tasks.get(index);
      JsonNode secret = task.remove("_secret");
      Path secretDir = null;
      if (secret != null) {
        secretDir = Files.createDirectories(dir.resolve("secret-" + index));
        for (var entry : secret.path("stringData").properties()) {
          Files.writeString(secretDir.resolve(entry.getKey()), entry.getValue().asText());
        }
      }
      JsonNode pretty = runPlugin(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(task), secretDir, secret);
      JsonNode oneLine = runPlugin(dir, JSON.writeValueAsString(task), secretDir, secret);
      assertEquals(pretty, oneLine);
      for (String count : COUNTS) {
        sums.merge(count, pretty.path(count).asLong(), Long::sum);
      }
      if (pretty.path("failure_count").asLong() > 0) {
        failedTasks++;
        assertEquals("ERROR_SAMPLE_FAILURE", pretty.path("errors").path(0).path("error_code").asText());
      } else {
        assertEquals(0, pretty.path("errors").size());
      }
    }

    String expected = readString(EXAMPLES.resolve(file)).lines().filter(l -> l.startsWith("# Expected when"))
        .findFirst().orElseThrow(() -> new AssertionError(file + " has no '# Expected when it finishes' line"));
    Map<String, Long> promised = new TreeMap<>();
    Matcher count = Pattern.compile("(\\w+)Count (\\d+)").matcher(expected);
    while (count.find()) {
      promised.put(count.group(1).replaceAll("([A-Z])", "_$1").toLowerCase() + "_count", Long.parseLong(count.group(2)));
    }
    assertEquals(promised, sums, expected);
    assertTrue(expected.contains(" " + tasks.size() + "/" + tasks.size() + " tasks"), expected);
    Matcher failed = Pattern.compile("with (\\d+) failed").matcher(expected);
    assertEquals(failed.find() ? Integer.parseInt(failed.group(1)) : 0, failedTasks, expected);
    assertTrue(expected.contains("status " + (failedTasks > 0 ? "FAILURE" : "SUCCESS")), expected);
  }

  @Test
  void samplePluginWithoutTaskFileFails(@TempDir Path dir) throws Exception {
    ProcessBuilder process = new ProcessBuilder("sh", "-c", readString(PLUGIN), "sample-collector");
    process.environment().put("SPACEONE_TASK_FILE", dir.resolve("missing.json").toString());
    process.environment().put("SPACEONE_RESULT_FILE", dir.resolve("result.json").toString());
    Process run = process.redirectErrorStream(true).start();
    run.getInputStream().readAllBytes();
    assertTrue(run.waitFor(30, TimeUnit.SECONDS));
    assertTrue(run.exitValue() != 0, "no task.json, no result");
    assertFalse(Files.exists(dir.resolve("result.json")));
  }

  /** The task.json of each task of an example Job; a task with a Secret carries it as "_secret". */
  private static List<ObjectNode> taskJsons(Job job) {
    JobSpec spec = job.getSpec();
    String jobId = job.getMetadata().getName();
    List<ObjectNode> tasks = new ArrayList<>();
    if (spec.getSecretSelector() != null) {
      for (JsonNode secret : secrets()) {
        JsonNode labels = secret.path("metadata").path("labels");
        ObjectNode task = task(jobId, tasks.size(), spec, null);
        task.put("provider", labels.path("spaceone.dev/provider").asText());
        task.put("service_account_id", labels.path("spaceone.dev/service-account-id").asText());
        task.put("project_id", labels.path("spaceone.dev/project-id").asText());
        task.set("_secret", secret);
        tasks.add(task);
      }
    }
    for (TaskTemplate template : spec.getTasks() == null ? List.<TaskTemplate>of() : spec.getTasks()) {
      ObjectNode task = task(jobId, tasks.size(), spec, template);
      if (template.getSecretRef() != null) {
        task.set("_secret", secrets().stream()
            .filter(s -> s.path("metadata").path("name").asText().equals(template.getSecretRef().getName()))
            .findFirst().orElseThrow());
      }
      tasks.add(task);
    }
    return tasks;
  }

  private static ObjectNode task(String jobId, int index, JobSpec spec, TaskTemplate template) {
    ObjectNode task = JSON.createObjectNode();
    task.put("job_id", jobId);
    task.put("job_task_id", jobId + "-" + index);
    task.put("service", spec.getService().value());
    task.set("options", JSON.valueToTree(spec.getPlugin().getOptions()));
    task.put("domain_id", spec.getDomainId());
    task.put("resource_group", spec.getResourceGroup() == null ? null : spec.getResourceGroup().name());
    task.put("workspace_id", spec.getWorkspaceId());
    task.put("collector_id", spec.getCollectorId());
    task.put("data_source_id", spec.getDataSourceId());
    task.put("project_id", spec.getProjectId());
    if (template != null) {
      task.set("task_options", JSON.valueToTree(template.getOptions() == null ? Map.of() : template.getOptions()));
      task.put("provider", template.getProvider());
      task.put("service_account_id", template.getServiceAccountId());
      if (template.getProjectId() != null) {
        task.put("project_id", template.getProjectId());
      }
      task.set("changed", JSON.valueToTree(template.getChanged()));
    } else {
      task.putObject("task_options");
    }
    return task;
  }

  /** Runs the plugin script as a local process and returns the result object it wrote. */
  private static JsonNode runPlugin(Path dir, String taskJson, Path secretDir, JsonNode secret) throws Exception {
    Path taskFile = Files.writeString(dir.resolve("task.json"), taskJson);
    Path resultFile = dir.resolve("result.json");
    Files.deleteIfExists(resultFile);
    JsonNode task = JSON.readTree(taskJson);
    ProcessBuilder process = new ProcessBuilder("sh", "-c", readString(PLUGIN), "sample-collector");
    Map<String, String> env = process.environment();
    env.put("SPACEONE_TASK_FILE", taskFile.toString());
    env.put("SPACEONE_RESULT_FILE", resultFile.toString());
    env.put("SPACEONE_JOB_ID", task.path("job_id").asText());
    env.put("SPACEONE_JOB_TASK_ID", task.path("job_task_id").asText());
    env.remove("SPACEONE_SECRET_DIR");
    if (secretDir != null) {
      env.put("SPACEONE_SECRET_DIR", secretDir.toString());
    }
    Process run = process.redirectErrorStream(true).start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(run.waitFor(30, TimeUnit.SECONDS), "plugin finished");
    assertEquals(0, run.exitValue(), output);

    assertTrue(output.contains("task " + task.path("job_task_id").asText() + " of job "), output);
    if (secret != null) {
      for (var entry : secret.path("stringData").properties()) {
        assertTrue(output.contains(entry.getKey()), "lists the secret file " + entry.getKey() + ": " + output);
        assertFalse(output.contains(entry.getValue().asText()), "prints a secret value: " + output);
      }
    }
    String text = Files.readString(resultFile);
    assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= 4096, "a termination message holds 4096 bytes");
    JsonNode result = JSON.readTree(text);
    List<String> keys = new ArrayList<>(COUNTS);
    keys.add("errors");
    assertEquals(Set.copyOf(keys), Set.copyOf(iterable(result.fieldNames())), text);
    COUNTS.forEach(c -> assertTrue(result.get(c).isIntegralNumber() && result.get(c).asLong() >= 0, c + " in " + text));
    assertTrue(result.get("errors").isArray(), text);
    return result;
  }

  @ParameterizedTest
  @ValueSource(strings = {"search", "stat", "analysis"})
  void queryExamplesAskTheQueryApi(String name) {
    List<JsonNode> documents = ExampleManifests.read(EXAMPLES.resolve("queries/" + name + ".yaml"));
    assertEquals(1, documents.size());
    JsonNode query = documents.get(0);
    assertEquals("query.spaceone.dev/v1alpha1", query.path("apiVersion").asText());
    assertEquals(Character.toUpperCase(name.charAt(0)) + name.substring(1), query.path("kind").asText());
    assertTrue(Set.of("jobs", "jobtasks").contains(query.path("spec").path("resource").asText()), query.toString());
    JsonNode spaceoneQuery = query.path("spec").path("query");
    assertTrue(spaceoneQuery.isObject() && !spaceoneQuery.isEmpty(), query.toString());

    Set<String> operators = Set.of("eq", "not", "lt", "lte", "gt", "gte", "exists", "contain", "not_contain", "in",
        "not_in", "contain_in", "not_contain_in", "regex", "regex_in");
    Set<String> jobs = Set.copyOf(JOB_FILES.stream().map(f -> {
      try {
        return job(f).getMetadata().getName();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).toList());
    for (JsonNode condition : spaceoneQuery.path("filter")) {
      assertTrue(operators.contains(condition.path("o").asText()), condition.toString());
      assertTrue(condition.path("k").asText().matches("[a-z_]+"), "snake_case key: " + condition);
      if (condition.path("k").asText().equals("job_id")) {
        assertTrue(jobs.contains(condition.path("v").asText()), "an example Job: " + condition);
      }
    }
  }

  private static List<JsonNode> secrets() {
    return ExampleManifests.read(EXAMPLES.resolve("inventory/secrets.yaml"));
  }

  private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
