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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
  private final QueryServer query;
  private final ManagementServer management;

  private StandaloneQueryApi(KubernetesClient client, Set<String> namespaces, QueryServerConfig config,
      int managementPort, Clock clock) throws IOException {
    inform(client.resources(Job.class), namespaces, () -> RecordFeed.jobs(records));
    inform(client.resources(JobTask.class), namespaces, () -> RecordFeed.tasks(records));
    query = QueryServer.start(config, client, records, clock);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    management = managementPort < 0 ? null
        : new ManagementServer(managementPort, registry::scrape, this::synced);
  }

  /** Starts the informers and both servers; close to stop them. */
  public static StandaloneQueryApi start(KubernetesClient client, Set<String> namespaces, QueryServerConfig config,
      int managementPort, Clock clock) {
    try {
      StandaloneQueryApi api = new StandaloneQueryApi(client, namespaces, config, managementPort, clock);
      LOG.info("query API started on its own; informing on {}", namespaces.isEmpty() ? "all namespaces" : namespaces);
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T extends HasMetadata, L> void inform(MixedOperation<T, L, Resource<T>> resources, Set<String> namespaces,
      Supplier<ItemStore<T>> store) {
    if (namespaces.isEmpty()) {
      informers.add(start(resources.inAnyNamespace().runnableInformer(0), store.get()));
    } else {
      for (String ns : namespaces) {
        informers.add(start(resources.inNamespace(ns).runnableInformer(0), store.get()));
      }
    }
  }

  private static <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer, ItemStore<T> store) {
    informer.itemStore(store);
    informer.start();
    return informer;
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
    query.close();
    if (management != null) {
      management.close();
    }
    informers.forEach(SharedIndexInformer::close);
  }
}
