-- Comments are moderated like ideas: the same rules, the same review queue, flags and audit trail.
-- A case's subject is an idea or a comment; a comment's case also names the comment's idea.
alter table cases add column subject_type text not null default 'idea' check (subject_type in ('idea', 'comment'));
alter table cases add column comment_id uuid;
alter table cases add constraint cases_comment_subject check ((subject_type = 'comment') = (comment_id is not null));
drop index cases_one_open_per_idea;
create unique index cases_one_open_per_idea on cases (idea_id) where status = 'open' and subject_type = 'idea';
create unique index cases_one_open_per_comment on cases (comment_id) where status = 'open' and subject_type = 'comment';

-- The trail of a comment: its entries name the comment (and its idea); an idea's own trail has none.
alter table audit_log add column comment_id uuid;
create index audit_log_by_comment on audit_log (comment_id, id) where comment_id is not null;

-- Every comment moderation has seen: its text (shown in its case), whether it is posted (only posted
-- comments can be flagged) and hidden.
create table comments (
    comment_id uuid primary key,
    idea_id uuid not null,
    text text not null,
    posted boolean not null default false,
    hidden boolean not null default false,
    seen_at timestamptz not null default now()
);

-- One flag per reporter and comment; the reporter is a keyed hash of their address.
create table comment_flags (
    comment_id uuid not null,
    reporter_key text not null,
    reason text not null,
    flagged_at timestamptz not null default now(),
    primary key (comment_id, reporter_key)
);
