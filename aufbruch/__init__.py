"""Shared building blocks of the Aufbruch services: contracts, database access, outbox, messaging."""

import os

# psycopg's C implementation (psycopg[binary]) spends half the CPU of the pure-Python one on a
# transaction (BENCHMARKS.md). Its default way of waiting for the server, though, waits inside C code
# that eventlet cannot switch away from, which serialises every query of a process
# (../shared/FACTS.md: 5 × 0.5 s queries took 2.5 s). wait_select waits through select.select, which
# eventlet patches, so green threads overlap their queries (tests/integration/test_database_concurrency.py
# fails with PSYCOPG_WAIT_FUNC=wait_c). Both have to be chosen before psycopg is first imported, hence here.
os.environ.setdefault("PSYCOPG_IMPL", "binary")
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
