package dev.spaceone.operator.query;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The item store of one of the operator's informers, which also feeds the query API's records: the query
 * API reads the operator's own caches, with no informer or list of its own. Every object the informer
 * stores or drops reaches the {@link RecordStore} at the same moment.
 */
public final class RecordFeed<T extends HasMetadata> implements ItemStore<T> {
  private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final Consumer<T> put;
  private final BiConsumer<String, String> remove;

  private RecordFeed(Consumer<T> put, BiConsumer<String, String> remove) {
    this.put = put;
    this.remove = remove;
  }

  public static RecordFeed<dev.spaceone.operator.api.v1alpha1.Job> jobs(RecordStore store) {
    return new RecordFeed<>(store::putJob, store::removeJob);
  }

  public static RecordFeed<dev.spaceone.operator.api.v1alpha1.JobTask> tasks(RecordStore store) {
    return new RecordFeed<>(store::putTask, store::removeTask);
  }

  @Override
  public String getKey(T obj) {
    return items.getKey(obj);
  }

  @Override
  public T put(String key, T obj) {
    T previous = items.put(key, obj);
    put.accept(obj);
    return previous;
  }

  @Override
  public T remove(String key) {
    T removed = items.remove(key);
    if (removed != null) {
      remove.accept(removed.getMetadata().getNamespace(), removed.getMetadata().getName());
    }
    return removed;
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<T> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }
}
