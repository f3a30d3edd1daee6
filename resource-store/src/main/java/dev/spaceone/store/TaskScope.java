package dev.spaceone.store;

/**
 * Who is writing: the task's identity fields from task.json. {@code jobKey} must differ between two runs of
 * a Job (a re-created Job with the same name is another run), and be the same for every attempt of one run:
 * the runner uses the Job's uid. {@code provider} null means any provider.
 */
public record TaskScope(String domainId, String collectorId, String secretId, String serviceAccountId,
    String provider, String jobKey, String jobTaskId) {

  public TaskScope {
    domainId = domainId == null ? "" : domainId;
    collectorId = collectorId == null ? "" : collectorId;
    secretId = secretId == null ? "" : secretId;
    provider = provider == null || provider.isBlank() ? null : provider;
    if (jobKey == null || jobKey.isBlank() || jobTaskId == null || jobTaskId.isBlank()) {
      throw new IllegalArgumentException("a store task needs a job key and a job task id");
    }
  }
}
