package dev.spaceone.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalSelectableField;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One run of a collector plugin, divided into JobTasks. */
@Group(Job.GROUP)
@Version(Job.VERSION)
@Kind("Job")
@Singular("job")
@Plural("jobs")
@ShortNames("sjob")
@Categories("spaceone")
@ValidationRule(value = "size(self.metadata.name) <= " + Job.MAX_NAME_LENGTH,
    message = "a Job name has at most " + Job.MAX_NAME_LENGTH + " characters, so that its task and pod names fit 63")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Done", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failureTasks", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Created", jsonPath = ".status.createdCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Updated", jsonPath = ".status.updatedCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Service", jsonPath = ".spec.service", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.runningTasks", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Deleted", jsonPath = ".status.deletedCount", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Errors", jsonPath = ".status.failureCount", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Collector", jsonPath = ".spec.collectorId", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.plugin.image", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Error", jsonPath = ".status.errorCode", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalSelectableField(jsonPath = ".status.status")
@AdditionalSelectableField(jsonPath = ".spec.service")
@AdditionalSelectableField(jsonPath = ".spec.collectorId")
@AdditionalSelectableField(jsonPath = ".spec.dataSourceId")
@AdditionalSelectableField(jsonPath = ".spec.domainId")
@AdditionalSelectableField(jsonPath = ".spec.workspaceId")
@AdditionalSelectableField(jsonPath = ".spec.projectId")
@AdditionalSelectableField(jsonPath = ".spec.resourceGroup")
public class Job extends CustomResource<JobSpec, JobStatus> implements Namespaced {
  public static final String GROUP = "spaceone.dev";
  public static final String VERSION = "v1alpha1";
  public static final int MAX_NAME_LENGTH = 52;
}
