package dev.spaceone.operator.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.runtime.OperatorSettings;
import dev.spaceone.operator.runtime.SpaceOneOperator;
import dev.spaceone.operator.task.TaskPodBuilder;
import dev.spaceone.operator.testing.SimulatedKubelet.PluginRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** The operator on the mock cluster, with a simulated kubelet and a test garbage collector. */
public final class OperatorHarness implements AutoCloseable {
  public static final String NAMESPACE = "collect";
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  public final MockCluster cluster;
  public final KubernetesClient client;
  public final SimulatedKubelet kubelet;
  private final TestGarbageCollector gc;
  private final OperatorSettings settings;
  private final KubernetesClient operatorClient;
  private SpaceOneOperator operator;

  public OperatorHarness(OperatorSettings settings, Function<Pod, PluginRun> plugin) {
    this.settings = settings;
    cluster = new MockCluster();
    client = cluster.admin();
    cluster.createNamespace(NAMESPACE);
    kubelet = new SimulatedKubelet(cluster.client(MockCluster.KUBELET_AGENT), plugin);
    gc = new TestGarbageCollector(cluster.client("garbage-collector"));
    operatorClient = cluster.client(MockCluster.OPERATOR_AGENT);
    operator = SpaceOneOperator.start(operatorClient, settings);
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
    operator = SpaceOneOperator.start(operatorClient, settings);
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

  /** Creates a Job from YAML. */
  public Job create(String yaml) {
    Job job = Serialization.unmarshal(yaml, Job.class);
    job.getMetadata().setNamespace(NAMESPACE);
    return client.resource(job).create();
  }

  public Job job(String name) {
    return client.resources(Job.class).inNamespace(NAMESPACE).withName(name).get();
  }

  public Job awaitJob(String name, Predicate<Job> condition) {
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
      Job job = job(name);
      return job != null && condition.test(job);
    });
    return job(name);
  }

  public List<JobTask> tasks(String jobName) {
    return client.resources(JobTask.class).inNamespace(NAMESPACE).withLabel("spaceone.dev/job", jobName).list()
        .getItems().stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
  }

  public List<Pod> pods(String jobName) {
    return client.pods().inNamespace(NAMESPACE).withLabel("spaceone.dev/job", jobName).list().getItems();
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
