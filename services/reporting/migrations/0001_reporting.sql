-- Reporting's own log of every event it received: the projections below are derived from it and
-- can be rebuilt from it.
create table event_log (
    event_id uuid primary key,
    event_type text not null,
    occurred_at timestamptz not null,
    data jsonb not null,
    received_at timestamptz not null default now()
);

-- One row per idea, in whatever order its events arrive.
create table idea_facts (
    idea_id uuid primary key,
    category text,
    district text,
    status text not null default 'submitted',
    submitted_at timestamptz,
    decided_at timestamptz
);
