package dev.spaceone.operator.api;

import dev.spaceone.operator.api.v1alpha1.IdentityFields;
import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The labels the operator puts on JobTasks and their pods, so that {@code kubectl get -l} finds them. */
public final class Labels {
  public static final String PREFIX = "spaceone.dev/";
  public static final String JOB = PREFIX + "job";
  public static final String JOB_TASK = PREFIX + "job-task";
  public static final String TASK_INDEX = PREFIX + "task-index";
  public static final String ATTEMPT = PREFIX + "attempt";
  public static final String SERVICE = PREFIX + "service";
  public static final String PROVIDER = PREFIX + "provider";
  public static final String SERVICE_ACCOUNT_ID = PREFIX + "service-account-id";
  public static final String PROJECT_ID = PREFIX + "project-id";
  public static final String COLLECTOR_ID = PREFIX + "collector-id";
  public static final String DATA_SOURCE_ID = PREFIX + "data-source-id";
  public static final String DOMAIN_ID = PREFIX + "domain-id";
  public static final String WORKSPACE_ID = PREFIX + "workspace-id";
  public static final String RESOURCE_GROUP = PREFIX + "resource-group";
  /** On a Job's planning pod only: the value is always {@value #PLANNING}. */
  public static final String ROLE = PREFIX + "pod-role";
  public static final String PLANNING = "planning";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "spaceone-job-operator";
  /** Selects every pod the operator made. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;
  /** Selects the planning pods. */
  public static final String PLANNING_SELECTOR = MANAGED_SELECTOR + "," + ROLE + "=" + PLANNING;

  private static final Pattern VALID_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  private Labels() {
  }

  /** Labels of a JobTask: its Job, index, service and every identity field that is a valid label value. */
  public static Map<String, String> forTask(String taskName, JobTaskSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(JOB, spec.getJobName());
    labels.put(JOB_TASK, taskName);
    labels.put(TASK_INDEX, String.valueOf(spec.getIndex()));
    putIfValid(labels, SERVICE, spec.getService() == null ? null : spec.getService().value());
    putIfValid(labels, PROVIDER, spec.getProvider());
    putIfValid(labels, SERVICE_ACCOUNT_ID, spec.getServiceAccountId());
    putIdentity(labels, spec);
    return labels;
  }

  /** Labels of a task's pod: the task's, plus the attempt. */
  public static Map<String, String> forPod(String taskName, JobTaskSpec spec, int attempt) {
    Map<String, String> labels = forTask(taskName, spec);
    labels.put(ATTEMPT, String.valueOf(attempt));
    return labels;
  }

  /** Labels of a Job's planning pod: the Job's, the service, the identity fields and the pod's role. */
  public static Map<String, String> forPlanningPod(JobTaskSpec planning) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(JOB, planning.getJobName());
    labels.put(ROLE, PLANNING);
    putIfValid(labels, SERVICE, planning.getService() == null ? null : planning.getService().value());
    putIdentity(labels, planning);
    return labels;
  }

  private static void putIdentity(Map<String, String> labels, IdentityFields identity) {
    putIfValid(labels, PROJECT_ID, identity.getProjectId());
    putIfValid(labels, COLLECTOR_ID, identity.getCollectorId());
    putIfValid(labels, DATA_SOURCE_ID, identity.getDataSourceId());
    putIfValid(labels, DOMAIN_ID, identity.getDomainId());
    putIfValid(labels, WORKSPACE_ID, identity.getWorkspaceId());
    putIfValid(labels, RESOURCE_GROUP, identity.getResourceGroup() == null ? null : identity.getResourceGroup().name());
  }

  // An id that is not a valid label value (too long, odd characters) stays a spec field only: a label the
  // API server rejects would make the whole task uncreatable.
  private static void putIfValid(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isEmpty() && value.length() <= 63 && VALID_VALUE.matcher(value).matches()) {
      labels.put(key, value);
    }
  }
}
