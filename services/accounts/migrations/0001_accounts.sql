-- Staff accounts (moderators and admins) and their API tokens. Citizens have no account.
create table users (
    id uuid primary key,
    username text not null unique check (username ~ '^[a-z0-9._-]{3,50}$'),
    display_name text,
    role text not null check (role in ('moderator', 'admin')),
    created_at timestamptz not null default now(),
    disabled_at timestamptz
);

-- Only the SHA-256 of a token is stored: whoever reads this table cannot sign in with what is in it.
create table tokens (
    id uuid primary key,
    user_id uuid not null references users (id),
    token_hash bytea not null unique check (length(token_hash) = 32),
    label text,
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz
);
create index tokens_user on tokens (user_id);
