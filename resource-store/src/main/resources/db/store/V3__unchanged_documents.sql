-- sha-256 of the document as the runner sent it (its JSON text): a resource seen again with the same document keeps
-- its stored jsonb, so the server does not parse it again (most of a collection's resources have not changed).
-- Rows written before this version have none and are rewritten once.
ALTER TABLE resource ADD COLUMN document_hash bytea;
-- The batch's lookup counts every hit of a probe: a row must not carry its first priority's probe (identity_hash)
-- again among its lower ones (two priorities asking the same; the writer no longer makes such probes).
DELETE FROM resource_match m USING resource r WHERE m.resource_id = r.id AND m.hash = r.identity_hash;
