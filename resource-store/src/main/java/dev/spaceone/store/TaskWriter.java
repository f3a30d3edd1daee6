package dev.spaceone.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.contract.ErrorCodes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes one task's resources: {@link #add} buffers, every {@value #BATCH_SIZE} resources one statement matches
 * and upserts the whole batch (one round trip, on a thread of its own while the next batch is built); {@link #finish} writes the rest, marks what a successful task did
 * not see, and reads the counts back from the table. Not thread-safe: one writer per task.
 *
 * <p>Why the counts cannot double: {@code created}/{@code updated} are the rows whose {@code last_seen_task} is this
 * task, split by {@code first_seen_job}; misses are counted once per Job ({@code last_missed_job}). A retried
 * attempt, a restarted runner or a resource streamed twice rewrites the same rows and finds the same counts.
 */
public final class TaskWriter implements AutoCloseable {
  static final int BATCH_SIZE = 5000;
  /** SpaceONE's DEFAULT_DISCONNECTED_STATE_DELETE_POLICY: deleted after this many misses in a row. */
  public static final int DELETE_AFTER_MISSES = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection connection;
  private final TaskScope scope;
  private final List<Row> batch = new ArrayList<>();
  private final Set<ByteBuffer> batchIdentities = new HashSet<>();
  private final List<ResourceFailure> failures = new ArrayList<>();
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "resource-store-writer");
    t.setDaemon(true);
    return t;
  });
  private Future<List<ResourceFailure>> inFlight;
  /** The temporary COPY target exists on this connection. */
  private boolean staged;

  /** {@code document}: the resource as JSON text in UTF-8; {@code documentHash}: its sha-256. */
  private record Row(CollectedResource resource, MatchRules.Identity identity, byte[] document, byte[] documentHash) {
    String text(String field) {
      JsonNode value = resource.resource().get(field);
      return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    }
  }

  TaskWriter(Connection connection, TaskScope scope) {
    this.connection = connection;
    this.scope = scope;
  }

  /** Takes one resource; a resource the store cannot identify becomes a failure, never an exception. */
  public void add(CollectedResource resource) throws StoreException {
    MatchRules.Identity identity;
    try {
      identity = MatchRules.identify(scope.domainId(), resource.resourceType(), resource.matchRules(),
          resource.resource());
    } catch (MatchRules.Unusable e) {
      failures.add(new ResourceFailure(ErrorCodes.MATCH_RULE, e.getMessage(), additional(resource)));
      return;
    }
    if (resource.resource() == null || !resource.resource().isObject()) {
      failures.add(new ResourceFailure(ErrorCodes.RESOURCE_NOT_STORABLE, "the resource is not a JSON object",
          additional(resource)));
      return;
    }
    byte[] document;
    try {
      document = JSON.writeValueAsBytes(resource.resource());
    } catch (JsonProcessingException e) {
      failures.add(new ResourceFailure(ErrorCodes.RESOURCE_NOT_STORABLE, "the resource cannot be written as JSON: "
          + e.getOriginalMessage(), additional(resource)));
      return;
    }
    // The same resource twice in one statement would be written in no defined order: write the first one first.
    if (!batchIdentities.add(ByteBuffer.wrap(identity.primary().hash()))) {
      flush();
      batchIdentities.add(ByteBuffer.wrap(identity.primary().hash()));
    }
    batch.add(new Row(resource, identity, document, sha256(document)));
    if (batch.size() >= BATCH_SIZE) {
      flush();
    }
  }

  /**
   * Sends what is buffered. The statement runs on the writer's own thread while the caller builds the next batch
   * (documents are identified and serialized by the caller), one batch at a time, in order.
   */
  public void flush() throws StoreException {
    awaitInFlight();
    if (batch.isEmpty()) {
      return;
    }
    List<Row> rows = List.copyOf(batch);
    batch.clear();
    batchIdentities.clear();
    inFlight = sender.submit(() -> {
      List<ResourceFailure> refused = new ArrayList<>();
      write(rows, refused);
      return refused;
    });
  }

  private void awaitInFlight() throws StoreException {
    if (inFlight == null) {
      return;
    }
    try {
      failures.addAll(inFlight.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(ErrorCodes.SINK_WRITE, "interrupted while writing to the sink", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw new StoreException(ErrorCodes.SINK_WRITE, "writing to the sink failed: " + e.getCause(), e.getCause());
    } finally {
      inFlight = null;
    }
  }

  /** Resources refused so far. */
  public List<ResourceFailure> failures() {
    return List.copyOf(failures);
  }

  /**
   * Writes the rest and returns the task's counts. {@code collectionSucceeded}: the plugin's stream(s) ended and
   * nothing failed on the runner's side; only then, and when the store refused nothing either, does this task mark
   * the (collector, Secret, provider)'s resources this Job did not see as disconnected or deleted (SpaceONE: a task
   * with a failure ends FAILURE and cleans up nothing).
   */
  public TaskCounts finish(boolean collectionSucceeded) throws StoreException {
    flush();
    awaitInFlight();
    try {
      if (collectionSucceeded && failures.isEmpty()) {
        markMissed();
      }
      long[] seen = seenCounts();
      long[] missed = missedCounts();
      return new TaskCounts(seen[0], seen[1], missed[0], missed[1], failures());
    } catch (SQLException e) {
      throw ResourceStore.connectionError(e, "the sink");
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to save
    }
  }

  private void write(List<Row> rows, List<ResourceFailure> refused) throws StoreException {
    for (int attempt = 1; ; attempt++) {
      try {
        refused.addAll(writeBatch(rows));
        return;
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if ((state.equals("40P01") || state.equals("40001")) && attempt < 5) {
          continue; // deadlock or serialization failure with another task: the statement wrote nothing, again
        }
        if (state.startsWith("22") || state.startsWith("23")) {
          refusedBatch(rows, e, refused);
          return;
        }
        throw ResourceStore.connectionError(e, "the sink");
      }
    }
  }

  /** PostgreSQL refused the batch for its data: halve it until the refused resources are alone, write the rest. */
  private void refusedBatch(List<Row> rows, SQLException e, List<ResourceFailure> refused) throws StoreException {
    if (rows.size() == 1) {
      refused.add(new ResourceFailure(ErrorCodes.RESOURCE_NOT_STORABLE,
          "PostgreSQL cannot store the resource: " + firstLine(e.getMessage()), additional(rows.get(0).resource())));
      return;
    }
    write(rows.subList(0, rows.size() / 2), refused);
    write(rows.subList(rows.size() / 2, rows.size()), refused);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    return message.replace('\n', ' ').trim();
  }

  private static Map<String, Object> additional(CollectedResource resource) {
    Map<String, Object> additional = new LinkedHashMap<>();
    additional.put("resource_type", resource.resourceType());
    JsonNode doc = resource.resource();
    for (String field : List.of("provider", "cloud_service_group", "cloud_service_type", "name")) {
      JsonNode value = doc == null ? null : doc.get(field);
      if (value != null && value.isTextual()) {
        additional.put(field, value.textValue());
      }
    }
    return additional;
  }

  /**
   * The batch, sent with COPY (binary format) into a temporary table that empties at commit; the merge then reads it.
   * {@code probes}: the hashes of every usable priority, first priority first. Its rows stay uncompressed in the
   * session's own buffers (a batch is about 15 MB: temp_buffers is set before the table is first used).
   */
  private static final String STAGING = """
      CREATE TEMPORARY TABLE IF NOT EXISTS store_input (ord int, resource_type text, provider text, grp text, typ text,
        name text, identity_hash bytea, identity text, document text, document_hash bytea, has_data boolean,
        probes bytea[])
      WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS""";
  private static final String STAGING_BUFFERS = "SET temp_buffers = '64MB'";
  private static final String COPY = "COPY store_input FROM STDIN (FORMAT binary)";
  private static final int COPY_FIELDS = 12;

  // One statement per batch: match every probe (first priority with exactly one hit wins, SpaceONE's order), update
  // the matched rows, insert the others (a racing writer's row is updated instead), keep the lower priorities'
  // probes in resource_match (the first priority is identity_hash itself), and report SpaceONE's
  // ERROR_TOO_MANY_MATCH (a priority before the winning one hit several rows, and the resource has `data`).
  // `decided` carries no document: the writes read store_input themselves, so no copy of the batch is kept between
  // the steps. A document whose hash is the stored one is not parsed again.
  private static final String MERGE = """
      WITH hit AS (
        SELECT i.ord, p.priority, h.n, h.id
        FROM store_input i, unnest(i.probes) WITH ORDINALITY AS p(hash, priority) CROSS JOIN LATERAL (
          SELECT count(*) AS n, min(x.id) AS id FROM (
            (SELECT r.id FROM resource r WHERE r.identity_hash = p.hash)
            UNION ALL (SELECT m.resource_id FROM resource_match m WHERE m.hash = p.hash LIMIT 2)) x) h
      ), decided AS (
        SELECT ord,
               (array_agg(id ORDER BY priority) FILTER (WHERE n = 1))[1] AS match_id,
               coalesce(min(priority) FILTER (WHERE n > 1) < coalesce(min(priority) FILTER (WHERE n = 1), 2147483647),
                        false) AS ambiguous
        FROM hit GROUP BY ord
      ), updated AS (
        UPDATE resource r SET
          resource_type = i.resource_type, provider = i.provider, cloud_service_group = i.grp,
          cloud_service_type = i.typ, name = i.name, identity_hash = i.identity_hash, identity = i.identity::jsonb,
          document = CASE WHEN r.document_hash = i.document_hash THEN r.document ELSE i.document::jsonb END,
          document_hash = i.document_hash, collector_id = ?, secret_id = ?, service_account_id = ?,
          first_seen_job = CASE WHEN r.state = 'DELETED' THEN ? ELSE r.first_seen_job END,
          first_seen_task = CASE WHEN r.state = 'DELETED' THEN ? ELSE r.first_seen_task END,
          last_seen_job = ?, last_seen_task = ?, state = 'ACTIVE', miss_count = 0, last_missed_job = NULL,
          updated_at = now()
        FROM store_input i JOIN decided d USING (ord)
        WHERE r.id = d.match_id AND NOT (d.ambiguous AND i.has_data)
        RETURNING r.id, i.ord
      ), inserted AS (
        INSERT INTO resource AS r (domain_id, resource_type, provider, cloud_service_group, cloud_service_type, name,
            identity_hash, identity, document, document_hash, collector_id, secret_id, service_account_id,
            first_seen_job, first_seen_task, last_seen_job, last_seen_task)
        SELECT ?, i.resource_type, i.provider, i.grp, i.typ, i.name, i.identity_hash, i.identity::jsonb,
               i.document::jsonb, i.document_hash, ?, ?, ?, ?, ?, ?, ?
        FROM store_input i JOIN decided d USING (ord)
        WHERE d.match_id IS NULL AND NOT (d.ambiguous AND i.has_data)
        ON CONFLICT (identity_hash) DO UPDATE SET
          resource_type = excluded.resource_type, provider = excluded.provider,
          cloud_service_group = excluded.cloud_service_group, cloud_service_type = excluded.cloud_service_type,
          name = excluded.name, identity = excluded.identity, document = excluded.document,
          document_hash = excluded.document_hash, collector_id = excluded.collector_id,
          secret_id = excluded.secret_id, service_account_id = excluded.service_account_id,
          first_seen_job = CASE WHEN r.state = 'DELETED' THEN excluded.first_seen_job ELSE r.first_seen_job END,
          first_seen_task = CASE WHEN r.state = 'DELETED' THEN excluded.first_seen_task ELSE r.first_seen_task END,
          last_seen_job = excluded.last_seen_job, last_seen_task = excluded.last_seen_task, state = 'ACTIVE',
          miss_count = 0, last_missed_job = NULL, updated_at = now()
        RETURNING r.id, r.identity_hash
      ), written AS (
        SELECT u.id, i.probes[2:] AS lower FROM updated u JOIN store_input i USING (ord)
        UNION ALL SELECT n.id, i.probes[2:] FROM inserted n JOIN store_input i USING (identity_hash)
      ), stale AS (
        DELETE FROM resource_match m USING written w WHERE m.resource_id = w.id AND m.hash <> ALL (w.lower)
      ), probes AS (
        INSERT INTO resource_match (hash, resource_id) SELECT unnest(w.lower), w.id FROM written w
        WHERE cardinality(w.lower) > 0
        ON CONFLICT DO NOTHING
      )
      SELECT d.ord FROM decided d JOIN store_input i USING (ord) WHERE d.ambiguous AND i.has_data
      """;

  private List<ResourceFailure> writeBatch(List<Row> rows) throws SQLException {
    if (!staged) {
      // in a transaction of its own: a batch rolled back must not take the table with it
      try (Statement st = connection.createStatement()) {
        st.execute(STAGING_BUFFERS);
        st.execute(STAGING);
      }
      staged = true;
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn(COPY, new ByteArrayInputStream(copyBinary(rows)));
      List<ResourceFailure> ambiguous = new ArrayList<>();
      try (PreparedStatement st = connection.prepareStatement(MERGE)) {
        int p = bindWriter(st, 1); // updated
        st.setString(p++, scope.domainId());
        bindWriter(st, p); // inserted
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            Row row = rows.get(rs.getInt(1));
            ambiguous.add(new ResourceFailure(ErrorCodes.TOO_MANY_MATCH,
                "A match_rules priority matched more than one stored resource (keys "
                    + row.identity().primary().keys().keySet() + ")", additional(row.resource())));
          }
        }
      }
      connection.commit();
      return ambiguous;
    } catch (SQLException | IOException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is gone: the error below says so
      }
      if (e instanceof SQLException se) {
        throw se;
      }
      throw new SQLException("COPY to the sink failed: " + e.getMessage(), "08006", e);
    } finally {
      if (autoCommit) {
        connection.setAutoCommit(true);
      }
    }
  }

  /** Who writes, as the merge's update and insert both set it: collector, Secret, service account, seen by. */
  private int bindWriter(PreparedStatement st, int first) throws SQLException {
    int p = first;
    st.setString(p++, scope.collectorId());
    st.setString(p++, scope.secretId());
    st.setString(p++, scope.serviceAccountId());
    st.setString(p++, scope.jobKey()); // first_seen_job: of a new row, or of a deleted one that comes back
    st.setString(p++, scope.jobTaskId());
    st.setString(p++, scope.jobKey()); // last_seen_job
    st.setString(p++, scope.jobTaskId());
    return p;
  }

  /** The batch as store_input's rows, in COPY's binary format. */
  private byte[] copyBinary(List<Row> rows) {
    BinaryCopy copy = new BinaryCopy(rows.size() * 3072);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      String docProvider = row.text("provider");
      copy.row(COPY_FIELDS)
          .int4(i)
          .text(row.resource().resourceType())
          .text(docProvider != null ? docProvider : scope.provider())
          .text(row.text("cloud_service_group"))
          .text(row.text("cloud_service_type"))
          .text(row.text("name"))
          .bytes(row.identity().primary().hash())
          .text(row.identity().describe().toString())
          .bytes(row.document())
          .bytes(row.documentHash())
          .bool(MatchRules.truthy(row.resource().resource().get("data")))
          .byteaArray(row.identity().probes().stream().map(MatchRules.Probe::hash).toList());
    }
    return copy.finish();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String SCOPE = """
       domain_id = ? AND collector_id = ? AND secret_id = ? AND (?::text IS NULL OR provider = ?)
      AND resource_type = 'inventory.CloudService'""";

  private int bindScope(PreparedStatement st, int p) throws SQLException {
    st.setString(p++, scope.domainId());
    st.setString(p++, scope.collectorId());
    st.setString(p++, scope.secretId());
    st.setString(p++, scope.provider());
    st.setString(p++, scope.provider());
    return p;
  }

  private void markMissed() throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("""
        UPDATE resource SET miss_count = miss_count + 1,
          state = CASE WHEN miss_count + 1 >= ? THEN 'DELETED' ELSE 'DISCONNECTED' END,
          last_missed_job = ?, updated_at = now()
        WHERE""" + SCOPE + """
         AND state <> 'DELETED' AND last_seen_job <> ? AND last_missed_job IS DISTINCT FROM ?""")) {
      int p = 1;
      st.setInt(p++, DELETE_AFTER_MISSES);
      st.setString(p++, scope.jobKey());
      p = bindScope(st, p);
      st.setString(p++, scope.jobKey());
      st.setString(p, scope.jobKey());
      st.executeUpdate();
    }
  }

  private long[] seenCounts() throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("""
        SELECT count(*) FILTER (WHERE first_seen_job = ?), count(*) FILTER (WHERE first_seen_job <> ?)
        FROM resource WHERE domain_id = ? AND collector_id = ? AND secret_id = ? AND last_seen_job = ?
          AND last_seen_task = ? AND resource_type = 'inventory.CloudService'""")) {
      // every row this task wrote carries its domain, collector and Secret: the scope index finds them
      st.setString(1, scope.jobKey());
      st.setString(2, scope.jobKey());
      st.setString(3, scope.domainId());
      st.setString(4, scope.collectorId());
      st.setString(5, scope.secretId());
      st.setString(6, scope.jobKey());
      st.setString(7, scope.jobTaskId());
      return two(st);
    }
  }

  private long[] missedCounts() throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("""
        SELECT count(*) FILTER (WHERE state = 'DISCONNECTED'), count(*) FILTER (WHERE state = 'DELETED')
        FROM resource WHERE last_missed_job = ? AND""" + SCOPE)) {
      st.setString(1, scope.jobKey());
      bindScope(st, 2);
      return two(st);
    }
  }

  private static long[] two(PreparedStatement st) throws SQLException {
    try (ResultSet rs = st.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
