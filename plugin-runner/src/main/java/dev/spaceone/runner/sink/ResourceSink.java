package dev.spaceone.runner.sink;

/**
 * Where collected records go (task.json "sink": none, log, postgres). The sink, not the runner, decides whether a
 * record is new or known, because only a store remembers earlier runs.
 */
public interface ResourceSink extends AutoCloseable {
  enum Upsert { CREATED, UPDATED }

  /** Keeps one record. Throws {@link SinkException} when this one record cannot be kept (it becomes a failure). */
  Upsert accept(CollectedRecord record) throws SinkException;

  /**
   * Called once, after every sub-task of the task ended with no failure (SpaceONE computes deleted and
   * disconnected only then): the resources of this collector and secret that were not seen.
   */
  Cleanup finishSuccessful() throws SinkException;

  @Override
  void close();

  /** Deleted and disconnected counts of {@link #finishSuccessful()}. */
  record Cleanup(long deleted, long disconnected) {
    public static final Cleanup NONE = new Cleanup(0, 0);
  }
}
