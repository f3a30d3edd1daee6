package dev.spaceone.runner.cost;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.spaceone.runner.Log;
import dev.spaceone.runner.Structs;
import dev.spaceone.runner.Task;
import dev.spaceone.runner.api.costanalysis.AccountsInfo;
import dev.spaceone.runner.api.costanalysis.ChangedInfo;
import dev.spaceone.runner.api.costanalysis.CostGrpc;
import dev.spaceone.runner.api.costanalysis.GetLinkedAccountsRequest;
import dev.spaceone.runner.api.costanalysis.PluginInfo;
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
import java.util.Optional;

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
    Optional<PluginInfo> info = plugin.unaryIfServed(DataSourceGrpc.getInitMethod(),
        DataSourceGrpc::newBlockingStub, stub -> stub.init(init));
    info.ifPresent(i -> Log.info("DataSource.init metadata keys: " + i.getMetadata().getFieldsMap().keySet()));
    GetTasksRequest.Builder request = GetTasksRequest.newBuilder()
        .setOptions(options).setSecretData(secretData).setDomainId(task.domainId());
    if (info.isPresent() && usesAccountRouting(info.get().getMetadata())) {
      request.addAllLinkedAccounts(linkedAccounts(options));
    }
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

  /**
   * SpaceONE's cost service routes by account when the plugin's init metadata says {@code use_account_routing}
   * (a Python truth test): it asks Cost.get_linked_accounts and passes the accounts to get_tasks as
   * {@code linked_accounts} ({account_id, name, is_sync}).
   */
  static boolean usesAccountRouting(Struct metadata) {
    Value flag = metadata.getFieldsOrDefault("use_account_routing", Value.getDefaultInstance());
    return switch (flag.getKindCase()) {
      case BOOL_VALUE -> flag.getBoolValue();
      case STRING_VALUE -> !flag.getStringValue().isEmpty();
      case NUMBER_VALUE -> flag.getNumberValue() != 0;
      case STRUCT_VALUE -> flag.getStructValue().getFieldsCount() > 0;
      case LIST_VALUE -> flag.getListValue().getValuesCount() > 0;
      default -> false;
    };
  }

  /**
   * The plugin's linked accounts as SpaceONE passes them. is_sync is false for every account: SpaceONE remembers
   * per data-source account whether a Job synced it (its DataSourceAccount store), and the operator keeps no
   * such store, so each account is presented as not yet synced.
   */
  private List<Struct> linkedAccounts(Struct options) throws PluginCallException {
    GetLinkedAccountsRequest request = GetLinkedAccountsRequest.newBuilder()
        .setOptions(options).setSecretData(secretData).setDomainId(task.domainId()).build();
    AccountsInfo accounts = plugin.unary(CostGrpc.getGetLinkedAccountsMethod(), CostGrpc::newBlockingStub,
        stub -> stub.getLinkedAccounts(request));
    Log.info("Cost.get_linked_accounts: " + accounts.getResultsCount() + " accounts (use_account_routing)");
    return accounts.getResultsList().stream().map(a -> Struct.newBuilder()
        .putFields("account_id", Value.newBuilder().setStringValue(a.getAccountId()).build())
        .putFields("name", Value.newBuilder().setStringValue(a.getName()).build())
        .putFields("is_sync", Value.newBuilder().setBoolValue(false).build())
        .build()).toList();
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
