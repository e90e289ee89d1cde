"""A TCP proxy between a service and a server, which a test cuts (the server becomes unreachable,
open connections drop) and restores, to fake an outage of RabbitMQ or PostgreSQL, or pauses (bytes
are held, nothing drops: the service waits for an answer) and resumes."""

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
        self.paused = False
        self.held_bytes = 0  # what arrived while paused

    def pause(self) -> None:
        self.held_bytes = 0
        self.paused = True

    def resume(self) -> None:
        self.paused = False

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
        self.paused = False

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

    def _pump(self, source: socket.socket, target: socket.socket):
        try:
            while data := source.recv(65536):
                if self.paused:
                    self.held_bytes += len(data)
                while self.paused:
                    eventlet.sleep(0.01)
                target.sendall(data)
        except (OSError, EOFError):  # eventlet raises EOFError on a socket closed by cut()
            pass
        finally:
            # Wake the opposite pump, which reads `target`, and let it close that socket itself: closing
            # a socket another green thread waits on leaves the hub listening to a file descriptor
            # the kernel may hand to the next socket.
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            source.close()
