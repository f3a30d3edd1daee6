package dev.spaceone.operator.job;

import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobSpec;
import dev.spaceone.operator.api.v1alpha1.PluginSpec;
import dev.spaceone.operator.api.v1alpha1.SinkSpec;
import dev.spaceone.operator.api.v1alpha1.SinkType;
import dev.spaceone.operator.api.v1alpha1.ResourceGroup;
import dev.spaceone.operator.api.v1alpha1.Service;
import dev.spaceone.operator.api.v1alpha1.TaskTemplate;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Job before it is divided. A cluster's CRD schema rejects most of this at admission already; the
 * operator checks again because not every API server validates (the sandbox's does not) and because some
 * rules need more than the schema can say.
 */
public final class JobValidator {
  private static final Pattern MONTH = Pattern.compile("^[0-9]{4}-(0[1-9]|1[0-2])$");
  private static final Set<String> SELECTOR_OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private JobValidator() {
  }

  public static Optional<JobError> validate(Job job) {
    String name = job.getMetadata().getName();
    if (name.length() > Job.MAX_NAME_LENGTH) {
      return error("metadata.name", "at most " + Job.MAX_NAME_LENGTH + " characters, so task and pod names fit");
    }
    JobSpec spec = job.getSpec();
    if (spec == null) {
      return error("spec", "is required");
    }
    if (spec.getPlugin() == null || spec.getPlugin().getImage() == null || spec.getPlugin().getImage().isBlank()) {
      return error("spec.plugin.image", "is required");
    }
    boolean hasTasks = spec.getTasks() != null && !spec.getTasks().isEmpty();
    if (!hasTasks && spec.getSecretSelector() == null && !spec.isPluginDivided()) {
      return error("spec.tasks", "set tasks or secretSelector (only a cost-analysis Job with a grpc plugin may "
          + "leave both out: its plugin divides it)");
    }
    Optional<JobError> grpc = validateGrpc(spec);
    if (grpc.isPresent()) {
      return grpc;
    }
    if (hasTasks && spec.getTasks().size() > JobSpec.MAX_TASKS) {
      return Optional.of(new JobError(ErrorCodes.TOO_MANY_TASKS,
          "spec.tasks: at most " + JobSpec.MAX_TASKS + " tasks, got " + spec.getTasks().size()));
    }
    if (spec.getParallelism() != null && (spec.getParallelism() < 1 || spec.getParallelism() > JobSpec.MAX_PARALLELISM)) {
      return error("spec.parallelism", "must be between 1 and " + JobSpec.MAX_PARALLELISM + ", got "
          + spec.getParallelism());
    }
    if (spec.getBackoffLimitPerTask() != null && (spec.getBackoffLimitPerTask() < 0 || spec.getBackoffLimitPerTask() > 10)) {
      return error("spec.backoffLimitPerTask", "must be between 0 and 10, got " + spec.getBackoffLimitPerTask());
    }
    if (spec.getTaskTimeoutSeconds() != null && spec.getTaskTimeoutSeconds() < 1) {
      return error("spec.taskTimeoutSeconds", "must be at least 1");
    }
    if (spec.getActiveDeadlineSeconds() != null && spec.getActiveDeadlineSeconds() < 1) {
      return error("spec.activeDeadlineSeconds", "must be at least 1");
    }
    if (spec.getTtlSecondsAfterFinished() != null && spec.getTtlSecondsAfterFinished() < 0) {
      return error("spec.ttlSecondsAfterFinished", "must not be negative");
    }
    if (spec.getResourceGroup() == ResourceGroup.WORKSPACE && blank(spec.getWorkspaceId())) {
      return error("spec.workspaceId", "is required when resourceGroup is WORKSPACE");
    }
    if (spec.getService() == Service.COST_ANALYSIS && blank(spec.getDataSourceId())) {
      return error("spec.dataSourceId", "is required for cost-analysis");
    }
    if (hasTasks) {
      for (int i = 0; i < spec.getTasks().size(); i++) {
        Optional<JobError> problem = validateTask("spec.tasks[" + i + "]", spec.getTasks().get(i));
        if (problem.isPresent()) {
          return problem;
        }
      }
    }
    return spec.getSecretSelector() == null ? Optional.empty() : validateSelector(spec.getSecretSelector());
  }

  private static Optional<JobError> validateGrpc(JobSpec spec) {
    PluginSpec plugin = spec.getPlugin();
    if (plugin.getPort() != null && !plugin.isGrpc()) {
      return error("spec.plugin.port", "is only used with protocol grpc");
    }
    if (plugin.getPort() != null && (plugin.getPort() < 1 || plugin.getPort() > 65535)) {
      return error("spec.plugin.port", "must be between 1 and 65535, got " + plugin.getPort());
    }
    SinkSpec sink = spec.getSink();
    if (sink != null) {
      if (sink.getType() == null) {
        return error("spec.sink.type", "is required: none, log or postgres");
      }
      if (sink.getType() != SinkType.NONE && !plugin.isGrpc()) {
        return error("spec.sink", "needs plugin.protocol grpc: a file plugin keeps its own results");
      }
      if (sink.getType() == SinkType.POSTGRES && spec.getService() != null && spec.getService() != Service.INVENTORY) {
        return error("spec.sink", "postgres stores inventory resources: a " + spec.getService().value()
            + " Job takes sink none or log");
      }
      boolean hasRef = sink.getSecretRef() != null && !blank(sink.getSecretRef().getName());
      if (hasRef != (sink.getType() == SinkType.POSTGRES)) {
        return error("spec.sink.secretRef", "is required when type is postgres, and only then");
      }
    }
    if (spec.getPlan() != null && !spec.isPluginDivided()) {
      return error("spec.plan", "is only for a cost-analysis Job with a grpc plugin and no tasks "
          + "(the plugin divides it)");
    }
    return Optional.empty();
  }

  private static Optional<JobError> validateTask(String path, TaskTemplate task) {
    if (task.getSecretRef() != null && blank(task.getSecretRef().getName())) {
      return error(path + ".secretRef.name", "is required");
    }
    Changed changed = task.getChanged();
    if (changed != null) {
      if (changed.getStart() != null && !MONTH.matcher(changed.getStart()).matches()) {
        return error(path + ".changed.start", "must be a month YYYY-MM, got '" + changed.getStart() + "'");
      }
      if (changed.getEnd() != null && !MONTH.matcher(changed.getEnd()).matches()) {
        return error(path + ".changed.end", "must be a month YYYY-MM, got '" + changed.getEnd() + "'");
      }
      if (changed.getStart() != null && changed.getEnd() != null
          && changed.getStart().compareTo(changed.getEnd()) > 0) {
        return error(path + ".changed", "start " + changed.getStart() + " is after end " + changed.getEnd());
      }
    }
    return Optional.empty();
  }

  private static Optional<JobError> validateSelector(LabelSelector selector) {
    if (selector.getMatchExpressions() == null) {
      return Optional.empty();
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      LabelSelectorRequirement requirement = selector.getMatchExpressions().get(i);
      String path = "spec.secretSelector.matchExpressions[" + i + "]";
      if (blank(requirement.getKey())) {
        return error(path + ".key", "is required");
      }
      if (!SELECTOR_OPERATORS.contains(requirement.getOperator())) {
        return error(path + ".operator", "must be one of In, NotIn, Exists, DoesNotExist, got '"
            + requirement.getOperator() + "'");
      }
      boolean needsValues = requirement.getOperator().equals("In") || requirement.getOperator().equals("NotIn");
      boolean hasValues = requirement.getValues() != null && !requirement.getValues().isEmpty();
      if (needsValues != hasValues) {
        return error(path + ".values", needsValues ? "are required for " + requirement.getOperator()
            : "must be empty for " + requirement.getOperator());
      }
    }
    return Optional.empty();
  }

  private static Optional<JobError> error(String field, String problem) {
    return Optional.of(JobError.invalid(field, problem));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
