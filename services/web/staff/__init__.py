"""The staff pages under /verwaltung (English: /en/verwaltung): signed in with an API token, each
role sees its pages. Moderators: the review queue, cases, hiding; staff: official answers and ideas
entered for citizens; admins: all of that and the participation processes."""

from services.web.staff.account import AccountPages
from services.web.staff.assisted import AssistedIdeaPages
from services.web.staff.ideas import StaffIdeaPages
from services.web.staff.moderation import ModerationPages
from services.web.staff.processes import ProcessPages
from services.web.staff.visit import SessionCookies


class StaffPages(AccountPages, ModerationPages, StaffIdeaPages, AssistedIdeaPages, ProcessPages):
    """Mixed into WebService, which provides `self.gateway` and `self.pages`."""

    session_cookies = SessionCookies()


__all__ = ["StaffPages"]
