-- One row per mail the platform owes someone. The unique key makes a redelivered event, or the
-- same event handled by two replicas, produce one mail.
create table mails (
    id uuid primary key,
    idea_id uuid not null,
    kind text not null,
    recipient text not null,
    subject text not null,
    body text not null,
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    unique (idea_id, kind)
);
create index mails_due on mails (next_attempt_at) where status = 'pending';
