package dev.spaceone.operator.query;

import java.util.List;
import java.util.Map;

/**
 * An authenticated caller, as Kubernetes' user.Info has it. {@code groups} always includes
 * {@code system:authenticated}.
 */
public record UserInfo(String name, List<String> groups, Map<String, List<String>> extra) {
  public static final String AUTHENTICATED = "system:authenticated";

  public UserInfo {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }
}
