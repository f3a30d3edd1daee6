package dev.spaceone.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalSelectableField;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One task of a Job: one plugin run, in one pod per attempt. Created by the operator. */
@Group(Job.GROUP)
@Version(Job.VERSION)
@Kind("JobTask")
@Singular("jobtask")
@Plural("jobtasks")
@ShortNames("sjt")
@Categories("spaceone")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Job", jsonPath = ".spec.jobName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Created", jsonPath = ".status.createdCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Updated", jsonPath = ".status.updatedCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failures", jsonPath = ".status.failureCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Attempts", jsonPath = ".status.attempts", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".spec.provider", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Account", jsonPath = ".spec.serviceAccountId", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Deleted", jsonPath = ".status.deletedCount", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Pod", jsonPath = ".status.podName", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Error", jsonPath = ".status.errorCode", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalSelectableField(jsonPath = ".status.status")
@AdditionalSelectableField(jsonPath = ".spec.jobName")
@AdditionalSelectableField(jsonPath = ".spec.service")
@AdditionalSelectableField(jsonPath = ".spec.provider")
@AdditionalSelectableField(jsonPath = ".spec.serviceAccountId")
@AdditionalSelectableField(jsonPath = ".spec.collectorId")
@AdditionalSelectableField(jsonPath = ".spec.projectId")
@AdditionalSelectableField(jsonPath = ".spec.workspaceId")
public class JobTask extends CustomResource<JobTaskSpec, JobTaskStatus> implements Namespaced {
}
