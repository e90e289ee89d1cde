"""A real SMTP server for the tests: stores every mail it accepts as a file.

Recipients whose address starts with `refuse-` get a permanent 550, `busy-` a temporary 451, so the
tests can exercise both kinds of failure against a real server.
Run: python tests/support/smtp_sink.py --port 2525 --maildir /tmp/mails
"""
import argparse
import asyncio
import itertools
from pathlib import Path

from aiosmtpd.controller import Controller


class StoringHandler:
    def __init__(self, maildir: Path):
        self.maildir = maildir
        self.counter = itertools.count(len(list(maildir.glob("*.eml"))))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse-"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        path = self.maildir / f"{next(self.counter):06d}.eml"
        path.with_suffix(".tmp").write_bytes(envelope.original_content)
        path.with_suffix(".tmp").rename(path)  # readers never see half a mail
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    args.maildir.mkdir(parents=True, exist_ok=True)
    controller = Controller(StoringHandler(args.maildir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
