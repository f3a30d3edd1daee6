package dev.spaceone.operator.runtime;

import dev.spaceone.operator.event.EventRecorder;
import dev.spaceone.operator.job.JobReconciler;
import dev.spaceone.operator.jobtask.JobTaskReconciler;
import dev.spaceone.operator.metrics.OperatorMetrics;
import dev.spaceone.operator.query.RecordFeed;
import dev.spaceone.operator.query.RecordStore;
import dev.spaceone.operator.settings.OperatorSettings;
import dev.spaceone.operator.status.StatusRecorder;
import dev.spaceone.operator.desired.PluginPortPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running operator: both controllers, metrics and the management endpoint, configured the same way in
 * a cluster, in the sandbox and in tests.
 */
public final class SpaceOneOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceOneOperator.class);
  private final Operator operator;
  private final JobReconciler jobReconciler;
  private final JobTaskReconciler jobTaskReconciler;
  private final PrometheusMeterRegistry registry;
  private final ManagementServer management;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final RecordStore records;

  private SpaceOneOperator(KubernetesClient client, OperatorSettings settings, RecordStore records, Clock clock) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String identity = settings.identity();
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Statuses are written with update + resourceVersion by StatusRecorder; nothing needs server-side apply.
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10))
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      if (settings.leaderElection()) {
        // A leader that loses its Lease exits, so that the pod restarts as a follower; one that is being
        // closed does not.
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> LOG.info("leading as {}", identity), () -> {
          if (!closing.get()) {
            LOG.error("lost the leader Lease; exiting so that another replica leads");
            System.exit(1);
          }
        }, leader -> LOG.info("leader is {}", leader));
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME,
            settings.leaseNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity, callbacks, false));
      }
    });
    StatusRecorder statusRecorder = new StatusRecorder(client);
    EventRecorder events = new EventRecorder(client, identity, clock);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    PluginPortPolicy portPolicy = new PluginPortPolicy();
    jobTaskReconciler = new JobTaskReconciler(settings, statusRecorder, events, metrics, clock, portPolicy);
    jobReconciler = new JobReconciler(settings, statusRecorder, events, clock, portPolicy);
    operator.register(jobReconciler, o -> {
      if (!settings.watchNamespaces().isEmpty()) {
        o.settingNamespaces(settings.watchNamespaces());
      }
      o.withItemStore(RecordFeed.jobs(records));
    });
    operator.register(jobTaskReconciler, o -> {
      if (!settings.watchNamespaces().isEmpty()) {
        o.settingNamespaces(settings.watchNamespaces());
      }
      o.withItemStore(RecordFeed.tasks(records));
    });
    this.records = records;
    try {
      management = settings.managementPort() < 0 ? null : new ManagementServer(settings.managementPort(),
          registry::scrape, () -> operator.getRuntimeInfo().isStarted()
              && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    } catch (IOException e) {
      throw new UncheckedIOException("management port " + settings.managementPort() + " is not free", e);
    }
  }

  /**
   * Starts the operator; returns once its caches are filled (or, with leader election, once it waits). Every
   * timestamp and deadline reads {@code clock}.
   */
  public static SpaceOneOperator start(KubernetesClient client, OperatorSettings settings, Clock clock) {
    SpaceOneOperator running = new SpaceOneOperator(client, settings, new RecordStore(), clock);
    try {
      running.operator.start();
    } catch (RuntimeException e) {
      // The management server's threads would keep a JVM that cannot reconcile alive.
      running.closeAfterFailedStart(e);
      throw e;
    }
    LOG.info("operator started; watching {}", settings.watchNamespaces().isEmpty() ? "all namespaces"
        : settings.watchNamespaces());
    return running;
  }

  /** The port of /metrics, /healthz and /readyz, or -1 when disabled. */
  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  /** The query API's records of every Job and JobTask, fed by the operator's own informers. */
  public RecordStore records() {
    return records;
  }

  /** The JobTask reconciler, for tests that reach into its wake-ups. */
  public JobTaskReconciler jobTaskReconciler() {
    return jobTaskReconciler;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private void closeAfterFailedStart(RuntimeException failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
    jobReconciler.close();
    jobTaskReconciler.close();
    if (management != null) {
      management.close();
    }
    LOG.info("operator stopped");
  }
}
