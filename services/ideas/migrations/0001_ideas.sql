create table ideas (
    id uuid primary key,
    title text not null,
    description text not null,
    category text not null,
    district text,
    status text not null check (status in ('submitted', 'in_review', 'published', 'rejected')),
    rejection_reasons text[] not null default '{}',
    submitted_at timestamptz not null,
    published_at timestamptz,
    decided_at timestamptz
);
create index ideas_published on ideas (published_at desc, id) where status = 'published';

-- Personal data lives apart from the idea, so that no public query can reach it by accident.
create table contacts (
    idea_id uuid primary key references ideas (id) on delete cascade,
    name text,
    email text
);

create table idempotency_keys (
    key text primary key,
    request_fingerprint text not null,
    idea_id uuid not null references ideas (id) on delete cascade,
    created_at timestamptz not null default now()
);
