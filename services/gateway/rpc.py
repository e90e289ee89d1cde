"""RPC from the gateway: a service that does not answer in time gets the client a 503, not a hang."""

import eventlet

from aufbruch.http import ServiceTimeout

RPC_TIMEOUT_SECONDS = 10


def call(method, *args):
    with eventlet.Timeout(RPC_TIMEOUT_SECONDS, ServiceTimeout):
        return method(*args)
