package dev.spaceone.store;

import java.util.List;

/**
 * A task's counts, read from the table (never summed while streaming, so retries and duplicates count once):
 * {@code created} CloudServices this task saw that this Job saw first, {@code updated} those first seen by an
 * earlier Job, {@code disconnected} / {@code deleted} those of the same collector, Secret and provider this Job
 * did not see (only after a successful task), and the resources the store refused.
 */
public record TaskCounts(long created, long updated, long disconnected, long deleted,
    List<ResourceFailure> failures) {
}
