package dev.spaceone.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Schema stand-in for free-form objects (plugin options, filters): an object whose members may be of any
 * type. A {@code Map<String, Object>} alone would generate {@code additionalProperties: {type: object}},
 * which a real API server uses to reject scalar members.
 */
@PreserveUnknownFields
public final class FreeFormObject {
  private FreeFormObject() {
  }
}
