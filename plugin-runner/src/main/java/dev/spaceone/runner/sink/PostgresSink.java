package dev.spaceone.runner.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.Task;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.result.ErrorInfo;
import dev.spaceone.store.CollectedResource;
import dev.spaceone.store.ResourceFailure;
import dev.spaceone.store.ResourceStore;
import dev.spaceone.store.StoreException;
import dev.spaceone.store.StoreSettings;
import dev.spaceone.store.TaskCounts;
import dev.spaceone.store.TaskScope;
import dev.spaceone.store.TaskWriter;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code sink: postgres}: the task's resources go to the resource store (module resource-store), whose table
 * decides created / updated / disconnected / deleted. Settings come from the sink Secret's files
 * (SPACEONE_SINK_DIR); nothing of them is logged.
 */
final class PostgresSink implements ResourceSink {
  /** The types SpaceONE matches by match_rules (RESOURCE_MAP); namespaces and metrics are not stored. */
  private static final Set<String> STORED = Set.of(CollectedResource.CLOUD_SERVICE, "inventory.CloudServiceType",
      "inventory.Region");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TaskWriter writer;

  private PostgresSink(TaskWriter writer) {
    this.writer = writer;
  }

  static PostgresSink open(Task task, Path sinkDir) throws SinkException {
    if (!Task.INVENTORY.equals(task.service())) {
      throw new SinkException(ErrorCodes.SINK_CONFIG, "sink postgres stores inventory resources; a "
          + task.service() + " task takes sink none or log", null);
    }
    Task.Identity id = task.identity();
    if (id.jobUid() == null || id.jobUid().isBlank()) {
      // Without it every run of the Job would look like the first: created again, nothing ever disconnected.
      throw new SinkException(ErrorCodes.SINK_CONFIG, "sink postgres needs the Job's uid (task.json job_uid)", null);
    }
    // A re-created Job reuses its name: the uid makes "first seen by this Job" mean this run.
    String jobKey = String.join("/", id.namespace(), task.jobId(), id.jobUid());
    try {
      TaskScope scope = new TaskScope(task.domainId(), id.collectorId(), id.secretId(),
          id.serviceAccountId().isEmpty() ? null : id.serviceAccountId(), id.provider(), jobKey, task.jobTaskId());
      return new PostgresSink(ResourceStore.open(StoreSettings.fromDirectory(sinkDir)).openTask(scope));
    } catch (StoreException e) {
      throw new SinkException(e.errorCode(), e.getMessage(), null);
    } catch (IllegalArgumentException e) {
      throw new SinkException(ErrorCodes.SINK_CONFIG, e.getMessage(), null);
    }
  }

  @Override
  public void accept(CollectedRecord record) throws SinkException {
    if (!STORED.contains(record.resourceType()) || !(record.message() instanceof ResourceInfo info)) {
      return;
    }
    try {
      writer.add(new CollectedResource(info.getResourceType(), Structs.tree(info.getMatchRules()),
          Structs.tree(info.getResource())));
    } catch (StoreException e) {
      throw new SinkException(e.errorCode(), e.getMessage(), null);
    }
  }

  @Override
  public Counts finish(boolean collectionSucceeded) throws SinkException {
    try {
      TaskCounts counts = writer.finish(collectionSucceeded);
      return new Counts(counts.created(), counts.updated(), counts.deleted(), counts.disconnected(),
          counts.failures().stream().map(PostgresSink::error).toList());
    } catch (StoreException e) {
      throw new SinkException(e.errorCode(), e.getMessage(), null);
    }
  }

  private static ErrorInfo error(ResourceFailure failure) {
    return new ErrorInfo(failure.errorCode(), failure.message(), JSON.valueToTree(failure.additional()));
  }

  @Override
  public void close() {
    writer.close();
  }
}
