-- Cases wait for a human: opened by an automatic "review" or by citizens' flags; one open case per idea.
create table cases (
    id uuid primary key,
    idea_id uuid not null,
    kind text not null check (kind in ('review', 'flags')),
    status text not null default 'open' check (status in ('open', 'decided')),
    reasons text[] not null,
    findings jsonb not null default '[]',
    opened_at timestamptz not null default now(),
    decided_at timestamptz,
    decision text,
    decision_reason text
);
create unique index cases_one_open_per_idea on cases (idea_id) where status = 'open';
create index cases_open_oldest_first on cases (opened_at) where status = 'open';

-- Ideas that are public, as moderation learned from idea.published: the only ones citizens may flag.
create table public_ideas (
    idea_id uuid primary key,
    hidden boolean not null default false
);

-- One flag per reporter and idea; the reporter is a keyed hash of their address, never the address.
create table flags (
    idea_id uuid not null,
    reporter_key text not null,
    reason text not null,
    flagged_at timestamptz not null default now(),
    primary key (idea_id, reporter_key)
);

-- Every decision, automatic or human: who, when, why. Append-only, enforced by the database.
create table audit_log (
    id bigserial primary key,
    idea_id uuid not null,
    case_id uuid,
    at timestamptz not null default now(),
    actor_kind text not null check (actor_kind in ('automatic', 'moderator', 'citizen')),
    actor_id uuid,
    actor_name text,
    action text not null,
    outcome text,
    reasons text[] not null default '{}',
    findings jsonb,
    note text
);
create index audit_log_by_idea on audit_log (idea_id, id);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the moderation audit log is append-only';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_is_append_only();

-- Automatic decisions made before this migration are part of the trail too.
insert into audit_log (idea_id, at, actor_kind, action, outcome, reasons, findings)
select idea_id, decided_at, 'automatic', 'automatic_decision', outcome, reasons, findings from decisions;
