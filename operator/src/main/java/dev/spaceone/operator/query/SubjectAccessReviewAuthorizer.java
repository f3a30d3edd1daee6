package dev.spaceone.operator.query;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorizes with a SubjectAccessReview, as an aggregated API server must. Answers (allow and
 * deny) are cached for a short time in a bounded LRU map; failed reviews are not cached and deny.
 */
public final class SubjectAccessReviewAuthorizer implements Authorizer, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SubjectAccessReviewAuthorizer.class);

  private record Key(UserInfo user, AccessRequest request) {
  }

  private record Entry(Decision decision, long expiresAtMillis) {
  }

  private final KubernetesClient client;
  private final long ttlMillis;
  private final Clock clock;
  private final Map<Key, Entry> cache;

  /**
   * Reviews through a client of its own, made from {@code client}'s configuration without retries and
   * with a 5 s timeout: a request waits for its answer, so a failing review must fail fast (and deny).
   */
  public SubjectAccessReviewAuthorizer(KubernetesClient client, Duration ttl, int maxEntries, Clock clock) {
    this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withRequestRetryBackoffLimit(0).withRequestTimeout(5000).build()).build();
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
    this.cache = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  @Override
  public Decision authorize(UserInfo user, AccessRequest request) {
    Key key = new Key(user, request);
    long now = clock.millis();
    synchronized (cache) {
      Entry e = cache.get(key);
      if (e != null && e.expiresAtMillis() > now) {
        return e.decision();
      }
    }
    Decision decision;
    try {
      decision = review(user, request);
    } catch (RuntimeException e) {
      LOG.warn("SubjectAccessReview failed for user {}: {}", user.name(), e.toString());
      return new Decision(false, "the authorizer could not be reached");
    }
    if (ttlMillis > 0) {
      synchronized (cache) {
        cache.put(key, new Entry(decision, now + ttlMillis));
      }
    }
    return decision;
  }

  private Decision review(UserInfo user, AccessRequest request) {
    SubjectAccessReview sar = new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(user.name())
        .withGroups(user.groups())
        .withExtra(user.extra().isEmpty() ? null : user.extra())
        .withNewResourceAttributes()
        .withVerb(request.verb())
        .withGroup(request.group())
        .withResource(request.resource())
        .withNamespace(request.namespace().isEmpty() ? null : request.namespace())
        .endResourceAttributes()
        .endSpec()
        .build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(sar);
    SubjectAccessReviewStatus status = answer == null ? null : answer.getStatus();
    if (status == null) {
      return Decision.DENY;
    }
    boolean allowed = Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
    String reason = status.getReason() == null ? "" : status.getReason();
    return new Decision(allowed, reason);
  }

  @Override
  public void close() {
    client.close();
  }

  /** Cached answers, for tests. */
  int cacheSize() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
