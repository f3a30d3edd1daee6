package dev.spaceone.runner.cost;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.spaceone.contract.ErrorCodes;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.Task;
import dev.spaceone.runner.api.costanalysis.CostGrpc;
import dev.spaceone.runner.api.costanalysis.CostInfo;
import dev.spaceone.runner.api.costanalysis.CostsInfo;
import dev.spaceone.runner.api.costanalysis.GetDataRequest;
import dev.spaceone.runner.grpc.PluginCallException;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.grpc.PluginStream;
import dev.spaceone.runner.result.ErrorInfo;
import dev.spaceone.runner.result.TaskResult;
import dev.spaceone.runner.sink.CollectedRecord;
import dev.spaceone.runner.sink.ResourceSink;
import dev.spaceone.runner.sink.SinkException;

/**
 * One cost-analysis task, as SpaceONE's {@code JobService.get_cost_data}: stream {@code Cost.get_data}; every row
 * is created_count (cost has no updated), and a row without billed_date fails the task with
 * {@code ERROR_REQUIRED_PARAMETER} and ends the stream (the rows before it stay counted).
 */
public final class CostCollection {
  private final PluginConnection plugin;
  private final Task task;
  private final Struct secretData;
  private final ResourceSink sink;
  private final TaskResult result;

  public CostCollection(PluginConnection plugin, Task task, Struct secretData, ResourceSink sink, TaskResult result) {
    this.plugin = plugin;
    this.task = task;
    this.secretData = secretData;
    this.sink = sink;
    this.result = result;
  }

  /** SpaceONE's options for a cost plugin: the plugin options plus secret_type (task.json's, else MANUAL). */
  static Struct options(Task task) {
    return Structs.struct(task.options()).toBuilder()
        .putFields("secret_type", Value.newBuilder().setStringValue(task.secretType()).build()).build();
  }

  public void run() throws PluginCallException {
    GetDataRequest request = GetDataRequest.newBuilder()
        .setOptions(options(task))
        .setSecretData(secretData)
        .setTaskOptions(Structs.struct(task.taskOptions()))
        .setDomainId(task.domainId())
        .build();
    try (PluginStream<CostsInfo> stream = plugin.serverStream(CostGrpc.getGetDataMethod(),
        CostGrpc::newBlockingStub, stub -> stub.getData(request))) {
      for (CostsInfo costs = stream.next(); costs != null; costs = stream.next()) {
        for (CostInfo row : costs.getResultsList()) {
          if (row.getBilledDate().isEmpty()) {
            result.addTaskFailure(new ErrorInfo(ErrorCodes.REQUIRED_PARAMETER,
                "Required parameter. (key = plugin_cost_data.billed_date)"));
            return;
          }
          try {
            sink.accept(new CollectedRecord(CollectedRecord.COST, true, row));
          } catch (SinkException e) {
            // SpaceONE fails the whole cost task on any error while storing rows. (Cost rows are counted here, not
            // by the sink: created_count is the number of rows, with no store to ask.)
            result.addTaskFailure(new ErrorInfo(e.errorCode(), e.getMessage()));
            return;
          }
          result.addCreated();
        }
      }
    }
  }
}
