package dev.spaceone.runner.grpc;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Message;
import dev.spaceone.runner.api.costanalysis.CostJobProto;
import dev.spaceone.runner.api.costanalysis.CostProto;
import dev.spaceone.runner.api.costanalysis.CostsInfo;
import dev.spaceone.runner.api.costanalysis.DataSourceProto;
import dev.spaceone.runner.api.costanalysis.GetDataRequest;
import dev.spaceone.runner.api.costanalysis.GetTasksRequest;
import dev.spaceone.runner.api.inventory.CollectRequest;
import dev.spaceone.runner.api.inventory.CollectorProto;
import dev.spaceone.runner.api.inventory.GetTaskRequest;
import dev.spaceone.runner.api.inventory.InventoryJobProto;
import dev.spaceone.runner.api.inventory.ResourceInfo;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.protobuf.ProtoUtils;

/**
 * The plugin methods the runner calls, as grpc-java method descriptors built from the protoc-generated file
 * descriptors: the service and method names on the wire come from the .proto files (which
 * SpaceOneApiWireCompatibilityTest checks against the spaceone-api wheel), not from strings typed here. The
 * registry serves no protoc-gen-grpc-java binary for this platform, so there are no generated *Grpc classes.
 */
public final class PluginMethods {
  public static final io.grpc.MethodDescriptor<dev.spaceone.runner.api.inventory.InitRequest,
      dev.spaceone.runner.api.inventory.PluginInfo> COLLECTOR_INIT = method(CollectorProto.getDescriptor(),
      "Collector", "init", dev.spaceone.runner.api.inventory.InitRequest.getDefaultInstance(),
      dev.spaceone.runner.api.inventory.PluginInfo.getDefaultInstance());
  public static final io.grpc.MethodDescriptor<CollectRequest, ResourceInfo> COLLECTOR_COLLECT = method(
      CollectorProto.getDescriptor(), "Collector", "collect", CollectRequest.getDefaultInstance(),
      ResourceInfo.getDefaultInstance());
  public static final io.grpc.MethodDescriptor<GetTaskRequest, dev.spaceone.runner.api.inventory.TasksInfo>
      INVENTORY_GET_TASKS = method(InventoryJobProto.getDescriptor(), "Job", "get_tasks",
      GetTaskRequest.getDefaultInstance(), dev.spaceone.runner.api.inventory.TasksInfo.getDefaultInstance());

  public static final io.grpc.MethodDescriptor<dev.spaceone.runner.api.costanalysis.InitRequest,
      dev.spaceone.runner.api.costanalysis.PluginInfo> DATA_SOURCE_INIT = method(DataSourceProto.getDescriptor(),
      "DataSource", "init", dev.spaceone.runner.api.costanalysis.InitRequest.getDefaultInstance(),
      dev.spaceone.runner.api.costanalysis.PluginInfo.getDefaultInstance());
  public static final io.grpc.MethodDescriptor<GetTasksRequest, dev.spaceone.runner.api.costanalysis.TasksInfo>
      COST_GET_TASKS = method(CostJobProto.getDescriptor(), "Job", "get_tasks",
      GetTasksRequest.getDefaultInstance(), dev.spaceone.runner.api.costanalysis.TasksInfo.getDefaultInstance());
  public static final io.grpc.MethodDescriptor<GetDataRequest, CostsInfo> COST_GET_DATA = method(
      CostProto.getDescriptor(), "Cost", "get_data", GetDataRequest.getDefaultInstance(),
      CostsInfo.getDefaultInstance());

  private PluginMethods() {
  }

  /** The method's name as SpaceONE writes it in errors and logs: {@code Collector.collect}. */
  public static String displayName(io.grpc.MethodDescriptor<?, ?> method) {
    String service = method.getServiceName();
    return service.substring(service.lastIndexOf('.') + 1) + "." + method.getBareMethodName();
  }

  private static <Q extends Message, R extends Message> io.grpc.MethodDescriptor<Q, R> method(FileDescriptor file,
      String service, String name, Q request, R response) {
    MethodDescriptor method = file.findServiceByName(service).findMethodByName(name);
    if (method.getInputType() != request.getDescriptorForType()
        || method.getOutputType() != response.getDescriptorForType() || method.isClientStreaming()) {
      throw new IllegalStateException("message types of " + method.getFullName() + " do not match its descriptor");
    }
    return io.grpc.MethodDescriptor.<Q, R>newBuilder()
        .setType(method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY)
        .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(
            method.getService().getFullName(), method.getName()))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
