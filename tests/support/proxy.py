"""A TCP proxy between a service and a server, which a test cuts (the server becomes unreachable,
open connections drop) and restores, to fake an outage of RabbitMQ or PostgreSQL."""
import socket

import eventlet

from tests.support.infrastructure import free_port


class CuttableProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.listener = None
        self.connections: list[socket.socket] = []
        self.pumps = []
        self.acceptor = None

    def start(self) -> "CuttableProxy":
        self.listener = eventlet.listen(("127.0.0.1", self.port))
        self.acceptor = eventlet.spawn(self._accept)
        return self

    def stop(self) -> None:
        if self.acceptor:
            self.cut()

    def cut(self) -> None:
        self.acceptor.kill()
        self.acceptor = None
        self.listener.close()
        for pump in self.pumps:
            pump.kill()
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)  # the peers see the cut at once
            except OSError:
                pass
            connection.close()
        self.connections.clear()
        self.pumps.clear()

    restore = start

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            try:
                server = eventlet.connect(self.upstream)
            except OSError:
                client.close()
                continue
            self.connections += [client, server]
            self.pumps += [eventlet.spawn(self._pump, client, server), eventlet.spawn(self._pump, server, client)]

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except (OSError, EOFError):  # eventlet raises EOFError on a socket closed by cut()
            pass
        finally:
            source.close()
            target.close()
