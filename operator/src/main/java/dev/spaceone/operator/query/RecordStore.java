package dev.spaceone.operator.query;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The query API's data: one SpaceONE record per Job and per JobTask, kept per namespace. The operator's own
 * informers feed it through {@link RecordFeed} as they store or drop an object, so each change converts one
 * object once; a query only collects the records of the namespaces it may see, never lists from the API
 * server and never converts objects.
 */
public final class RecordStore {
  /** The query API's name for Job records. */
  public static final String JOBS = "jobs";
  /** The query API's name for JobTask records. */
  public static final String JOBTASKS = "jobtasks";

  private final Table jobs = new Table();
  private final Table tasks = new Table();

  public void putJob(Job job) {
    jobs.put(job.getMetadata().getNamespace(), job.getMetadata().getName(), Records.job(job));
  }

  public void removeJob(String namespace, String name) {
    jobs.remove(namespace, name);
  }

  public void putTask(JobTask task) {
    tasks.put(task.getMetadata().getNamespace(), task.getMetadata().getName(), Records.task(task));
  }

  public void removeTask(String namespace, String name) {
    tasks.remove(namespace, name);
  }

  /**
   * The records of a resource ({@link #JOBS} or {@link #JOBTASKS}) in the given namespaces, in no
   * particular order. The list is the caller's; the records are shared and unmodifiable.
   */
  public List<Map<String, Object>> records(String resource, Collection<String> namespaces) {
    return table(resource).records(namespaces);
  }

  /** The namespaces that hold at least one Job or JobTask record, sorted. */
  public Set<String> namespaces() {
    Set<String> all = new TreeSet<>(jobs.namespaces());
    all.addAll(tasks.namespaces());
    return all;
  }

  /** How many records of a resource the store holds. */
  public int size(String resource) {
    return table(resource).size();
  }

  private Table table(String resource) {
    return switch (resource) {
      case JOBS -> jobs;
      case JOBTASKS -> tasks;
      default -> throw new IllegalArgumentException("unknown resource " + resource);
    };
  }

  /** Records of one resource: namespace -> name -> record. */
  private static final class Table {
    private final Map<String, Map<String, Map<String, Object>>> byNamespace = new ConcurrentHashMap<>();

    void put(String namespace, String name, Map<String, Object> record) {
      // compute, not computeIfAbsent + put: remove() may drop an emptied namespace concurrently.
      byNamespace.compute(namespace, (ns, records) -> {
        Map<String, Map<String, Object>> out = records == null ? new ConcurrentHashMap<>() : records;
        out.put(name, record);
        return out;
      });
    }

    void remove(String namespace, String name) {
      byNamespace.computeIfPresent(namespace, (ns, records) -> {
        records.remove(name);
        return records.isEmpty() ? null : records;
      });
    }

    List<Map<String, Object>> records(Collection<String> namespaces) {
      int size = 0;
      List<Map<String, Map<String, Object>>> parts = new ArrayList<>();
      for (String ns : namespaces) {
        Map<String, Map<String, Object>> records = byNamespace.get(ns);
        if (records != null) {
          parts.add(records);
          size += records.size();
        }
      }
      List<Map<String, Object>> out = new ArrayList<>(size + 16);
      parts.forEach(records -> out.addAll(records.values()));
      return out;
    }

    Set<String> namespaces() {
      return byNamespace.keySet();
    }

    int size() {
      return byNamespace.values().stream().mapToInt(Map::size).sum();
    }
  }
}
