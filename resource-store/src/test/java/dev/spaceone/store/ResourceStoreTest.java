package dev.spaceone.store;

import static dev.spaceone.store.Resources.cloudService;
import static dev.spaceone.store.Resources.region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spaceone.contract.ErrorCodes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Created / updated / disconnected / deleted over runs of a Job, against a real PostgreSQL server. */
class ResourceStoreTest {
  private StoreSettings settings;
  private ResourceStore store;

  @BeforeEach
  void database() throws StoreException {
    settings = TestDatabases.fresh();
    store = ResourceStore.open(settings);
  }

  private static TaskScope scope(String job, String secret) {
    return new TaskScope("domain-1", "collector-1", secret, "sa-1", "aws", job, job + "-0");
  }

  private TaskCounts run(String job, boolean succeeded, List<CollectedResource> resources) throws StoreException {
    return run(scope(job, "secret-a"), succeeded, resources);
  }

  private TaskCounts run(TaskScope scope, boolean succeeded, List<CollectedResource> resources)
      throws StoreException {
    try (TaskWriter writer = store.openTask(scope)) {
      for (CollectedResource r : resources) {
        writer.add(r);
      }
      return writer.finish(succeeded);
    }
  }

  private static List<CollectedResource> instances(String... ids) {
    List<CollectedResource> list = new ArrayList<>();
    for (String id : ids) {
      list.add(cloudService(id));
    }
    // SpaceONE upserts these but never counts them, nor marks them disconnected.
    list.add(region("eu-west-1"));
    return list;
  }

  private static void assertCounts(TaskCounts counts, long created, long updated, long disconnected, long deleted) {
    assertEquals(List.of(created, updated, disconnected, deleted),
        List.of(counts.created(), counts.updated(), counts.disconnected(), counts.deleted()), "created, updated, "
            + "disconnected, deleted; failures " + counts.failures());
  }

  private String states() {
    return query("SELECT string_agg(name || '=' || state || '/' || miss_count, ' ' ORDER BY name) FROM resource"
        + " WHERE resource_type = 'inventory.CloudService'");
  }

