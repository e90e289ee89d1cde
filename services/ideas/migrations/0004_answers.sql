-- The city's official answers to published ideas (issue 9): the idea's official status is the one
-- its latest answer set; every answer stays, as the idea's public history. The staff member who
-- answered is kept for accountability and never shown or announced.
alter table ideas add column official_status text check (official_status in
    ('under_evaluation', 'accepted', 'in_implementation', 'implemented', 'declined'));

create table answers (
    id uuid primary key,
    idea_id uuid not null references ideas (id) on delete cascade,
    official_status text not null,
    previous_status text,
    text text not null,
    answered_at timestamptz not null,
    answered_by uuid not null
);
create index answers_by_idea on answers (idea_id, answered_at, id);
