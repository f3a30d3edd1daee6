package dev.spaceone.operator.api.v1alpha1;

/** SpaceONE's scope of a collector: the whole domain or one workspace. */
public enum ResourceGroup {
  DOMAIN,
  WORKSPACE
}
