package dev.spaceone.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.testkit.ExampleManifests;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/** The product's CRDs, examples and namespaces on the e2e control plane, shared by the e2e classes. */
final class SpaceOneCluster {
  static final Path REPO = ExampleManifests.REPO;
  static final Path CRDS = REPO.resolve("crds");
  static final Path EXAMPLES = ExampleManifests.EXAMPLES;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** The API servers (URLs) the CRDs were applied to: the stand-in's control plane and the real node's. */
  private static final java.util.Set<String> CRDS_INSTALLED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private SpaceOneCluster() {
  }

  /** The CRD files under crds/, sorted. */
  static List<Path> crdFiles() {
    try (Stream<Path> files = Files.list(CRDS)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies crds/*.yaml (server-side apply, so every class may call it) and waits until each is Established. */
  static synchronized List<CustomResourceDefinition> installCrds(ControlPlane plane) {
    KubernetesClient client = plane.client();
    List<CustomResourceDefinition> installed = crdFiles().stream().map(file -> {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(file.toFile()).item();
      if (!CRDS_INSTALLED.contains(plane.apiServerUrl())) {
        client.resource(crd).forceConflicts().serverSideApply();
      }
      return client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }).toList();
    CRDS_INSTALLED.add(plane.apiServerUrl());
    return installed;
  }

  /** Creates a namespace named {@code prefix-<random>} and waits for its default ServiceAccount (pods need it). */
  static String createNamespace(ControlPlane plane, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    KubernetesClient client = plane.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    awaitThat("the default ServiceAccount of " + name, TIMEOUT,
        () -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    return name;
  }

  static void deleteNamespace(ControlPlane plane, String name) {
    if (name != null) {
      plane.client().namespaces().withName(name).delete();
    }
  }

  static Path example(String relative) {
    return EXAMPLES.resolve(relative);
  }

  /** {@code kubectl apply -n ns -f file...} with the admin kubeconfig; fails unless it succeeds. */
  static ControlPlane.KubectlResult apply(ControlPlane plane, String namespace, Path... files) {
    String[] args = new String[3 + 2 * files.length];
    args[0] = "apply";
    args[1] = "-n";
    args[2] = namespace;
    for (int i = 0; i < files.length; i++) {
      args[3 + 2 * i] = "-f";
      args[4 + 2 * i] = files[i].toString();
    }
    return plane.runKubectl(args).assertSuccess();
  }

  static Job job(KubernetesClient client, String namespace, String name) {
    return client.resources(Job.class).inNamespace(namespace).withName(name).get();
  }

  static List<JobTask> tasks(KubernetesClient client, String namespace, String jobName) {
    return client.resources(JobTask.class).inNamespace(namespace).withLabel("spaceone.dev/job", jobName).list()
        .getItems().stream().sorted(Comparator.comparingInt(t -> t.getSpec().getIndex())).toList();
  }

  static List<Pod> pods(KubernetesClient client, String namespace, String jobName) {
    return client.pods().inNamespace(namespace).withLabel("spaceone.dev/job", jobName).list().getItems();
  }

  /** Waits until the Job satisfies {@code condition}; on a timeout, fails with the Job, its tasks and pods. */
  static Job awaitJob(KubernetesClient client, String namespace, String name, Predicate<Job> condition) {
    return awaitJob(client, namespace, name, condition, TIMEOUT);
  }

  static Job awaitJob(KubernetesClient client, String namespace, String name, Predicate<Job> condition,
      Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
        Job job = job(client, namespace, name);
        return job != null && condition.test(job);
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Job " + namespace + "/" + name + " did not reach the expected state in " + timeout
          + ": " + describe(client, namespace, name), e);
    }
    return job(client, namespace, name);
  }

  /** Waits until the Job has a final status (not CREATED / IN_PROGRESS). */
  static Job awaitFinished(KubernetesClient client, String namespace, String name) {
    return awaitFinished(client, namespace, name, TIMEOUT);
  }

  static Job awaitFinished(KubernetesClient client, String namespace, String name, Duration timeout) {
    return awaitJob(client, namespace, name, j -> j.getStatus() != null && j.getStatus().getStatus() != null
        && j.getStatus().getFinishedAt() != null
        && !List.of("CREATED", "IN_PROGRESS").contains(j.getStatus().getStatus().toString()), timeout);
  }

  static String describe(KubernetesClient client, String namespace, String jobName) {
    StringBuilder text = new StringBuilder();
    Job job = job(client, namespace, jobName);
    text.append("\nJob status: ").append(job == null ? "(gone)" : Serialization.asJson(job.getStatus()));
    for (JobTask task : tasks(client, namespace, jobName)) {
      text.append("\n  task ").append(task.getMetadata().getName()).append(": ")
          .append(Serialization.asJson(task.getStatus()));
    }
    for (Pod pod : pods(client, namespace, jobName)) {
      text.append("\n  pod ").append(pod.getMetadata().getName()).append(": ")
          .append(pod.getStatus() == null ? null : pod.getStatus().getPhase())
          .append(" finalizers=").append(pod.getMetadata().getFinalizers())
          .append(" deleting=").append(pod.getMetadata().getDeletionTimestamp() != null);
    }
    return text.toString();
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
  static void awaitThat(String what, Duration timeout, Callable<Boolean> condition) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what, e);
    }
  }

  static void assertCounts(Job job, long created, long updated, long failure, long success, long total) {
    var s = job.getStatus();
    assertEquals(List.of(created, updated, failure, success, total),
        List.of(s.getCreatedCount(), s.getUpdatedCount(), s.getFailureCount(), s.getSuccessCount(),
            s.getTotalCount()), "created, updated, failure, success, total of " + Serialization.asJson(s));
  }
}
