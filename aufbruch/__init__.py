"""Shared building blocks of the Aufbruch services: contracts, database access, outbox, messaging."""
import os

# psycopg's C implementation waits for the server inside C code that eventlet cannot switch away
# from, which serialises every query of a process (../shared/FACTS.md: 5 × 0.5 s queries took 2.5 s).
# The pure-Python implementation waits through the monkey-patched selectors, so green threads overlap
# their queries. It has to be chosen before psycopg is first imported, hence here.
os.environ.setdefault("PSYCOPG_IMPL", "python")
