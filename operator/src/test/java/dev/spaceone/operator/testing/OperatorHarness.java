package dev.spaceone.operator.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.runtime.SpaceOneOperator;
import dev.spaceone.testkit.LocalGarbageCollector;
import dev.spaceone.operator.desired.TaskPodBuilder;
import dev.spaceone.testkit.MockCluster;
import dev.spaceone.testkit.SimulatedKubelet;
import dev.spaceone.testkit.SimulatedKubelet.PluginRun;
import dev.spaceone.operator.api.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The operator on the mock cluster, with a simulated kubelet and the sandbox's garbage collector. */
public final class OperatorHarness implements AutoCloseable, AfterEachCallback {
  public static final String NAMESPACE = "collect";
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  public final MockCluster cluster;
  public final KubernetesClient client;
  public final SimulatedKubelet kubelet;
  private final LocalGarbageCollector gc;
  private final OperatorSettings settings;
  private final KubernetesClient operatorClient;
  private SpaceOneOperator operator;

  public OperatorHarness(OperatorSettings settings, Function<Pod, PluginRun> plugin) {
    this.settings = settings;
    cluster = new MockCluster();
    client = cluster.admin();
    cluster.createNamespace(NAMESPACE);
    kubelet = new SimulatedKubelet(cluster.client(MockCluster.KUBELET_AGENT), plugin, null, p -> true, cluster.podLogs());
    gc = new LocalGarbageCollector(cluster.client("garbage-collector"));
    operatorClient = cluster.client(MockCluster.OPERATOR_AGENT);
    operator = SpaceOneOperator.start(operatorClient, settings, Clock.systemUTC());
  }

  public OperatorHarness(Function<Pod, PluginRun> plugin) {
    this(OperatorSettings.forTests(), plugin);
  }

  public SpaceOneOperator operator() {
    return operator;
  }

  public void stopOperator() {
    operator.close();
    operator = null;
  }

  public void startOperator() {
    operator = SpaceOneOperator.start(operatorClient, settings, Clock.systemUTC());
  }

  /** A plugin that reports the counts named in its task options (created, updated, ..., failure). */
  public static Function<Pod, PluginRun> countsFromTaskOptions(Duration runTime) {
    return pod -> PluginRun.succeeds(runTime, resultFromTaskOptions(pod));
  }

  public static String resultFromTaskOptions(Pod pod) {
    JsonNode options = taskJson(pod).path("task_options");
    return "{\"created_count\":" + options.path("created").asLong() + ",\"updated_count\":"
        + options.path("updated").asLong() + ",\"deleted_count\":" + options.path("deleted").asLong()
        + ",\"failure_count\":" + options.path("failure").asLong() + ",\"success_count\":"
        + options.path("success").asLong() + ",\"total_count\":" + options.path("total").asLong() + "}";
  }

  public static JsonNode taskJson(Pod pod) {
    try {
      return Serialization.jsonMapper().readTree(pod.getMetadata().getAnnotations()
          .get(TaskPodBuilder.TASK_JSON_ANNOTATION));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A plugin scripted by its task options, so one Job can hold tasks that end in different ways:
   * {@code runMs} (default 200), {@code exit} (default 0), {@code result} (the raw result file; default the
   * counts of {@link #resultFromTaskOptions}), {@code failAttempts} (attempts up to this one exit 1 with
   * the message "attempt N failed").
   */
  public static PluginRun scripted(Pod pod) {
    JsonNode options = taskJson(pod).path("task_options");
    Duration runTime = Duration.ofMillis(options.path("runMs").asLong(200));
    int attempt = Integer.parseInt(pod.getMetadata().getLabels().get(Labels.ATTEMPT));
    if (attempt <= options.path("failAttempts").asInt(0)) {
      return new PluginRun(runTime, 1, "attempt " + attempt + " failed");
    }
    String result = options.has("result") ? options.path("result").asText() : resultFromTaskOptions(pod);
    return new PluginRun(runTime, options.path("exit").asInt(0), result);
  }

  /** Creates a Job from YAML. */
  public Job create(String yaml) {
    Job job = Serialization.unmarshal(yaml, Job.class);
    job.getMetadata().setNamespace(NAMESPACE);
    return client.resource(job).create();
  }

  /**
   * Changes a Job as a user does ({@code kubectl patch sjob NAME --type=merge -p JSON}): a JSON merge patch,
   * which needs no resourceVersion, so it never conflicts with the operator's own writes.
   */
  public Job patchJob(String name, String mergePatch) {
    return client.resources(Job.class).inNamespace(NAMESPACE).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  public Job job(String name) {
    return client.resources(Job.class).inNamespace(NAMESPACE).withName(name).get();
  }

  public Job awaitJob(String name, Predicate<Job> condition) {
    return awaitJob(name, condition, TIMEOUT);
  }

  public Job awaitJob(String name, Predicate<Job> condition, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
        Job job = job(name);
        return job != null && condition.test(job);
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Job " + name + " did not reach the expected state: " + describe(name), e);
    }
    return job(name);
  }

  /** The Job's status, its tasks' statuses and its pods' phases, for a failure message. */
  public String describe(String jobName) {
    StringBuilder text = new StringBuilder();
    Job job = job(jobName);
    text.append("\nJob status: ").append(job == null ? "(gone)" : Serialization.asJson(job.getStatus()));
    for (JobTask task : tasks(jobName)) {
      text.append("\n  task ").append(task.getMetadata().getName()).append(": ")
          .append(Serialization.asJson(task.getStatus()));
    }
    for (Pod pod : pods(jobName)) {
      text.append("\n  pod ").append(pod.getMetadata().getName()).append(": ")
          .append(pod.getStatus() == null ? null : pod.getStatus().getPhase())
          .append(" finalizers=").append(pod.getMetadata().getFinalizers())
          .append(" deleting=").append(pod.getMetadata().getDeletionTimestamp() != null);
    }
    return text.toString();
  }

  public List<JobTask> tasks(String jobName) {
    return client.resources(JobTask.class).inNamespace(NAMESPACE).withLabel("spaceone.dev/job", jobName).list()
        .getItems().stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
  }

  public JobTask task(String name) {
    return client.resources(JobTask.class).inNamespace(NAMESPACE).withName(name).get();
  }

  public JobTask awaitTask(String name, Predicate<JobTask> condition) {
    try {
      await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
        JobTask task = task(name);
        return task != null && condition.test(task);
      });
    } catch (ConditionTimeoutException e) {
      JobTask task = task(name);
      throw new AssertionError("JobTask " + name + " did not reach the expected state: "
          + (task == null ? "(gone)" : describe(task.getSpec().getJobName())), e);
    }
    return task(name);
  }

  /** Waits until a condition on the cluster holds. */
  public void awaitThat(Callable<Boolean> condition) {
    awaitThat(TIMEOUT, condition);
  }

  public void awaitThat(Duration timeout, Callable<Boolean> condition) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition);
  }

  /** The Events about an object, oldest first, as {@code kubectl describe} lists them. */
  public List<Event> events(String kind, String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing(Event::getFirstTimestamp))
        .toList();
  }

  /** The reasons of the Events about an object. */
  public List<String> eventReasons(String kind, String name) {
    return events(kind, name).stream().map(Event::getReason).toList();
  }

  public Pod pod(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  public List<Pod> pods(String jobName) {
    return client.pods().inNamespace(NAMESPACE).withLabel("spaceone.dev/job", jobName).list().getItems();
  }

  /** As a field with {@code @RegisterExtension}: a harness per test, closed after it. */
  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    kubelet.close();
    gc.close();
    cluster.close();
  }
}
