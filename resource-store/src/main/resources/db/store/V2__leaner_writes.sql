-- Leaner writes (benchmark: index maintenance was a good part of the server's work per resource):
-- a task's counts now use resource_scope (rows a task writes carry its domain, collector and Secret), so the index
-- on (last_seen_job, last_seen_task), changed by every run, goes; that also lets an update stay a HOT update.
DROP INDEX resource_last_seen;
-- resource_match keeps only the probes of lower priorities: a resource's first usable priority is its
-- identity_hash, which has its own unique index; lookups search both.
DELETE FROM resource_match m USING resource r WHERE m.resource_id = r.id AND m.hash = r.identity_hash;
DROP INDEX resource_scope;
CREATE INDEX resource_scope ON resource (domain_id, collector_id, secret_id);
-- Room on each page for the next version of a row: an update of a resource (every run sees most of them again)
-- then stays on its page and touches no index.
ALTER TABLE resource SET (fillfactor = 70);
