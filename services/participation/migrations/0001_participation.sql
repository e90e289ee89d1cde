-- Ideas as participation learned them from the public events: only published, visible ideas take
-- supports and comments. Status only moves forward (submitted < published < rejected), so events
-- arriving out of order end in the same state; hiding follows the latest hide/unhide by its time.
create table ideas (
    idea_id uuid primary key,
    status text not null default 'submitted' check (status in ('submitted', 'published', 'rejected')),
    title text,
    hidden boolean not null default false,
    visibility_changed_at timestamptz
);

-- One support per person and idea: the person is a keyed hash of a confirmed address, never the
-- address. The primary key makes concurrent confirmations of the same person count once.
create table supports (
    idea_id uuid not null references ideas (idea_id),
    person_key text not null,
    supported_at timestamptz not null default now(),
    primary key (idea_id, person_key)
);

-- Comments, threaded one level (parent_id names a top-level comment of the same idea).
create table comments (
    id uuid primary key,
    idea_id uuid not null references ideas (idea_id),
    parent_id uuid references comments (id),
    body text not null,
    author_name text,
    status text not null default 'submitted' check (status in ('submitted', 'in_review', 'posted', 'rejected')),
    hidden boolean not null default false,
    visibility_changed_at timestamptz,
    submitted_at timestamptz not null default now(),
    posted_at timestamptz
);
create index comments_by_idea on comments (idea_id, posted_at) where status = 'posted';
