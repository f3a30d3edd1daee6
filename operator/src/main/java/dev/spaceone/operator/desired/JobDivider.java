package dev.spaceone.operator.desired;

import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.Labels;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.SecretReference;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.TaskTemplate;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Divides a Job into its JobTasks: the explicit {@code tasks} first, then one task per selected Secret,
 * ordered by Secret name so that the same Job and Secrets always give the same tasks at the same indices.
 */
public final class JobDivider {
  /** SpaceONE's secret_type of a cost Job planned with several Secrets (MANUAL otherwise, the runner's default). */
  public static final String SERVICE_ACCOUNT_SECRET = "USE_SERVICE_ACCOUNT_SECRET";

  private JobDivider() {
  }

  /**
   * The Job's tasks.
   *
   * @param selectedSecrets metadata of the Secrets the Job's secretSelector matched (empty without one)
   */
  public static List<JobTask> divide(Job job, List<ObjectMeta> selectedSecrets) {
    JobSpec spec = job.getSpec();
    List<JobTask> tasks = new ArrayList<>();
    if (spec.getTasks() != null) {
      for (TaskTemplate template : spec.getTasks()) {
        JobTaskSpec task = baseSpec(job, tasks.size());
        task.setOptions(template.getOptions());
        task.setSecretRef(template.getSecretRef());
        task.setProvider(template.getProvider());
        task.setServiceAccountId(template.getServiceAccountId());
        if (template.getProjectId() != null) {
          task.setProjectId(template.getProjectId());
        }
        task.setChanged(template.getChanged());
        tasks.add(jobTask(job, task));
      }
    }
    List<ObjectMeta> secrets = selectedSecrets.stream().sorted(Comparator.comparing(ObjectMeta::getName)).toList();
    for (ObjectMeta secret : secrets) {
      Map<String, String> labels = secret.getLabels() == null ? Map.of() : secret.getLabels();
      JobTaskSpec task = baseSpec(job, tasks.size());
      SecretReference ref = new SecretReference();
      ref.setName(secret.getName());
      task.setSecretRef(ref);
      task.setProvider(labels.get(Labels.PROVIDER));
      task.setServiceAccountId(labels.get(Labels.SERVICE_ACCOUNT_ID));
      if (labels.containsKey(Labels.PROJECT_ID)) {
        task.setProjectId(labels.get(Labels.PROJECT_ID));
      }
      tasks.add(jobTask(job, task));
    }
    return tasks;
  }

  /**
   * What the planning pod of a Job its plugin divides runs as: the Job's common task fields, with the
   * Secret the plugin plans with (none when null). Never created; named after the planning pod.
   */
  public static JobTask planning(Job job, String secretName) {
    return planning(job, secretName, false);
  }

  /**
   * {@link #planning(Job, String)}; {@code severalSecrets}: the Job plans with several Secrets, and the plugin is
   * told so as SpaceONE tells it (secret_type {@value #SERVICE_ACCOUNT_SECRET}).
   */
  public static JobTask planning(Job job, String secretName, boolean severalSecrets) {
    JobTaskSpec spec = baseSpec(job, 0);
    spec.setSecretType(severalSecrets ? SERVICE_ACCOUNT_SECRET : null);
    if (secretName != null) {
      SecretReference ref = new SecretReference();
      ref.setName(secretName);
      spec.setSecretRef(ref);
    }
    JobTask task = jobTask(job, spec);
    task.getMetadata().setName(TaskNames.planningPod(job.getMetadata().getName()));
    return task;
  }

  /**
   * The tasks of a plugin's plan: one per planned task, at its index, with its task_options and task_changed,
   * all with the Secret the plan was made with.
   */
  public static List<JobTask> fromPlan(Job job, String secretName, List<PlannedTask> planned) {
    return fromPlans(job, List.of(new SecretPlan(secretName, planned)), false);
  }

  /**
   * The tasks of plans made with several Secrets (SpaceONE's USE_SERVICE_ACCOUNT_SECRET): the plans' tasks
   * concatenated in the given order, indices counted on across them, each task with its own plan's Secret.
   * {@code severalSecrets}: the Job planned with several Secrets (its tasks' secret_type is
   * {@value #SERVICE_ACCOUNT_SECRET}, as SpaceONE's), however many of them planned.
   */
  public static List<JobTask> fromPlans(Job job, List<SecretPlan> plans, boolean severalSecrets) {
    List<JobTask> tasks = new ArrayList<>(plans.stream().mapToInt(p -> p.tasks().size()).sum());
    for (SecretPlan plan : plans) {
      for (PlannedTask p : plan.tasks()) {
        JobTaskSpec task = baseSpec(job, tasks.size());
        task.setOptions(p.taskOptions());
        task.setChanged(p.taskChanged());
        task.setSecretType(severalSecrets ? SERVICE_ACCOUNT_SECRET : null);
        if (plan.secretName() != null) {
          SecretReference ref = new SecretReference();
          ref.setName(plan.secretName());
          task.setSecretRef(ref);
        }
        tasks.add(jobTask(job, task));
      }
    }
    return tasks;
  }

  /** The tasks one Secret's Job.get_tasks returned (no Secret: null). */
  public record SecretPlan(String secretName, List<PlannedTask> tasks) {
  }

  /** One task of a plugin's plan. */
  public record PlannedTask(Map<String, Object> taskOptions, Changed taskChanged) {
  }

  /** Whether a task is this Job's: its controlling owner is the Job, by uid, not only by name. */
  public static boolean isTaskOf(JobTask task, Job job) {
    return task.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()) && job.getMetadata().getUid().equals(ref.getUid()));
  }

  private static JobTaskSpec baseSpec(Job job, int index) {
    JobSpec spec = job.getSpec();
    JobTaskSpec task = new JobTaskSpec();
    task.copyIdentityFrom(spec);
    task.setJobName(job.getMetadata().getName());
    task.setIndex(index);
    task.setService(spec.getService() == null ? Service.INVENTORY : spec.getService());
    task.setPlugin(spec.getPlugin());
    task.setSink(spec.getSink());
    task.setTimeoutSeconds(spec.getTaskTimeoutSeconds());
    task.setBackoffLimit(spec.getBackoffLimitPerTask() == null ? 0 : spec.getBackoffLimitPerTask());
    return task;
  }

  private static JobTask jobTask(Job job, JobTaskSpec spec) {
    String name = TaskNames.task(job.getMetadata().getName(), spec.getIndex());
    ObjectMeta metadata = new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(Labels.forTask(name, spec))
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(job.getApiVersion())
            .withKind(job.getKind())
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .build();
    JobTask task = new JobTask();
    task.setMetadata(metadata);
    task.setSpec(spec);
    return task;
  }
}
