"""Admin commands for staff accounts, run where deploy/config.yaml's DATABASE_URL reaches the database:

    python -m services.accounts.cli create-user --username anna --role admin [--display-name "Anna K."]
    python -m services.accounts.cli issue-token --username anna [--label laptop]
    python -m services.accounts.cli revoke-token --token-id 3f2b8f8e-...
    python -m services.accounts.cli list-users

create-user and issue-token print a token once; only its hash is stored, so it cannot be shown again.
This is how the first admin comes to be; later accounts can also be made over the admin API.
"""

import argparse
import sys
import warnings

warnings.filterwarnings("ignore", r"\s*Eventlet is deprecated")  # nameko imports it; an admin need not read that

from aufbruch.config import load_config  # noqa: E402
from aufbruch.contracts.accounts import ROLES  # noqa: E402
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound  # noqa: E402
from aufbruch.db import DirectDatabase, migrate  # noqa: E402
from aufbruch.unit_of_work import UnitOfWork  # noqa: E402
from services.accounts import handlers, repository  # noqa: E402

SHOWN_ONCE = "Store it now: it is shown only this once and cannot be shown again."


def _print_token(issued: dict) -> None:
    print(f"token id: {issued['token_id']}")
    print(SHOWN_ONCE)
    print(issued["token"])


def create_user(uow: UnitOfWork[repository.Repository], args) -> None:
    created = handlers.create_user(uow, args.username, args.role, args.display_name)
    user = created["user"]
    print(f"created {user['role']} {user['username']} (user id {user['id']})")
    _print_token(created)


def issue_token(uow: UnitOfWork[repository.Repository], args) -> None:
    issued = handlers.issue_token(uow, handlers.user_id_by_username(uow, args.username), args.label)
    print(f"issued a token for {args.username}")
    _print_token(issued)


def revoke_token(uow: UnitOfWork[repository.Repository], args) -> None:
    handlers.revoke_token(uow, args.token_id)
    print(f"revoked token {args.token_id}")


def list_users(uow: UnitOfWork[repository.Repository], args) -> None:
    for user in handlers.list_users(uow):
        state = f"disabled {user['disabled_at']}" if user["disabled_at"] else "active"
        print(f"{user['username']}\t{user['role']}\t{state}\t{user['display_name'] or ''}\t{user['id']}")
        for token in user["tokens"]:
            token_state = f"revoked {token['revoked_at']}" if token["revoked_at"] else "live"
            print(
                f"    token {token['id']}\t{token['label'] or ''}\t{token_state}"
                f"\tlast used {token['last_used_at'] or 'never'}"
            )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m services.accounts.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = root.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create a moderator, staff member or admin and print their token")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--display-name")
    create.set_defaults(run=create_user)
    issue = commands.add_parser("issue-token", help="print a new token for a user")
    issue.add_argument("--username", required=True)
    issue.add_argument("--label")
    issue.set_defaults(run=issue_token)
    revoke = commands.add_parser("revoke-token", help="revoke a token by its id (see list-users)")
    revoke.add_argument("--token-id", required=True)
    revoke.set_defaults(run=revoke_token)
    commands.add_parser("list-users", help="every account and its tokens").set_defaults(run=list_users)
    return root


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    database_url = load_config()["DATABASE_URL"]
    migrate(database_url, repository.SCHEMA, repository.MIGRATIONS)
    try:
        args.run(UnitOfWork(DirectDatabase(database_url, repository.SCHEMA), repository.Repository), args)
    except InvalidInput as exc:
        for field, messages in exc.errors.items():
            print(f"{field}: {' '.join(map(str, messages))}", file=sys.stderr)
        return 2
    except (Conflict, NotFound) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
