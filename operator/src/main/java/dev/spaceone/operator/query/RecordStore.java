package dev.spaceone.operator.query;

import dev.spaceone.operator.api.v1alpha1.Job;
import dev.spaceone.operator.api.v1alpha1.JobTask;
import dev.spaceone.query.RecordTable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query API's data: one SpaceONE record per Job and per JobTask, in a {@link RecordTable} per resource
 * (the records plus columns of their low-cardinality and count keys, for scans). The operator's own informers
 * feed it through {@link RecordFeed} as they store or drop an object, so each change converts one object once
 * and updates its columns in place; a query reads the records of the namespaces it may see, never lists from
 * the API server, never converts objects and never copies the columns.
 */
public final class RecordStore {
  /** The query API's name for Job records. */
  public static final String JOBS = "jobs";
  /** The query API's name for JobTask records. */
  public static final String JOBTASKS = "jobtasks";

  private final RecordTable jobs = new RecordTable("namespace", Records.JOB_TEXT_KEYS, Records.JOB_NUMBER_KEYS);
  private final RecordTable tasks = new RecordTable("namespace", Records.TASK_TEXT_KEYS, Records.TASK_NUMBER_KEYS);

  public void putJob(Job job) {
    jobs.put(id(job.getMetadata().getNamespace(), job.getMetadata().getName()), Records.job(job));
  }

  public void removeJob(String namespace, String name) {
    jobs.remove(id(namespace, name));
  }

  public void putTask(JobTask task) {
    tasks.put(id(task.getMetadata().getNamespace(), task.getMetadata().getName()), Records.task(task));
  }

  public void removeTask(String namespace, String name) {
    tasks.remove(id(namespace, name));
  }

  /** The records of a resource ({@link #JOBS} or {@link #JOBTASKS}) in the given namespaces, for one query. */
  public RecordTable.Scope scope(String resource, Collection<String> namespaces) {
    return table(resource).scope(namespaces);
  }

  /**
   * The records of a resource in the given namespaces, in no particular order. The list is the caller's; the
   * records are shared and unmodifiable.
   */
  public List<Map<String, Object>> records(String resource, Collection<String> namespaces) {
    return scope(resource, namespaces).records();
  }

  /** The namespaces that hold at least one Job or JobTask record, sorted. */
  public Set<String> namespaces() {
    Set<String> all = new TreeSet<>(jobs.partitions());
    all.addAll(tasks.partitions());
    return all;
  }

  /** How many records of a resource the store holds. */
  public int size(String resource) {
    return table(resource).size();
  }

  private RecordTable table(String resource) {
    return switch (resource) {
      case JOBS -> jobs;
      case JOBTASKS -> tasks;
      default -> throw new IllegalArgumentException("unknown resource " + resource);
    };
  }

  private static String id(String namespace, String name) {
    return namespace + "/" + name;
  }
}
