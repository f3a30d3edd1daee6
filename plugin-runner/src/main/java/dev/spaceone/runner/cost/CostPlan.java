package dev.spaceone.runner.cost;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import dev.spaceone.runner.Log;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.Task;
import dev.spaceone.runner.api.costanalysis.ChangedInfo;
import dev.spaceone.runner.api.costanalysis.DataSourceGrpc;
import dev.spaceone.runner.api.costanalysis.GetTasksRequest;
import dev.spaceone.runner.api.costanalysis.InitRequest;
import dev.spaceone.runner.api.costanalysis.JobGrpc;
import dev.spaceone.runner.api.costanalysis.SyncedAccountInfo;
import dev.spaceone.runner.api.costanalysis.TaskInfo;
import dev.spaceone.runner.api.costanalysis.TasksInfo;
import dev.spaceone.runner.grpc.PluginCallException;
import dev.spaceone.runner.grpc.PluginConnection;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Plan mode (cost-analysis division by the plugin): {@code DataSource.init} then {@code Job.get_tasks} with
 * start / last_synchronized_at / domain_id, printed as PLUGIN-RUNNER-CONTRACT.md says: one {@code SPACEONE_PLAN }
 * line for the job ({@code changed}, {@code synced_accounts}), one per task in order, one end line; the result
 * holds the number of tasks and the SHA-256 of the task lines' JSON joined by "\n", so the operator can tell it
 * read the whole plan.
 */
public final class CostPlan {
  public static final String LINE_PREFIX = "SPACEONE_PLAN ";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final PluginConnection plugin;
  private final Task task;
  private final Struct secretData;

  public CostPlan(PluginConnection plugin, Task task, Struct secretData) {
    this.plugin = plugin;
    this.task = task;
    this.secretData = secretData;
  }

  /** Asks the plugin for the plan; prints it on {@code out}; returns the result object. */
  public ObjectNode run(PrintStream out) throws PluginCallException {
    Struct options = CostCollection.options(task);
    InitRequest init = InitRequest.newBuilder()
        .setOptions(Structs.struct(task.options())).setDomainId(task.domainId()).build();
    plugin.unaryIfServed(DataSourceGrpc.getInitMethod(), DataSourceGrpc::newBlockingStub, stub -> stub.init(init))
        .ifPresent(info -> Log.info("DataSource.init metadata keys: " + info.getMetadata().getFieldsMap().keySet()));
    GetTasksRequest.Builder request = GetTasksRequest.newBuilder()
        .setOptions(options).setSecretData(secretData).setDomainId(task.domainId());
    if (!task.start().isEmpty()) {
      request.setStart(task.start());
    }
    if (!task.lastSynchronizedAt().isEmpty()) {
      request.setLastSynchronizedAt(task.lastSynchronizedAt());
    }
    GetTasksRequest built = request.build();
    TasksInfo tasks = plugin.unary(JobGrpc.getGetTasksMethod(), JobGrpc::newBlockingStub,
        stub -> stub.getTasks(built));
    return print(tasks, out);
  }

  static ObjectNode print(TasksInfo tasks, PrintStream out) {
    ObjectNode job = JSON.objectNode();
    job.put("kind", "job");
    ArrayNode changed = job.putArray("changed");
    for (ChangedInfo c : tasks.getChangedList()) {
      changed.add(Structs.json(c));
    }
    ArrayNode synced = job.putArray("synced_accounts");
    for (SyncedAccountInfo account : tasks.getSyncedAccountsList()) {
      synced.add(Structs.json(account));
    }
    out.println(LINE_PREFIX + job);
    List<String> taskLines = new ArrayList<>();
    for (TaskInfo t : tasks.getTasksList()) {
      ObjectNode line = JSON.objectNode();
      line.put("kind", "task");
      line.set("task_options", Structs.json(t.getTaskOptions()));
      line.set("task_changed", t.hasTaskChanged() ? Structs.json(t.getTaskChanged()) : JSON.nullNode());
      String text = line.toString();
      taskLines.add(text);
      out.println(LINE_PREFIX + text);
    }
    ObjectNode end = JSON.objectNode();
    end.put("kind", "end");
    end.put("tasks", taskLines.size());
    out.println(LINE_PREFIX + end);
    out.flush();
    ObjectNode result = JSON.objectNode();
    result.put("plan_tasks", taskLines.size());
    result.put("plan_sha256", sha256(String.join("\n", taskLines)));
    return result;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
