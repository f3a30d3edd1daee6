package dev.spaceone.operator.query;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.JobState;
import dev.spaceone.operator.api.v1alpha1.JobStatus;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.JobTaskStatus;
import dev.spaceone.operator.api.v1alpha1.PluginSpec;
import dev.spaceone.operator.api.v1alpha1.ResourceGroup;
import dev.spaceone.operator.api.v1alpha1.SecretReference;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.TaskError;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A deterministic data set of Jobs and JobTasks over a few namespaces. */
final class TestData {
  static final List<String> PROVIDERS = List.of("aws", "google_cloud", "azure");
  static final TaskState[] TASK_STATES = TaskState.values();
  static final JobState[] JOB_STATES = {JobState.SUCCESS, JobState.FAILURE, JobState.IN_PROGRESS, JobState.CANCELED};

  final List<Job> jobs = new ArrayList<>();
  final List<JobTask> tasks = new ArrayList<>();

  /** jobsPerNamespace Jobs of tasksPerJob tasks in each namespace. */
  static TestData generate(List<String> namespaces, int jobsPerNamespace, int tasksPerJob) {
    TestData d = new TestData();
    int t = 0;
    int j = 0;
    Instant base = Instant.parse("2024-05-01T00:00:00Z");
    for (String ns : namespaces) {
      for (int jn = 0; jn < jobsPerNamespace; jn++, j++) {
        String jobName = "job-" + jn;
        JobStatus js = new JobStatus();
        JobSpec spec = new JobSpec();
        spec.setService(Service.values()[j % 3]);
        PluginSpec plugin = new PluginSpec();
        plugin.setImage("example/plugin:" + (j % 2));
        plugin.setPluginId("plugin-" + (j % 2));
        spec.setPlugin(plugin);
        spec.setDomainId("domain-1");
        spec.setCollectorId("collector-" + (j % 3));
        spec.setResourceGroup(j % 2 == 0 ? ResourceGroup.DOMAIN : ResourceGroup.WORKSPACE);
        spec.setWorkspaceId("workspace-" + (j % 2));
        for (int tn = 0; tn < tasksPerJob; tn++, t++) {
          JobTask task = task(ns, jobName, tn, t, spec, base);
          d.tasks.add(task);
          js.addCounts(task.getStatus());
        }
        js.setStatus(JOB_STATES[j % JOB_STATES.length]);
        js.setTotalTasks(tasksPerJob);
        js.setSuccessTasks(tasksPerJob / 2);
        js.setFailureTasks(tasksPerJob - tasksPerJob / 2);
        js.setStartedAt(base.plusSeconds(j * 60L).toString());
        Job job = new Job();
        job.setMetadata(new ObjectMetaBuilder().withName(jobName).withNamespace(ns)
            .withCreationTimestamp(base.plusSeconds(j * 60L).toString()).build());
        job.setSpec(spec);
        job.setStatus(js);
        d.jobs.add(job);
      }
    }
    return d;
  }

  static JobTask task(String ns, String jobName, int index, int t, JobSpec jobSpec, Instant base) {
    JobTaskSpec spec = new JobTaskSpec();
    spec.copyIdentityFrom(jobSpec);
    spec.setJobName(jobName);
    spec.setIndex(index);
    spec.setService(jobSpec.getService());
    spec.setPlugin(jobSpec.getPlugin());
    spec.setProvider(PROVIDERS.get(t % PROVIDERS.size()));
    spec.setServiceAccountId("sa-" + (t % 7));
    spec.setProjectId("project-" + (t % 5));
    spec.setSecretRef(secret("secret-" + (t % 7)));
    spec.setOptions(Map.of("region", "r" + (t % 4)));
    JobTaskStatus status = new JobTaskStatus();
    status.setStatus(TASK_STATES[(t + t / TASK_STATES.length) % TASK_STATES.length]);
    status.setCreatedCount((t * 37L) % 101);
    status.setUpdatedCount((t * 11L) % 23);
    status.setFailureCount(status.getStatus() == TaskState.FAILURE ? 1 + t % 3 : 0);
    status.setAttempts(1 + t % 2);
    status.setPodName(jobName + "-" + index + "-pod");
    if (status.getStatus() == TaskState.FAILURE) {
      TaskError e = new TaskError();
      e.setErrorCode("ERROR_COLLECTOR_PLUGIN");
      e.setMessage("boom " + t);
      status.setErrors(List.of(e));
      status.setErrorCode("ERROR_COLLECTOR_PLUGIN");
      status.setErrorMessage("boom " + t);
    }
    status.setStartedAt(base.plusSeconds(t * 10L).toString());
    JobTask task = new JobTask();
    task.setMetadata(new ObjectMetaBuilder().withName(jobName + "-" + index).withNamespace(ns)
        .withCreationTimestamp(base.plusSeconds(t * 10L).toString()).build());
    task.setSpec(spec);
    task.setStatus(status);
    return task;
  }

  private static SecretReference secret(String name) {
    SecretReference r = new SecretReference();
    r.setName(name);
    return r;
  }

  void load(RecordStore store) {
    jobs.forEach(store::putJob);
    tasks.forEach(store::putTask);
  }
}
