-- The PostgreSQL transport of domain events (PostgresStreamsEventBus): Redis
-- Streams' model in tables. Applied by the bus itself on first use, into the
-- schema its EVENTS_DATABASE_URL names (`events` by default).

-- A stream's last id: publishers take contiguous ids by updating this row,
-- which serialises them, so ids become visible in id order.
CREATE TABLE event_stream (
    stream  TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL
);

CREATE TABLE event_entry (
    stream   TEXT NOT NULL,
    id       BIGINT NOT NULL,
    -- json, not jsonb: kept as published, byte for byte.
    event    JSON NOT NULL,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, id)
);

-- A consumer group's cursor: the id of the last entry it handed out.
CREATE TABLE event_group (
    stream            TEXT NOT NULL,
    consumer_group    TEXT NOT NULL,
    last_delivered_id BIGINT NOT NULL,
    PRIMARY KEY (stream, consumer_group)
);

-- Entries handed to a consumer and not yet acknowledged. The consumer's
-- session (backend pid and start) tells whether it is still alive.
CREATE TABLE event_pending (
    stream           TEXT NOT NULL,
    consumer_group   TEXT NOT NULL,
    entry_id         BIGINT NOT NULL,
    consumer         TEXT NOT NULL,
    consumer_pid     INTEGER NOT NULL,
    consumer_started TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    deliveries       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (stream, consumer_group, entry_id)
);

CREATE INDEX event_pending_consumer_idx ON event_pending (stream, consumer_group, consumer, entry_id);
-- Trimming keeps entries still pending in any group.
CREATE INDEX event_pending_entry_idx ON event_pending (stream, entry_id);
