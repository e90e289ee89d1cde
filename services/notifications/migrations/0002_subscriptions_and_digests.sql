-- Mails of every kind, in two languages, to submitters, followers, digest subscribers and moderators.
-- `dedup_key` names the mail's cause and recipient (e.g. `receipt:<idea>`, `follower_update:<follower>:
-- idea.hidden:<time>`): however often an event arrives, and at however many replicas, it owes one mail.
alter table mails drop constraint mails_idea_id_kind_key;
alter table mails alter column idea_id drop not null;  -- digests and moderator alerts are about no one idea
alter table mails rename column body to text_body;
alter table mails add column html_body text not null default '';
alter table mails alter column html_body drop default;
alter table mails add column dedup_key text;
update mails set dedup_key = kind || ':' || idea_id || ':' || lower(recipient);
alter table mails alter column dedup_key set not null;
alter table mails add constraint mails_dedup_key unique (dedup_key);
-- What unsubscribing from this mail ends: `idea:<id>` (the submitter's mails about the idea),
-- `follower:<id>`, `digest:<id>` or `moderator_alerts`.
alter table mails add column list_id text not null default 'legacy';
alter table mails alter column list_id drop default;
alter table mails drop constraint mails_status_check;
alter table mails add constraint mails_status_check
    check (status in ('pending', 'sent', 'failed', 'cancelled'));
-- The per-recipient rate limit counts what was sent to an address lately.
create index mails_sent_to on mails (lower(recipient), sent_at) where status = 'sent';

-- Someone who asked for news about an idea; mailed only once `confirmed_at` is set (double opt-in).
create table followers (
    id uuid primary key,
    idea_id uuid not null,
    email text not null,
    locale text not null,
    idea_title text not null,
    created_at timestamptz not null default now(),
    confirmed_at timestamptz
);
create unique index followers_once on followers (idea_id, lower(email));

-- Someone who asked for a daily digest of the ideas published in a category (double opt-in too).
-- `covered_until`: ideas published up to then were in an earlier digest (or before confirmation).
create table digest_subscriptions (
    id uuid primary key,
    category text not null,
    email text not null,
    locale text not null,
    created_at timestamptz not null default now(),
    confirmed_at timestamptz,
    covered_until timestamptz
);
create unique index digest_subscriptions_once on digest_subscriptions (category, lower(email));
create index digest_subscriptions_due on digest_subscriptions (covered_until) where confirmed_at is not null;

-- What the digests list: public facts of published ideas, from idea.published (hidden ones drop out).
-- Digests go by `recorded_at`, when notifications learnt of the idea, so a late event is not missed.
create table published_ideas (
    idea_id uuid primary key,
    title text not null,
    category text not null,
    published_at timestamptz not null,
    recorded_at timestamptz not null default now(),
    hidden boolean not null default false
);
create index published_ideas_by_category on published_ideas (category, recorded_at);

-- Cases waiting for a moderator, from moderation.review_requested; `alerted_at` once a batch named it.
create table waiting_cases (
    case_id uuid primary key,
    idea_id uuid not null,
    reasons text[] not null,
    requested_at timestamptz not null,
    alerted_at timestamptz
);
create index waiting_cases_unalerted on waiting_cases (requested_at) where alerted_at is null;

-- One row: when the last moderator alert went out. Replicas lock it, so one batch per interval.
create table moderator_alert_clock (
    only_row boolean primary key default true check (only_row),
    last_sent_at timestamptz  -- null: never
);
insert into moderator_alert_clock default values;

-- Unsubscribed lists, by a keyed hash of the address (aufbruch.pseudonyms), not the address itself.
create table opt_outs (
    recipient_key text not null,
    list_id text not null,
    created_at timestamptz not null default now(),
    primary key (recipient_key, list_id)
);
