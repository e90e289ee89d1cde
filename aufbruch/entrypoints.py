"""Entrypoints shared by the services, mixed into each service class that needs them.

A service using these has a `db` dependency (aufbruch.db.Database).
"""

import eventlet
from nameko.rpc import rpc
from nameko.timer import timer

from aufbruch.contracts.errors import Unavailable
from aufbruch.db import Database
from aufbruch.outbox import EventRelay

# The relay's worker waits for commits itself (EventRelay.relay_when_due); the timer only restarts it.
RELAY_INTERVAL_SECONDS = 0.01
RELAY_PAUSE_WHILE_DATABASE_DOWN_SECONDS = 2


class Pingable:
    db: Database

    @rpc
    def ping(self) -> str:
        """Answers when the service runs and reaches its database: the gateway's health check."""
        with self.db.transaction() as conn:
            conn.execute("select 1")
        return "ok"


class PublishesEvents:
    db: Database
    events = EventRelay()

    @timer(interval=RELAY_INTERVAL_SECONDS)
    def relay_events(self):
        try:
            self.events.relay_when_due(self.db)
        except Unavailable:
            eventlet.sleep(RELAY_PAUSE_WHILE_DATABASE_DOWN_SECONDS)  # the timer waits for this tick
