"""A local mail server that accepts every mail and shows it, readable, instead of delivering it.

`make run` and docker compose start it as the default SMTP server, so mails can be seen without a
mail account; the tests use it as their real SMTP server, with `--maildir` to keep each mail as a
file and `--simulate-failures` to refuse recipients starting `refuse-` (550) or `busy-` (451).

    python -m aufbruch.mailsink --host 127.0.0.1 --port 1025 [--maildir DIR] [--simulate-failures]
"""

import argparse
import asyncio
import email
import email.policy
import itertools
from pathlib import Path

from aiosmtpd.controller import Controller


class ShowingHandler:
    def __init__(self, maildir: Path | None, simulate_failures: bool):
        self.maildir = maildir
        self.simulate_failures = simulate_failures
        self.counter = itertools.count(len(list(maildir.glob("*.eml"))) if maildir else 0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.simulate_failures and address.startswith("refuse-"):
            return "550 5.1.1 mailbox unavailable"
        if self.simulate_failures and address.startswith("busy-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.maildir:
            path = self.maildir / f"{next(self.counter):06d}.eml"
            path.with_suffix(".tmp").write_bytes(envelope.original_content)
            path.with_suffix(".tmp").rename(path)  # readers never see half a mail
        else:
            print(readable(envelope.original_content), flush=True)
        return "250 Message accepted"


def readable(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    return "\n".join(
        [
            "─" * 72,
            f"From:    {message['From']}",
            f"To:      {message['To']}",
            f"Subject: {message['Subject']}",
            "",
            body.get_content().rstrip() if body else "(no plain-text part)",
            "─" * 72,
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, help="store each mail as a file instead of printing it")
    parser.add_argument("--simulate-failures", action="store_true")
    args = parser.parse_args()
    if args.maildir:
        args.maildir.mkdir(parents=True, exist_ok=True)
    controller = Controller(ShowingHandler(args.maildir, args.simulate_failures), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink listening on {args.host}:{args.port}", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
