package dev.spaceone.operator.runtime;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.operator.query.QueryServer;
import dev.spaceone.operator.query.QueryServerConfig;
import dev.spaceone.operator.query.RecordFeed;
import dev.spaceone.operator.query.RecordStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API as its own process (the chart's {@code queryApi.separateDeployment}): its own
 * informers on Jobs and JobTasks feed its own {@link RecordStore}, so queries share neither CPU, heap
 * nor caches with the operator. It reconciles nothing and takes no Lease; every replica serves.
 */
public final class StandaloneQueryApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneQueryApi.class);

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final RecordStore records = new RecordStore();
  /** How long the first list of Jobs and JobTasks may take (JOSDK's default cache sync timeout). */
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

  private QueryServer query;
  private ManagementServer management;

  private StandaloneQueryApi() {
  }

  private void open(KubernetesClient client, Set<String> namespaces, QueryServerConfig config, int managementPort,
      Clock clock, Duration syncTimeout) throws IOException {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    synced.addAll(inform(client.resources(Job.class), namespaces, () -> RecordFeed.jobs(records)));
    synced.addAll(inform(client.resources(JobTask.class), namespaces, () -> RecordFeed.tasks(records)));
    query = QueryServer.start(config, client, records, clock);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    management = managementPort < 0 ? null
        : new ManagementServer(managementPort, registry::scrape, this::synced);
    // As the operator (JOSDK stops on an informer error during start-up): a first list that fails (CRDs
    // missing, forbidden, API server unreachable) fails the start instead of an unready pod that never says why.
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
          .get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("listing Jobs and JobTasks failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Jobs and JobTasks were not listed within " + syncTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Jobs and JobTasks", e);
    }
  }

  /**
   * Starts the informers and both servers and returns once the informers have listed; close to stop them. A
   * failure closes what was started and is thrown.
   */
  public static StandaloneQueryApi start(KubernetesClient client, Set<String> namespaces, QueryServerConfig config,
      int managementPort, Clock clock) {
    StandaloneQueryApi api = new StandaloneQueryApi();
    try {
      api.open(client, namespaces, config, managementPort, clock, SYNC_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      RuntimeException failure = e instanceof RuntimeException r ? r : new UncheckedIOException(e.getMessage(),
          (IOException) e);
      try {
        api.close();
      } catch (RuntimeException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
    LOG.info("query API started on its own; informing on {}", namespaces.isEmpty() ? "all namespaces" : namespaces);
    return api;
  }

  private <T extends HasMetadata, L> List<CompletableFuture<Void>> inform(MixedOperation<T, L, Resource<T>> resources,
      Set<String> namespaces, Supplier<ItemStore<T>> store) {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    if (namespaces.isEmpty()) {
      synced.add(start(resources.inAnyNamespace().runnableInformer(0), store.get()));
    } else {
      for (String ns : namespaces) {
        synced.add(start(resources.inNamespace(ns).runnableInformer(0), store.get()));
      }
    }
    return synced;
  }

  private <T> CompletableFuture<Void> start(SharedIndexInformer<T> informer, ItemStore<T> store) {
    informer.itemStore(store);
    informers.add(informer);
    return informer.start().toCompletableFuture();
  }

  /** Ready once every informer has listed. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  public RecordStore records() {
    return records;
  }

  public int queryPort() {
    return query.port();
  }

  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  @Override
  public void close() {
    if (query != null) {
      query.close();
    }
    if (management != null) {
      management.close();
    }
    informers.forEach(SharedIndexInformer::close);
  }
}
