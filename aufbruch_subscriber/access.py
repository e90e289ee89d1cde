"""Give a city system its own RabbitMQ user, limited to its own queues and the public exchanges.

    python -m aufbruch_subscriber.access grant --system stadtportal --password SECRET [--vhost /]
    python -m aufbruch_subscriber.access revoke --system stadtportal [--vhost /] [--delete-user]

Uses the RabbitMQ management HTTP API (`--management-url`, `--admin-user`, `--admin-password`;
defaults from $RABBITMQ_MANAGEMENT_URL, $RABBITMQ_ADMIN_USER, $RABBITMQ_ADMIN_PASSWORD or the local
broker's guest). The user `<system>` gets no tags (no management UI) and, on the vhost:

- configure `^<system>\\.`: declare (and delete) only queues named `<system>.…`;
- write `^<system>\\.`: bind only its own queues (queue.bind needs write on the queue);
- read `^(<system>\\..*|ideas\\.events|moderation\\.events|notifications\\.events)$`: consume its own
  queues and bind from the public exchanges (queue.bind needs read on the exchange).

It gets no write permission on any exchange of the platform, so it cannot publish events, and
neither read nor write permission on the platform's queues, so it can neither consume nor bind them.
See docs/events.md, "Access for city systems".
"""

import argparse
import getpass
import os
import re
import sys
from urllib.parse import quote

import requests

from aufbruch.contracts.events import CATALOG

SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,49}$")
PUBLIC_EXCHANGES = tuple(sorted({contract.exchange for contract in CATALOG.values()}))
# Names whose `<name>.` prefix would reach into the platform's own exchanges and queues.
RESERVED_NAMES = {contract.producer for contract in CATALOG.values()} | {
    "aufbruch",
    "amq",
    "guest",
    "ideas",
    "moderation",
    "notifications",
    "reporting",
    "accounts",
    "gateway",
}


def permissions(system: str) -> dict[str, str]:
    check_system_name(system)
    public = "|".join(re.escape(exchange) for exchange in PUBLIC_EXCHANGES)
    own = rf"^{system}\."
    return {"configure": own, "write": own, "read": rf"^({system}\..*|{public})$"}


def check_system_name(system: str) -> None:
    if not SYSTEM_NAME.match(system):
        raise ValueError(f"system name {system!r}: 2-50 of a-z 0-9 _ -, starting with a letter")
    if system in RESERVED_NAMES:
        raise ValueError(f"system name {system!r} is reserved for the platform")


class ManagementApi:
    def __init__(self, url: str, admin_user: str, admin_password: str, timeout: float = 10):
        self.api = url.rstrip("/") + "/api"
        self.auth = (admin_user, admin_password)
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.api}/{path}", auth=self.auth, timeout=self.timeout, **kwargs)
        if response.status_code >= 400 and not (method == "DELETE" and response.status_code == 404):
            raise RuntimeError(f"{method} /api/{path}: {response.status_code} {response.text[:300]}")
        return response

    def grant(self, system: str, password: str, vhost: str) -> dict[str, str]:
        granted = permissions(system)
        if not password:
            raise ValueError("an empty password is not allowed")
        self._call("PUT", f"users/{quote(system, safe='')}", json={"password": password, "tags": ""})
        self._call("PUT", f"permissions/{quote(vhost, safe='')}/{quote(system, safe='')}", json=granted)
        return granted

    def revoke(self, system: str, vhost: str, delete_user: bool = False) -> None:
        """Remove the user's permissions on `vhost` (or the user altogether) and close its connections
        there: RabbitMQ caches permissions in open channels, so a revocation only bites on new ones."""
        check_system_name(system)
        self._call("DELETE", f"permissions/{quote(vhost, safe='')}/{quote(system, safe='')}")
        if delete_user:
            self._call("DELETE", f"users/{quote(system, safe='')}")
        for connection in self._call("GET", f"vhosts/{quote(vhost, safe='')}/connections").json():
            if connection.get("user") == system:
                self._call(
                    "DELETE",
                    f"connections/{quote(connection['name'], safe='')}",
                    headers={"X-Reason": "access revoked"},
                )


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m aufbruch_subscriber.access", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grant = commands.add_parser("grant", help="create or update the user <system> and set its permissions")
    revoke = commands.add_parser("revoke", help="remove the permissions of <system> and close its connections")
    revoke.add_argument("--delete-user", action="store_true", help="also delete the user")
    grant.add_argument("--password", help="the user's password (asked for when omitted)")
    for command in (grant, revoke):
        command.add_argument("--system", required=True, help="the city system, e.g. stadtportal")
        command.add_argument("--vhost", default="/", help="the platform's vhost (default: %(default)s)")
        command.add_argument(
            "--management-url", default=os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")
        )
        command.add_argument("--admin-user", default=os.environ.get("RABBITMQ_ADMIN_USER", "guest"))
        command.add_argument("--admin-password", default=os.environ.get("RABBITMQ_ADMIN_PASSWORD", "guest"))
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    api = ManagementApi(args.management_url, args.admin_user, args.admin_password)
    try:
        if args.command == "grant":
            password = args.password or getpass.getpass(f"password for {args.system}: ")
            granted = api.grant(args.system, password, args.vhost)
            print(
                f"user {args.system} on vhost {args.vhost}: configure {granted['configure']}  "
                f"write {granted['write']}  read {granted['read']}"
            )
        else:
            api.revoke(args.system, args.vhost, delete_user=args.delete_user)
            print(
                f"revoked {args.system} on vhost {args.vhost}" + (" and deleted the user" if args.delete_user else "")
            )
    except (ValueError, RuntimeError, requests.RequestException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
