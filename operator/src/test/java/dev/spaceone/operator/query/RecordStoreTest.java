package dev.spaceone.operator.query;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.api.v1alpha1.TaskState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The records follow an informer whose item store is a {@link RecordFeed}, as the operator's informers are. */
@EnableKubernetesMockClient(crud = true)
class RecordStoreTest {
  KubernetesClient client;

  @Test
  void informersKeepRecordsCurrentPerNamespace() {
    TestData data = TestData.generate(List.of("ns1", "ns2"), 1, 3);
    data.jobs.forEach(j -> client.resource(j).create());
    data.tasks.forEach(t -> client.resource(t).create());
    RecordStore store = new RecordStore();
    try (SharedIndexInformer<Job> jobs = client.resources(Job.class).inAnyNamespace().runnableInformer(0)
            .itemStore(RecordFeed.jobs(store));
         SharedIndexInformer<JobTask> tasks = client.resources(JobTask.class).inAnyNamespace().runnableInformer(0)
            .itemStore(RecordFeed.tasks(store))) {
      jobs.start();
      tasks.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.hasSynced() && tasks.hasSynced()
          && store.size(RecordStore.JOBTASKS) == 6);
      assertEquals(2, store.size(RecordStore.JOBS));
      assertEquals(Set.of("ns1", "ns2"), store.namespaces());
      assertEquals(3, store.records(RecordStore.JOBTASKS, List.of("ns1")).size());
      assertEquals(0, store.records(RecordStore.JOBTASKS, List.of("elsewhere")).size());

      // a status update is converted once and replaces the record
      JobTask first = client.resources(JobTask.class).inNamespace("ns1").withName("job-0-0").get();
      first.getStatus().setStatus(TaskState.SUCCESS);
      first.getStatus().setCreatedCount(4242);
      client.resource(first).update();
      await().atMost(Duration.ofSeconds(30)).until(() -> store.records(RecordStore.JOBTASKS, List.of("ns1")).stream()
          .anyMatch(r -> Long.valueOf(4242).equals(r.get("created_count"))));

      // a new namespace appears, a deleted object disappears
      JobTask moved = data.tasks.get(0);
      moved.getMetadata().setNamespace("ns3");
      moved.getMetadata().setResourceVersion(null);
      client.resource(moved).create();
      client.resources(Job.class).inNamespace("ns2").withName("job-0").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> store.namespaces().contains("ns3")
          && store.size(RecordStore.JOBS) == 1);
      Map<String, Object> record = store.records(RecordStore.JOBTASKS, List.of("ns3")).get(0);
      assertEquals("ns3", record.get("namespace"));
      assertTrue(store.records(RecordStore.JOBS, List.of("ns2")).isEmpty());
    }
  }
}
