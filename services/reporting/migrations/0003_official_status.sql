-- Facts of issue 9 (services/reporting/projection.py: IdeaFacts): the process of an idea and the
-- city's answers. The service rebuilds idea_facts from event_log at start (PROJECTION_VERSION 3).
alter table idea_facts
    add column process_id text,
    add column official_status text,
    add column official_status_at timestamptz,
    add column official_answer_id uuid,
    add column first_answered_at timestamptz;
