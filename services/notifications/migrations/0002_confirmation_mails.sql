-- Mails that ask a citizen to confirm something they asked for (a support). Not about an idea's
-- submitter, so not in `mails` (keyed by idea and kind, one each) and announced by no event; the
-- row, address included, is deleted once the mail was handed over or given up.
create table confirmation_mails (
    id uuid primary key,
    recipient text not null,
    subject text not null,
    body text not null,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now()
);
create index confirmation_mails_due on confirmation_mails (next_attempt_at);
