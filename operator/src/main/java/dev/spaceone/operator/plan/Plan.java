package dev.spaceone.operator.plan;

import dev.spaceone.operator.api.v1alpha1.Changed;
import dev.spaceone.operator.api.v1alpha1.SyncedAccount;
import dev.spaceone.operator.task.JobDivider.PlannedTask;
import java.util.List;

/**
 * How a plugin divided its Job (cost-analysis {@code Job.get_tasks}): the job-level {@code changed} and
 * {@code synced_accounts}, and one entry per task, in the plugin's order.
 *
 * @param sha256 hex SHA-256 of the task lines' JSON text joined by newlines, as the runner computed it
 */
public record Plan(List<Changed> changed, List<SyncedAccount> syncedAccounts, List<PlannedTask> tasks,
    String sha256) {
}
