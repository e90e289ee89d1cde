-- Endpoints of other city systems, registered by admins, and every delivery owed to them.
--
-- The secret is stored as it is: the service must sign every delivery with it (HMAC-SHA256), so
-- unlike an API token it cannot be kept as a hash. It is shown to the admin once, at registration,
-- and no RPC or HTTP answer shows it again; whoever can read this table can sign deliveries.
create table subscriptions (
    id uuid primary key,
    url text not null,
    event_types text[] not null check (cardinality(event_types) > 0),  -- exact types, or '*'
    secret text not null,
    created_at timestamptz not null default now(),
    disabled_at timestamptz,               -- set after a run of failed attempts: nothing more is sent
    consecutive_failures integer not null default 0
);
create index subscriptions_event_types on subscriptions using gin (event_types) where disabled_at is null;

-- One row per event owed to a subscription. The unique key makes a redelivered event, or the same
-- event handled by two replicas, produce one delivery. While an attempt is in flight the delivery
-- stays pending with next_attempt_at pushed ahead (a lease): a crashed sender's delivery is tried
-- again when the lease ends.
create table deliveries (
    id uuid primary key,
    subscription_id uuid not null references subscriptions (id) on delete cascade,
    event_id uuid not null,
    event_type text not null,
    body jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_status_code integer,
    last_error text,
    created_at timestamptz not null default now(),
    delivered_at timestamptz,
    unique (subscription_id, event_id)
);
create index deliveries_due on deliveries (subscription_id, next_attempt_at) where status = 'pending';
create index deliveries_log on deliveries (subscription_id, created_at desc);
