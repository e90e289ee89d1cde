"""The accounts service: staff accounts (moderators, staff, admins) and their API tokens.

The gateway asks `authenticate` on every moderation and admin request (services/gateway/auth.py) and
serves the admin API from the other methods; `python -m services.accounts.cli` creates the first admin.
"""

from nameko.rpc import rpc

from aufbruch.db import Database
from aufbruch.entrypoints import Pingable
from aufbruch.unit_of_work import UnitOfWork
from services.accounts import handlers, repository


class AccountsService(Pingable):
    name = "accounts"

    db = Database(repository.SCHEMA, repository.MIGRATIONS)

    @property
    def uow(self) -> UnitOfWork[repository.Repository]:
        return UnitOfWork(self.db, repository.Repository)

    @rpc
    def authenticate(self, token) -> dict | None:
        return handlers.authenticate(self.uow, token)

    @rpc
    def create_user(self, username, role, display_name=None) -> dict:
        return handlers.create_user(self.uow, username, role, display_name)

    @rpc
    def list_users(self) -> list[dict]:
        return handlers.list_users(self.uow)

    @rpc
    def issue_token(self, user_id, label=None) -> dict:
        return handlers.issue_token(self.uow, user_id, label)

    @rpc
    def revoke_token(self, token_id) -> None:
        handlers.revoke_token(self.uow, token_id)

    @rpc
    def disable_user(self, user_id) -> None:
        handlers.disable_user(self.uow, user_id)
