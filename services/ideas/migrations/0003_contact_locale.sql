-- The language the submitter's mails are written in (from the submission's `locale` or its
-- Accept-Language); kept with the contact, since only mails to that contact need it.
alter table contacts add column locale text not null default 'de' check (locale in ('de', 'en'));
