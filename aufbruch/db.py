"""PostgreSQL access for a Nameko service: a connection pool, one schema per service, migrations.

The package's __init__ selects psycopg's C implementation with a wait function that eventlet can switch
away from, so that queries of concurrent workers overlap under eventlet
(tests/integration/test_database_concurrency.py proves it).
"""

import logging
from contextlib import contextmanager
from pathlib import Path

import psycopg
from nameko.extensions import DependencyProvider
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from aufbruch import outbox
from aufbruch.contracts.errors import Unavailable

log = logging.getLogger(__name__)
SHARED_MIGRATIONS = Path(__file__).parent / "sql"
CHECKOUT_TIMEOUT_SECONDS = 3


def check_without_round_trip(conn: psycopg.Connection) -> None:
    """Raise for a pooled connection whose server has gone (a restart, a cut network), so that the
    pool replaces it rather than hands it out.

    psycopg_pool's own check sends a query on every checkout: a round trip that cost a tenth of a
    consumer's CPU (BENCHMARKS.md). An idle connection's server sends nothing but, when it ends the
    session, its goodbye and then the end of the stream; reading what has arrived finds both without
    waiting (libpq's socket is non-blocking). The first read may take the goodbye, the second then
    meets the end and fails.
    """
    for _ in range(2):
        conn.pgconn.consume_input()
    if conn.pgconn.status != psycopg.pq.ConnStatus.OK:
        raise psycopg.OperationalError("the connection to the database is broken")


def open_pool(database_url: str, schema: str, max_size: int) -> ConnectionPool:
    return ConnectionPool(
        database_url,
        min_size=1,
        max_size=max_size,
        kwargs={"options": f"-c search_path={schema}", "row_factory": dict_row},
        # A connection that died with its server (a restart) is replaced rather than handed out.
        check=check_without_round_trip,
        timeout=CHECKOUT_TIMEOUT_SECONDS,
        open=True,
        name=schema,
    )


class Database(DependencyProvider):
    """Hands each worker the service's pool; `with self.db.transaction() as conn:` commits on exit."""

    def __init__(self, schema: str, migrations: Path):
        self.schema = schema
        self.migrations = migrations
        self.pool: ConnectionPool | None = None

    def setup(self):
        config = self.container.config
        migrate(config["DATABASE_URL"], self.schema, self.migrations)
        self.pool = open_pool(config["DATABASE_URL"], self.schema, int(config.get("DB_POOL_SIZE", 10)))

    def stop(self):
        if self.pool is not None:
            self.pool.close()

    def kill(self):
        if self.pool is not None:
            self.pool.close(timeout=0)

    def get_dependency(self, worker_ctx):
        return self

    @contextmanager
    def transaction(self):
        if self.pool is None:
            raise Unavailable(f"the {self.schema} database is not open: the service has not started")
        try:
            with self.pool.connection() as conn:
                committed = False
                try:
                    yield conn
                    conn.commit()  # here rather than when the pool takes it back: the relay hears of it first
                    committed = True
                finally:
                    outbox.transaction_ended(conn, committed)  # its events go out now, not at the next look
        except (PoolTimeout, psycopg.OperationalError) as exc:
            log.warning("database %s unavailable: %s", self.schema, exc)
            raise Unavailable("database unavailable") from exc


class DirectDatabase:
    """Database's `transaction()` without a pool or Nameko: one connection per transaction, for
    command-line tools that call a service's handlers (e.g. services/accounts/cli.py)."""

    def __init__(self, database_url: str, schema: str):
        self.database_url = database_url
        self.schema = schema

    @contextmanager
    def transaction(self):
        with psycopg.connect(self.database_url, options=f"-c search_path={self.schema}", row_factory=dict_row) as conn:
            yield conn  # commits when the block ends, rolls back if it raises


def migration_files(service_migrations: Path) -> list[tuple[str, Path]]:
    """Shared messaging tables first, then the service's own, each set in file-name order."""
    return [
        (f"{folder.name}/{path.name}", path)
        for folder in (SHARED_MIGRATIONS, service_migrations)
        for path in sorted(folder.glob("*.sql"))
    ]


def migrate(database_url: str, schema: str, service_migrations: Path) -> list[str]:
    """Apply pending migrations to `schema`; replicas starting together wait for each other."""
    applied = []
    with psycopg.connect(database_url, autocommit=False) as conn:
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"migrate:{schema}",))
        conn.execute(f'create schema if not exists "{schema}"')
        conn.execute(f'set local search_path to "{schema}"')
        conn.execute(
            "create table if not exists schema_migrations ("
            " version text primary key, applied_at timestamptz not null default now())"
        )
        done = {row[0] for row in conn.execute("select version from schema_migrations")}
        for version, path in migration_files(service_migrations):
            if version in done:
                continue
            conn.execute(path.read_text())
            conn.execute("insert into schema_migrations (version) values (%s)", (version,))
            applied.append(version)
    if applied:
        log.info("schema %s migrated: %s", schema, ", ".join(applied))
    return applied
