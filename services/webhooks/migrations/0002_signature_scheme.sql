-- How a subscription's deliveries are signed (aufbruch/contracts/webhooks.py). Every subscription
-- registered before this migration keeps the scheme its receiver verifies ('legacy') until the
-- release after this one; the service names the scheme of every new one ('standard-webhooks'), so
-- the column keeps no default.
alter table subscriptions
    add column signature_scheme text not null default 'legacy'
        check (signature_scheme in ('legacy', 'standard-webhooks'));
alter table subscriptions alter column signature_scheme drop default;
