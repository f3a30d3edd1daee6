package dev.spaceone.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Standard conditions, as batch/v1 Job has them: Complete, Failed, Suspended; and SecretsSkipped. */
public final class Conditions {
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";
  /** A plugin planning with several Secrets could not plan with some; the others' tasks run. */
  public static final String SECRETS_SKIPPED = "SecretsSkipped";

  private Conditions() {
  }

  /**
   * The conditions with one set to a value. lastTransitionTime moves only when the condition's status
   * changes, so recomputing a status that did not change leaves it equal.
   */
  public static List<Condition> with(List<Condition> current, String type, boolean status, String reason,
      String message, long observedGeneration, Instant now) {
    List<Condition> result = new ArrayList<>();
    String value = status ? "True" : "False";
    String transition = now.truncatedTo(ChronoUnit.SECONDS).toString();
    boolean found = false;
    for (Condition condition : current == null ? List.<Condition>of() : current) {
      if (condition.getType().equals(type)) {
        found = true;
        if (value.equals(condition.getStatus())) {
          transition = condition.getLastTransitionTime();
        }
      } else {
        result.add(condition);
      }
    }
    if (!found && !status) {
      // An absent condition already reads as False; do not add noise.
      return result;
    }
    result.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
        .withObservedGeneration(observedGeneration).withLastTransitionTime(transition).build());
    result.sort((a, b) -> a.getType().compareTo(b.getType()));
    return result;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null && conditions.stream()
        .anyMatch(c -> c.getType().equals(type) && "True".equals(c.getStatus()));
  }
}
