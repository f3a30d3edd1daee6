package dev.spaceone.runner.inventory;

import com.google.protobuf.Struct;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.Log;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.Task;
import dev.spaceone.runner.api.inventory.CollectRequest;
import dev.spaceone.runner.api.inventory.CollectorGrpc;
import dev.spaceone.runner.api.inventory.GetTaskRequest;
import dev.spaceone.runner.api.inventory.InitRequest;
import dev.spaceone.runner.api.inventory.JobGrpc;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import dev.spaceone.runner.api.inventory.TaskInfo;
import dev.spaceone.runner.grpc.PluginCallException;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.grpc.PluginStream;
import dev.spaceone.runner.result.ErrorInfo;
import dev.spaceone.runner.result.TaskResult;
import dev.spaceone.runner.sink.CollectedRecord;
import dev.spaceone.runner.sink.ResourceSink;
import dev.spaceone.runner.sink.SinkException;
import java.util.List;

/**
 * One inventory task, as SpaceONE 2.x runs one JobTask: {@code Collector.init}, {@code Job.get_tasks} (its entries
 * are sub-tasks of this task; a plugin without it, or failing it, gives one sub-task), then {@code Collector.collect}
 * per sub-task with counts summed. Created/updated/deleted/disconnected come from the sink at the end; the unseen
 * resources are disconnected or deleted only when no sub-task failed.
 */
public final class InventoryCollection {
  private final PluginConnection plugin;
  private final Task task;
  private final Struct secretData;
  private final ResourceSink sink;
  private final TaskResult result;
  private final ResourceClassifier classifier;

  public InventoryCollection(PluginConnection plugin, Task task, Struct secretData, ResourceSink sink,
      TaskResult result) {
    this.plugin = plugin;
    this.task = task;
    this.secretData = secretData;
    this.sink = sink;
    this.result = result;
    this.classifier = new ResourceClassifier(task.domainId(), task.workspaceId());
  }

  /**
   * Runs the task into {@link #result}. Returns normally when the collection ran to its end (failures or not);
   * throws when the plugin broke it (the counts so far stay in the result).
   */
  public void run() throws PluginCallException, SinkException {
    Struct options = Structs.struct(task.options());
    init(options);
    List<Struct> subTasks = subTasks(options);
    Log.info("inventory task " + task.jobTaskId() + ": " + subTasks.size() + " sub-task(s)");
    PluginCallException broken = null;
    try {
      for (Struct taskOptions : subTasks) {
        collect(options, taskOptions);
      }
    } catch (PluginCallException e) {
      broken = e;
    }
    // The counts come from the sink, also when a stream broke: what was stored stays stored and counted.
    ResourceSink.Counts counts;
    try {
      counts = sink.finish(broken == null && result.failureCount() == 0);
    } catch (SinkException e) {
      if (broken == null) {
        throw e;
      }
      result.addTaskFailure(new ErrorInfo(e.errorCode(), e.getMessage(), null));
      throw broken;
    }
    result.addStored(counts.created(), counts.updated());
    result.addCleanup(counts.deleted(), counts.disconnected());
    counts.failures().forEach(result::addFailure);
    if (broken != null) {
      throw broken;
    }
  }

  private void init(Struct options) throws PluginCallException {
    InitRequest request = InitRequest.newBuilder().setOptions(options).build();
    plugin.unaryIfServed(CollectorGrpc.getInitMethod(), CollectorGrpc::newBlockingStub, stub -> stub.init(request))
        .ifPresent(info -> Log.info("Collector.init metadata keys: " + info.getMetadata().getFieldsMap().keySet()));
  }

  /**
   * The task's sub-tasks. A task with explicit task_options (the Job divided it itself) is one sub-task. Otherwise
   * get_tasks decides; as in SpaceONE's inventory service, any get_tasks error other than our own deadline means
   * one sub-task without task_options (SpaceONE swallows them all, and plugins without a Job service rely on it).
   */
  private List<Struct> subTasks(Struct options) throws PluginCallException {
    Struct explicit = Structs.struct(task.taskOptions());
    if (explicit.getFieldsCount() > 0) {
      return List.of(explicit);
    }
    try {
      GetTaskRequest request = GetTaskRequest.newBuilder().setOptions(options).setSecretData(secretData).build();
      List<TaskInfo> tasks = plugin.unary(JobGrpc.getGetTasksMethod(), JobGrpc::newBlockingStub,
          stub -> stub.getTasks(request)).getTasksList();
      if (!tasks.isEmpty()) {
        return tasks.stream().map(TaskInfo::getTaskOptions).toList();
      }
    } catch (PluginCallException e) {
      if (e.error().errorCode().equals(ErrorCodes.PLUGIN_TIMEOUT)) {
        throw e;
      }
      if (!e.unimplemented()) {
        Log.info("Job.get_tasks failed, collecting as one sub-task (as SpaceONE does): " + e.error().message());
      }
    }
    return List.of(explicit);
  }

  private void collect(Struct options, Struct taskOptions) throws PluginCallException, SinkException {
    CollectRequest.Builder request = CollectRequest.newBuilder()
        .setOptions(options).setSecretData(secretData).setFilter(Struct.getDefaultInstance());
    // SpaceONE sends task_options only when it has some.
    if (taskOptions.getFieldsCount() > 0) {
      request.setTaskOptions(taskOptions);
    }
    CollectRequest built = request.build();
    try (PluginStream<ResourceInfo> stream = plugin.serverStream(CollectorGrpc.getCollectMethod(),
        CollectorGrpc::newBlockingStub, stub -> stub.collect(built))) {
      for (ResourceInfo info = stream.next(); info != null; info = stream.next()) {
        record(info);
      }
    }
  }

  private void record(ResourceInfo info) throws SinkException {
    ResourceClassifier.Outcome outcome = classifier.classify(info);
    if (outcome instanceof ResourceClassifier.Failure failure) {
      result.addFailure(failure.error());
      return;
    }
    boolean counted = ((ResourceClassifier.Store) outcome).counted();
    try {
      sink.accept(new CollectedRecord(info.getResourceType(), counted, info));
    } catch (SinkException e) {
      if (!e.recordOnly()) {
        throw e;
      }
      // One record the sink refused: a failure of that record, as in SpaceONE.
      result.addFailure(new ErrorInfo(e.errorCode(), e.getMessage(), null));
    }
  }
}
