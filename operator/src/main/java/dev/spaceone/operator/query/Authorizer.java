package dev.spaceone.operator.query;

/**
 * Decides whether a user may do something, as a Kubernetes authorizer does. The server's is
 * {@link SubjectAccessReviewAuthorizer}; tests may stub it.
 */
@FunctionalInterface
public interface Authorizer {
  /** The attributes of a resource request; {@code namespace} is empty for the cluster scope. */
  record AccessRequest(String verb, String group, String resource, String namespace) {
    public AccessRequest {
      namespace = namespace == null ? "" : namespace;
    }
  }

  /** An answer; {@code reason} may be empty. */
  record Decision(boolean allowed, String reason) {
    public static final Decision ALLOW = new Decision(true, "");
    public static final Decision DENY = new Decision(false, "");
  }

  Decision authorize(UserInfo user, AccessRequest request);

  /** Allows everything: for tests and benchmarks only. */
  static Authorizer allowAll() {
    return (user, request) -> Decision.ALLOW;
  }
}
