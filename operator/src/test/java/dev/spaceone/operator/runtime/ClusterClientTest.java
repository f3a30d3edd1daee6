package dev.spaceone.operator.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ClusterClientTest {
  private static final String MANAGED_FIELDS = """
      "managedFields": [
        {"manager": "spaceone-job-operator", "operation": "Update", "apiVersion": "v1", "time": "2026-11-29T10:00:00Z",
         "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}},
        {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "subresource": "status",
         "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}}
      ]""";
  private static final String POD = """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "task-1", "namespace": "ns", "uid": "u1", "resourceVersion": "7",
         "labels": {"app": "x"}, "annotations": {"spaceone.dev/task-json": "{}"},
         "finalizers": ["spaceone.dev/result-pending"],
         "ownerReferences": [{"apiVersion": "spaceone.dev/v1alpha1", "kind": "JobTask", "name": "t", "uid": "t1",
           "controller": true}],
         %s},
       "spec": {"containers": [{"name": "plugin", "image": "busybox:1.36"}]},
       "status": {"phase": "Succeeded"}}""".formatted(MANAGED_FIELDS);

  @Test
  void managedFieldsAreNeitherReadNorWrittenAndNothingElseIsLost() {
    KubernetesSerialization skipping = ClusterClient.serialization();
    KubernetesSerialization plain = new KubernetesSerialization();
    Pod pod = skipping.unmarshal(POD, Pod.class);
    assertTrue(pod.getMetadata().getManagedFields().isEmpty());
    assertFalse(pod.getMetadata().getAdditionalProperties().containsKey("managedFields"));
    String written = skipping.asJson(pod);
    assertFalse(written.contains("managedFields"), written);

    Pod full = plain.unmarshal(POD, Pod.class);
    assertEquals(2, full.getMetadata().getManagedFields().size(), "the fixture has managed fields");
    full.getMetadata().setManagedFields(pod.getMetadata().getManagedFields());
    assertEquals(full, pod, "everything but managedFields is read as without the mix-in");
  }

  @Test
  void customResourcesToo() {
    String task = """
        {"apiVersion": "spaceone.dev/v1alpha1", "kind": "JobTask",
         "metadata": {"name": "t", "namespace": "ns", %s},
         "spec": {"jobName": "j", "index": 3},
         "status": {"status": "SUCCESS", "createdCount": 5}}""".formatted(MANAGED_FIELDS);
    JobTask read = ClusterClient.serialization().unmarshal(task, JobTask.class);
    assertTrue(read.getMetadata().getManagedFields().isEmpty());
    assertEquals(Integer.valueOf(3), read.getSpec().getIndex());
    assertEquals(5L, read.getStatus().getCreatedCount());
  }
}
