package dev.spaceone.operator.crd;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The product's CRDs as the build generates them from the API classes, finished for people: the fabric8
 * generator sorts printer columns by JSON path, so they are put back in the order the class declares them,
 * which is the order kubectl shows. The files under {@code crds/} and the Helm chart are this output.
 */
public final class CustomResourceDefinitions {
  public static final List<Class<? extends CustomResource<?, ?>>> RESOURCES = List.of(Job.class, JobTask.class);

  private static final String HEADER =
      "# Generated from the classes in api/src/main/java/dev/spaceone/operator/api/v1alpha1.\n"
          + "# Do not edit: change the classes and run `mvn -B -q -pl api -am test -Dcrds.update=true`.\n";

  private CustomResourceDefinitions() {
  }

  /** The finished CRD of a resource class. */
  public static CustomResourceDefinition of(Class<? extends CustomResource<?, ?>> type) {
    String name = CustomResource.getCRDName(type);
    String resource = "/META-INF/fabric8/" + name + "-v1.yml";
    try (InputStream in = CustomResourceDefinitions.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("generated CRD " + resource + " is not on the classpath");
      }
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      List<String> declaredOrder = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name).toList();
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        version.getAdditionalPrinterColumns()
            .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> declaredOrder.indexOf(c.getName())));
      }
      return crd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file name of a resource's CRD under {@code crds/}. */
  public static String fileName(Class<? extends CustomResource<?, ?>> type) {
    return CustomResource.getCRDName(type) + ".yaml";
  }

  /** The text of a resource's CRD file. */
  public static String yaml(Class<? extends CustomResource<?, ?>> type) {
    return HEADER + Serialization.asYaml(of(type));
  }
}
