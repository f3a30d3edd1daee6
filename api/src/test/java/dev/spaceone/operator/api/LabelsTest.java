package dev.spaceone.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spaceone.operator.api.v1alpha1.JobTaskSpec;
import dev.spaceone.operator.api.v1alpha1.ResourceGroup;
import dev.spaceone.operator.api.v1alpha1.Service;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {
  private static JobTaskSpec spec() {
    JobTaskSpec spec = new JobTaskSpec();
    spec.setJobName("inv");
    spec.setIndex(4);
    spec.setService(Service.COST_ANALYSIS);
    spec.setProvider("aws");
    spec.setServiceAccountId("sa-123");
    spec.setProjectId("project-1");
    spec.setCollectorId("collector-1");
    spec.setDataSourceId("ds-1");
    spec.setDomainId("domain-1");
    spec.setWorkspaceId("workspace-1");
    spec.setResourceGroup(ResourceGroup.WORKSPACE);
    return spec;
  }

  @Test
  void taskLabelsCarryTheJobIndexServiceAndIdentity() {
    Map<String, String> labels = Labels.forTask("inv-4", spec());
    assertEquals(Map.ofEntries(
        Map.entry("app.kubernetes.io/managed-by", "spaceone-job-operator"),
        Map.entry("spaceone.dev/job", "inv"),
        Map.entry("spaceone.dev/job-task", "inv-4"),
        Map.entry("spaceone.dev/task-index", "4"),
        Map.entry("spaceone.dev/service", "cost-analysis"),
        Map.entry("spaceone.dev/provider", "aws"),
        Map.entry("spaceone.dev/service-account-id", "sa-123"),
        Map.entry("spaceone.dev/project-id", "project-1"),
        Map.entry("spaceone.dev/collector-id", "collector-1"),
        Map.entry("spaceone.dev/data-source-id", "ds-1"),
        Map.entry("spaceone.dev/domain-id", "domain-1"),
        Map.entry("spaceone.dev/workspace-id", "workspace-1"),
        Map.entry("spaceone.dev/resource-group", "WORKSPACE")), labels);
  }

  @Test
  void podLabelsAddTheAttempt() {
    Map<String, String> labels = Labels.forPod("inv-4", spec(), 2);
    assertEquals("2", labels.get(Labels.ATTEMPT));
    assertEquals("inv", labels.get(Labels.JOB));
    assertEquals(Labels.forTask("inv-4", spec()).size() + 1, labels.size());
  }

  @Test
  void valuesThatAreNotValidLabelValuesAreLeftOut() {
    JobTaskSpec spec = spec();
    spec.setServiceAccountId("x".repeat(64));
    spec.setProjectId("has spaces");
    spec.setCollectorId("-leading-dash");
    spec.setDomainId("");
    spec.setProvider(null);
    Map<String, String> labels = Labels.forTask("inv-4", spec);
    assertFalse(labels.containsKey(Labels.SERVICE_ACCOUNT_ID));
    assertFalse(labels.containsKey(Labels.PROJECT_ID));
    assertFalse(labels.containsKey(Labels.COLLECTOR_ID));
    assertFalse(labels.containsKey(Labels.DOMAIN_ID));
    assertFalse(labels.containsKey(Labels.PROVIDER));
    assertEquals("ds-1", labels.get(Labels.DATA_SOURCE_ID));

    spec.setServiceAccountId("x".repeat(63));
    assertEquals("x".repeat(63), Labels.forTask("inv-4", spec).get(Labels.SERVICE_ACCOUNT_ID));
  }

  @Test
  void managedSelectorSelectsWhatTheOperatorLabels() {
    assertEquals("app.kubernetes.io/managed-by=spaceone-job-operator", Labels.MANAGED_SELECTOR);
    assertEquals(Labels.OPERATOR, Labels.forTask("inv-4", spec()).get(Labels.MANAGED_BY));
  }
}
