package dev.spaceone.operator.query;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/** An authorizer for tests: a rule the test sets, and a log of what was asked. */
final class StubAuthorizer implements Authorizer {
  private volatile BiPredicate<UserInfo, AccessRequest> rule = (u, r) -> true;
  final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  final List<UserInfo> users = new CopyOnWriteArrayList<>();

  void set(BiPredicate<UserInfo, AccessRequest> rule) {
    this.rule = rule;
  }

  @Override
  public Decision authorize(UserInfo user, AccessRequest request) {
    asked.add(request);
    users.add(user);
    return rule.test(user, request) ? Decision.ALLOW : Decision.DENY;
  }
}
