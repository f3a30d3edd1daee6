-- One row per resource identity, as SpaceONE's inventory service matches it (see ResourceIdentity).
CREATE TABLE resource (
    id                  bigserial PRIMARY KEY,
    domain_id           text        NOT NULL,
    resource_type       text        NOT NULL,              -- inventory.CloudService | inventory.CloudServiceType | inventory.Region
    provider            text,
    cloud_service_group text,
    cloud_service_type  text,
    name                text,
    -- sha-256 of (domain, resource type, the key values of the first usable match_rules priority); unique, so two
    -- writers racing on a new resource make one row.
    identity_hash       bytea       NOT NULL UNIQUE,
    -- that priority's keys and values, for people: {"priority": 1, "keys": {"reference.resource_id": "..."}}
    identity            jsonb       NOT NULL,
    document            jsonb       NOT NULL,
    collector_id        text        NOT NULL,
    secret_id           text        NOT NULL,
    service_account_id  text,
    first_seen_job      text        NOT NULL,
    first_seen_task     text        NOT NULL,
    last_seen_job       text        NOT NULL,
    last_seen_task      text        NOT NULL,
    state               text        NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'DISCONNECTED', 'DELETED')),
    -- successful collections in a row, of the same collector / secret / provider, that did not see the resource
    miss_count          integer     NOT NULL DEFAULT 0,
    -- the Job that last counted a miss: a finished task finalized again (retry, restarted runner) counts none twice
    last_missed_job     text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- a task's counts
CREATE INDEX resource_last_seen ON resource (last_seen_job, last_seen_task);
-- what a successful task marks disconnected, and reports
CREATE INDEX resource_scope ON resource (collector_id, secret_id, provider);

-- One row per usable priority of a resource's current match_rules: what SpaceONE's match query would find.
CREATE TABLE resource_match (
    hash        bytea  NOT NULL,
    resource_id bigint NOT NULL REFERENCES resource ON DELETE CASCADE,
    PRIMARY KEY (hash, resource_id)
);
CREATE INDEX resource_match_resource ON resource_match (resource_id);

-- Documents of a few KiB stay in the row, uncompressed: writing them is then one heap tuple, no TOAST work.
ALTER TABLE resource SET (toast_tuple_target = 8160);
