"""Operator command of the reporting service, run where deploy/config.yaml's DATABASE_URL reaches
the database:

    python -m services.reporting.cli rebuild

throws reporting's projections away and derives them again from its event log, in one transaction
(live events wait meanwhile and are applied after it), and prints how many events and ideas it
replayed. The figures afterwards equal those before: the projections depend on the log alone.
"""

import argparse
import sys
import warnings

warnings.filterwarnings("ignore", r"\s*Eventlet is deprecated")  # nameko imports it; an operator need not read that

from aufbruch.config import load_config  # noqa: E402
from aufbruch.db import DirectDatabase, migrate  # noqa: E402
from aufbruch.unit_of_work import UnitOfWork  # noqa: E402
from services.reporting import handlers, repository  # noqa: E402


def rebuild(uow: UnitOfWork[repository.Repository], args) -> None:
    rebuilt = handlers.rebuild(uow)
    print(f"rebuilt reporting from {rebuilt['events']} logged events: {rebuilt['ideas']} ideas")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m services.reporting.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("rebuild", help="derive the projections again from the event log").set_defaults(run=rebuild)
    return root


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    database_url = load_config()["DATABASE_URL"]
    migrate(database_url, repository.SCHEMA, repository.MIGRATIONS)
    args.run(UnitOfWork(DirectDatabase(database_url, repository.SCHEMA), repository.Repository), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
