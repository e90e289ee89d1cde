-- The text of every idea moderation has seen ("title\n\ndescription"), to find near-duplicates of a
-- new idea by trigram similarity (repository.similar_ideas).
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13, so the
-- database owner can create it without being superuser. `migrate` sets the search path to this
-- service's schema, so the extension's functions, `%` operator and gin_trgm_ops land in schema
-- "moderation", which is the only schema this service's connections search. A database has the
-- extension once: should another service ever need pg_trgm, move it to a schema both search.
create extension if not exists pg_trgm;

create table idea_texts (
    idea_id uuid primary key,
    text text not null,
    seen_at timestamptz default now()
);

-- Serves the `%` operator of similar_ideas, so a new idea is not compared with every text row by row.
create index idea_texts_text_trgm on idea_texts using gin (text gin_trgm_ops);
