"""A real HTTP endpoint in the test process for webhook deliveries: records every request and answers
each path as told (200, 500, or hang for up to 30 s)."""

import logging
import time

import eventlet
import eventlet.wsgi
from eventlet.event import Event

HANG_SECONDS = 30
_STATUS = {"ok": "200 OK", "fail": "500 Internal Server Error"}


class WebhookReceiver:
    def __init__(self):
        self.socket = eventlet.listen(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.received = []  # {"path", "headers", "body", "at"}
        self.behaviour = {}  # path -> "ok" (the default), "fail" or "hang"
        self.released = Event()
        self.thread = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "WebhookReceiver":
        quiet = logging.getLogger("webhook-receiver")
        self.thread = eventlet.spawn(eventlet.wsgi.server, self.socket, self._app, log=quiet, log_output=False)
        return self

    def stop(self) -> None:
        self.released.send()  # lets hanging requests end
        self.thread.kill()
        self.socket.close()

    def requests_to(self, path: str) -> list[dict]:
        return [request for request in self.received if request["path"] == path]

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        path = environ["PATH_INFO"]
        self.received.append(
            {"path": path, "headers": headers, "body": environ["wsgi.input"].read(length), "at": time.monotonic()}
        )
        mode = self.behaviour.get(path, "ok")
        if mode == "hang":
            with eventlet.Timeout(HANG_SECONDS, False):
                self.released.wait()
            mode = "ok"
        start_response(_STATUS[mode], [("Content-Type", "text/plain")])
        return [b"thanks"]
