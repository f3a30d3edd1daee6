package dev.spaceone.runner.sink;

import dev.spaceone.runner.result.ErrorInfo;
import java.util.List;

/**
 * Where collected records go (task.json "sink": none, log, postgres). The sink, not the runner, decides what is
 * new, known, disconnected or deleted, because only a store remembers earlier runs; it tells at {@link #finish}, so
 * that a store can count from what it holds (a record streamed twice, or a retried attempt, counts once).
 */
public interface ResourceSink extends AutoCloseable {
  /**
   * Takes one record. Throws {@link SinkException}: with {@link SinkException#recordOnly()} this one record
   * becomes a failure; otherwise the sink as a whole failed and so does the task.
   */
  void accept(CollectedRecord record) throws SinkException;

  /**
   * Ends the task's records and returns its counts. {@code collectionSucceeded}: every sub-task's stream ended and
   * no record failed; only then are the unseen resources of this collector, secret and provider disconnected or
   * deleted (as SpaceONE computes them only for a task without failures).
   */
  Counts finish(boolean collectionSucceeded) throws SinkException;

  @Override
  void close();

  /** Counted records first seen by this Job / seen before, what a successful task left unseen, and the records
   * the sink refused (each a failure). */
  record Counts(long created, long updated, long deleted, long disconnected, List<ErrorInfo> failures) {
  }
}
