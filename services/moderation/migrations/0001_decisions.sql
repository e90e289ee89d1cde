create table decisions (
    idea_id uuid primary key,
    outcome text not null check (outcome in ('approve', 'reject', 'review')),
    reasons text[] not null,
    findings jsonb not null,
    actor_kind text not null,
    decided_at timestamptz not null default now()
);
