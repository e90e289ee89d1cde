-- Every service's messaging tables: the transactional outbox of the events it produces and the
-- record of events it has consumed (so that a redelivered event changes nothing).
create table outbox (
    id bigserial primary key,
    event_id uuid not null unique,
    event_type text not null,
    body jsonb not null,
    created_at timestamptz not null default now(),
    published_at timestamptz
);
create index outbox_pending on outbox (id) where published_at is null;

create table processed_events (
    event_id uuid primary key,
    event_type text not null,
    processed_at timestamptz not null default now()
);