  private String query(String sql) {
    try (Connection c = store.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException | StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void runsOfAJobCreateUpdateDisconnectAndDelete() throws StoreException {
    assertCounts(run("job-1", true, instances("a", "b", "c", "d", "e")), 5, 0, 0, 0);
    assertCounts(run("job-2", true, instances("a", "b", "c", "d", "e")), 0, 5, 0, 0);
    // d and e gone: missed once, twice, then deleted on the third miss (SpaceONE's policy of 3)
    assertCounts(run("job-3", true, instances("a", "b", "c")), 0, 3, 2, 0);
    assertEquals("instance a=ACTIVE/0 instance b=ACTIVE/0 instance c=ACTIVE/0 instance d=DISCONNECTED/1 "
        + "instance e=DISCONNECTED/1", states());
    assertCounts(run("job-4", true, instances("a", "b", "c")), 0, 3, 2, 0);
    assertCounts(run("job-5", true, instances("a", "b", "c")), 0, 3, 0, 2);
    assertEquals("instance a=ACTIVE/0 instance b=ACTIVE/0 instance c=ACTIVE/0 instance d=DELETED/3 "
        + "instance e=DELETED/3", states());
    // deleted resources are not missed again
    assertCounts(run("job-6", true, instances("a", "b", "c")), 0, 3, 0, 0);
    // a deleted resource that comes back is new again
    assertCounts(run("job-7", true, instances("a", "b", "c", "d")), 1, 3, 0, 0);
    assertEquals("DELETED/3", query("SELECT state || '/' || miss_count FROM resource WHERE name = 'instance e'"));
    assertCounts(run("job-8", true, instances("a", "b", "c", "d", "e")), 1, 4, 0, 0);
    assertEquals("instance a=ACTIVE/0 instance b=ACTIVE/0 instance c=ACTIVE/0 instance d=ACTIVE/0 "
        + "instance e=ACTIVE/0", states());
    assertEquals("1", query("SELECT count(*) FROM resource WHERE resource_type = 'inventory.Region'"));
    assertEquals("job-1 job-7 job-8", query("SELECT string_agg(DISTINCT first_seen_job, ' ') FROM resource"));
  }

  @Test
  void aFailedTaskMarksNothingDisconnected() throws StoreException {
    run("job-1", true, instances("a", "b", "c"));
    assertCounts(run("job-2", false, instances("a")), 0, 1, 0, 0);
    assertEquals("instance a=ACTIVE/0 instance b=ACTIVE/0 instance c=ACTIVE/0", states());
  }

  @Test
  void onlyTheSameCollectorSecretAndProviderAreMarked() throws StoreException {
    run(scope("job-1", "secret-a"), true, instances("a", "b"));
    run(scope("job-1", "secret-b"), true, List.of(cloudService("x")));
    TaskScope otherProvider = new TaskScope("domain-1", "collector-1", "secret-a", null, "google_cloud", "job-2",
        "job-2-0");
    assertCounts(run(otherProvider, true, List.of()), 0, 0, 0, 0);
    assertCounts(run(scope("job-2", "secret-a"), true, instances("a")), 0, 1, 1, 0);
    assertEquals("instance a=ACTIVE/0 instance b=DISCONNECTED/1 instance x=ACTIVE/0", states());
  }

  @Test
  void aRetriedAttemptCountsOnce() throws StoreException {
    run("job-1", true, instances("a", "b", "c", "d"));
    // attempt 1 of job-2 writes part of the stream and dies (no finish) ...
    try (TaskWriter attempt1 = store.openTask(scope("job-2", "secret-a"))) {
      attempt1.add(cloudService("a"));
      attempt1.add(cloudService("new-1"));
      attempt1.flush();
    }
    // ... attempt 2 streams everything again: new-1 is still "created by job-2", a is updated once
    assertCounts(run("job-2", true, instances("a", "b", "c", "new-1")), 1, 3, 1, 0);
    // a runner restarted after it finished the task (result not yet written) finds the same counts, and the
    // missed resource is not missed twice
    assertCounts(run("job-2", true, instances("a", "b", "c", "new-1")), 1, 3, 1, 0);
    assertEquals("DISCONNECTED/1", query("SELECT state || '/' || miss_count FROM resource WHERE name = 'instance d'"));
  }

  @Test
  void aResourceStreamedTwiceCountsOnce() throws StoreException {
    try (TaskWriter writer = store.openTask(scope("job-1", "secret-a"))) {
      writer.add(cloudService("a", "first name"));
      writer.add(cloudService("b"));
      writer.add(cloudService("a", "second name")); // same batch
      writer.flush();
      writer.add(cloudService("b")); // another batch
      assertCounts(writer.finish(true), 2, 0, 0, 0);
    }
    assertEquals("second name", query("SELECT name FROM resource WHERE document->'reference'->>'resource_id' LIKE '%/a'"));
    assertEquals("2", query("SELECT count(*) FROM resource"));
  }

  @Test
  void aDocumentSentAgainUnchangedIsKeptAndAChangedOneRewritten() throws StoreException {
    run("job-1", true, instances("a", "b", "c"));
    // the store keeps what it has when the document's hash is the same: a stored document changed behind its back
    // (hash left as it was) stays as it is ...
    query("UPDATE resource SET document = '{\"kept\": true}' WHERE name = 'instance a' RETURNING 1");
    // ... one without a hash (written before the store kept hashes) is rewritten, and so is a changed document
    query("UPDATE resource SET document = '{}', document_hash = NULL WHERE name = 'instance c' RETURNING 1");
    assertCounts(run("job-2", true, List.of(cloudService("a"), cloudService("b", "b renamed"), cloudService("c"))),
        0, 3, 0, 0);
    assertEquals("{\"kept\": true}", query("SELECT document::text FROM resource WHERE name = 'instance a'"));
    assertEquals("b renamed", query("SELECT document->>'name' FROM resource WHERE name = 'b renamed'"));
    assertEquals("instance c", query("SELECT document->>'name' FROM resource WHERE name = 'instance c'"));
    assertEquals("0", query("SELECT count(*) FROM resource WHERE document_hash IS NULL"));
  }

  @Test
  void lowerPrioritiesMatchAsSpaceOneDoes() throws StoreException {
    var first = Resources.JSON.createObjectNode().put("name", "vm-1").put("provider", "aws");
    first.putObject("reference").put("resource_id", "id-1");
    first.putObject("data").put("size", 1);
    run("job-1", true, List.of(Resources.withRules(first, "reference.resource_id", "name,provider")));
    // the id changed but priority 2 (name, provider) finds the one stored resource: updated, not created
    var renamed = first.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) renamed.get("reference")).put("resource_id", "id-2");
    assertCounts(run("job-2", true, List.of(Resources.withRules(renamed, "reference.resource_id", "name,provider"))),
        0, 1, 0, 0);
    assertEquals("1", query("SELECT count(*) FROM resource"));
    assertEquals("{\"keys\": {\"reference.resource_id\": \"id-2\"}, \"priority\": \"1\"}",
        query("SELECT identity::text FROM resource"));

    // two stored resources share priority 2; a third that misses priority 1 and has data is SpaceONE's
    // ERROR_TOO_MANY_MATCH, one without data falls through and is created
    var twin = first.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) twin.get("reference")).put("resource_id", "id-3");
    try (TaskWriter writer = store.openTask(scope("job-3", "secret-a"))) {
      writer.add(Resources.withRules(twin, "reference.resource_id")); // stored with priority 1 only...
      writer.flush();
      TaskCounts counts = writer.finish(false);
      assertEquals(1, counts.created());
    }
    // ... and now also carries the (name, provider) probe, as SpaceONE's query on any field would find it
    query("INSERT INTO resource_match SELECT m.hash, (SELECT id FROM resource WHERE identity->'keys'->>"
        + "'reference.resource_id' = 'id-3') FROM resource_match m JOIN resource r ON r.id = m.resource_id "
        + "WHERE r.identity->'keys'->>'reference.resource_id' = 'id-2' AND m.hash <> r.identity_hash RETURNING 1");
    var third = first.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) third.get("reference")).put("resource_id", "id-4");
    var thirdNoData = third.deepCopy().without("data");
    ((com.fasterxml.jackson.databind.node.ObjectNode) thirdNoData.get("reference")).put("resource_id", "id-5");
    try (TaskWriter writer = store.openTask(scope("job-4", "secret-a"))) {
      writer.add(Resources.withRules(third, "reference.resource_id", "name,provider"));
      writer.add(Resources.withRules((com.fasterxml.jackson.databind.node.ObjectNode) thirdNoData,
          "reference.resource_id", "name,provider"));
      TaskCounts counts = writer.finish(true);
      assertEquals(1, counts.failures().size(), counts.failures().toString());
      assertEquals(ErrorCodes.TOO_MANY_MATCH, counts.failures().get(0).errorCode());
      assertEquals(1, counts.created());
    }
  }

  @Test
  void tenThousandResourcesInOneTask() throws StoreException {
    String[] ids = IntStream.range(0, 10_000).mapToObj(i -> "i-" + i).toArray(String[]::new);
    assertCounts(run("job-1", true, instances(ids)), 10_000, 0, 0, 0);
    String[] fewer = IntStream.range(0, 9_990).mapToObj(i -> "i-" + i).toArray(String[]::new);
    assertCounts(run("job-2", true, instances(fewer)), 0, 9_990, 10, 0);
    assertEquals("10001", query("SELECT count(*) FROM resource"));
    assertTrue(query("SELECT pg_size_pretty(pg_total_relation_size('resource'))").endsWith("MB"));
  }
}
