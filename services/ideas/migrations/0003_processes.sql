-- Participation processes (issue 9): every idea belongs to one. `standing` always exists and takes
-- every idea submitted without a process. Dates are the city's calendar days (CITY_TIMEZONE), both
-- inclusive; null means no limit on that side. An empty `categories` means every configured category.
create table processes (
    id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{2,59}$'),
    title text not null,
    description text not null,
    categories text[] not null default '{}',
    opens_on date,
    closes_on date,
    created_at timestamptz not null default now(),
    check (closes_on is null or opens_on is null or closes_on >= opens_on)
);
insert into processes (id, title, description) values
    ('standing', 'Ideen für Gütersloh', 'Die ständige Ideensammlung: jederzeit offen, für jedes Thema.');

alter table ideas add column process_id text not null default 'standing' references processes (id);
create index ideas_process on ideas (process_id);

-- Ideas that staff submitted for a citizen at a service desk. Who did it and when the citizen agreed
-- are kept for accountability and are never shown or announced.
alter table ideas add column assisted boolean not null default false;
create table assisted_submissions (
    idea_id uuid primary key references ideas (id) on delete cascade,
    staff_user_id uuid not null,
    consent_given_at timestamptz not null
);
