"""The pages that mails link to: confirming a support or a subscription, withdrawing a support,
unsubscribing (with the choice to erase one's address). A GET changes nothing except the confirmation
links, whose opening is the double opt-in's very point: withdrawing and unsubscribing take a button."""

from services.web.routing import PageGroup, expect, page

UNSUBSCRIBE_SCOPES = ("idea", "follower", "digest", "moderator_alerts", "support_confirmations")


def _token(request) -> str:
    return (request.form.get("token") if request.method == "POST" else None) or request.args.get("token", "")


class LinkPages(PageGroup):
    """Mixed into WebService (services/web/service.py names its dependencies)."""

    def _link(self, request, method: str, path: str, **kwargs):
        """Ask the API about the link's token; a refused or unknown link is its page (status kept)."""
        answer = self.gateway.request(
            method, path, params={"token": _token(request)}, client_address=request.remote_addr, **kwargs
        )
        if answer.status in (400, 422):
            return None, self.pages.message(request, answer.status, "link_invalid_title", "link_invalid_text")
        if answer.status == 409:
            return None, self.pages.message(request, 409, "support_closed_title", "support_closed_text")
        return expect(answer), None

    @page("GET", "/unterstuetzung/bestaetigen")
    def confirm_support(self, request):
        state, refused = self._link(request, "GET", "/supports/confirm")
        if refused:
            return refused
        return self.pages.message(
            request,
            200,
            "support_confirm_title",
            "support_confirm_text",
            idea_id=state["idea_id"],
            n=state["count"],
        )

    @page("GET", "/unterstuetzung/zuruecknehmen")
    def withdrawal(self, request):
        state, refused = self._link(request, "GET", "/supports/withdraw")
        if refused:
            return refused
        if not state["supported"]:
            return self.pages.message(
                request, 200, "withdraw_none_title", "withdraw_none_text", idea_id=state["idea_id"]
            )
        return self.pages.render(request, "withdraw.html", state=state, token=_token(request))

    @page("POST", "/unterstuetzung/zuruecknehmen")
    def withdraw(self, request):
        answer = self.gateway.request(
            "POST", "/supports/withdraw", json={"token": _token(request)}, client_address=request.remote_addr
        )
        if answer.status in (400, 422):
            return self.pages.message(request, answer.status, "link_invalid_title", "link_invalid_text")
        state = expect(answer)
        return self.pages.message(
            request, 200, "withdraw_done_title", "withdraw_done_text", idea_id=state["idea_id"], n=state["count"]
        )

    @page("GET", "/abo/bestaetigen")
    def confirm_subscription(self, request):
        answer = self.gateway.request(
            "GET", "/subscriptions/confirm", params={"token": _token(request)}, client_address=request.remote_addr
        )
        if answer.status == 404:
            return self.pages.message(request, 404, "subscription_gone_title", "subscription_gone_text")
        if answer.status in (400, 422):
            return self.pages.message(request, answer.status, "link_invalid_title", "link_invalid_text")
        confirmed = expect(answer)
        if confirmed["subscription"] == "follower":
            return self.pages.message(
                request,
                200,
                "subscription_confirm_title",
                "subscription_follower",
                "subscription_how_to_end",
                idea_id=confirmed["idea_id"],
                title=confirmed["title"],
            )
        return self.pages.message(
            request, 200, "subscription_confirm_title", "subscription_digest", "subscription_how_to_end"
        )

    @page("GET", "/abmelden")
    def unsubscribe_page(self, request):
        state, refused = self._link(request, "GET", "/unsubscribe")
        if refused:
            return refused
        if state["scope"] not in UNSUBSCRIBE_SCOPES:
            return self.pages.message(request, 200, "unsubscribe_already_title", "unsubscribe_already_text")
        return self.pages.render(request, "unsubscribe.html", scope=state["scope"], token=_token(request))

    @page("POST", "/abmelden")
    def unsubscribe(self, request):
        erase = {"erase": "yes"} if request.form.get("erase") == "yes" else {}
        done, refused = self._link(request, "POST", "/unsubscribe", form=erase)
        if refused:
            return refused
        said = ["unsubscribe_done" if done["scope"] else "unsubscribe_already_text"]
        if done["erased"]:
            said.append("unsubscribe_erased")
        return self.pages.message(request, 200, "unsubscribe_done_title", *said)
