-- The facts behind the figures of issue 5 (services/reporting/projection.py: IdeaFacts). Rows
-- written before this migration lack them: the service rebuilds idea_facts from event_log at start
-- when the stored projection version differs (projection_state below), as `rebuild` does by hand.
alter table idea_facts
    add column author_key text,
    add column title text,
    add column description text,
    add column published_at timestamptz,
    add column rejected_at timestamptz,
    add column rejection_reasons text[] not null default '{}',
    add column reviewed boolean not null default false,
    add column decision text,
    add column decision_actor text,
    add column decision_reasons text[] not null default '{}',
    add column hidden_at timestamptz,
    add column unhidden_at timestamptz;
-- decided_at now means the settling decision's time (moderation.decided approve/reject).
comment on column idea_facts.decided_at is 'time of the earliest approve/reject moderation.decided';

create index idea_facts_submitted_at on idea_facts (submitted_at);
create index idea_facts_published_at on idea_facts (published_at);
-- A rebuild replays the log in this order; the summary counts notifications and hides from it.
create index event_log_replay_order on event_log (occurred_at, event_id);
create index event_log_by_type on event_log (event_type);

-- Which version of the projection code built idea_facts (one row).
create table projection_state (
    singleton boolean primary key default true check (singleton),
    version integer not null,
    rebuilt_at timestamptz not null default now(),
    events integer not null
);
