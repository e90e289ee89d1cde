"""The gateway: the platform's public HTTP API under /api/v1, the dashboard and Open311. It owns no data.

This file is the whole of it at a glance: what the gateway depends on, and every route it serves.
Each route hands its request to a function of its area's module (`*_api.py`), with the dependencies
that function needs; those modules also describe their routes for the OpenAPI document (openapi.py).
The `http` entrypoint (aufbruch/http.py) answers whatever a route raises, from one table;
`@rate_limited` routes are public writes, limited per client.
"""

from nameko.rpc import RpcProxy

from aufbruch.http import http
from aufbruch.rate_limit import PublicWriteLimit, rate_limited
from aufbruch.settings import Settings
from services.gateway import (
    admin_api,
    city_api,
    dashboard,
    health,
    ideas_api,
    moderation_api,
    openapi,
    participation_api,
    reports_api,
    subscriptions_api,
    unknown_routes,
    webhooks_api,
)
from services.gateway.auth import Authenticator
from services.gateway.http_helpers import API
from services.gateway.ideas_client import IdeasClient
from services.gateway.settings import GatewaySettings
from services.gateway.unknown_routes import ANY_METHOD, CATCH_ALL

OPEN311 = "/open311/v2"


class GatewayService:
    name = "gateway"

    settings = Settings(GatewaySettings.from_config)
    public_writes = PublicWriteLimit()
    auth = Authenticator()  # staff sign-in: asks accounts about every bearer token
    ideas = IdeasClient()  # over HTTP (taking ideas in must not need the broker); staff actions by RPC
    accounts = RpcProxy("accounts")
    moderation = RpcProxy("moderation")
    participation = RpcProxy("participation")
    notifications = RpcProxy("notifications")
    webhooks = RpcProxy("webhooks")
    reporting = RpcProxy("reporting")

    # --- ideas, processes and the city's answers (ideas_api.py, city_api.py) ---------------------

    @http("POST", f"{API}/ideas")
    @rate_limited
    def submit_idea(self, request):
        return ideas_api.submit_idea(self.ideas, request)

    @http("GET", f"{API}/ideas")
    def list_ideas(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{API}/ideas/<idea_id>")
    def get_idea(self, request, idea_id):
        return self.ideas.forward(request)

    @http("GET", f"{API}/categories")
    def list_categories(self, request):
        return ideas_api.list_categories(self.settings.categories)

    @http("GET", f"{API}/processes")
    def list_processes(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{API}/processes/<process_id>")
    def get_process(self, request, process_id):
        return self.ideas.forward(request)

    @http("POST", f"{API}/admin/processes")
    def admin_create_process(self, request):
        return city_api.create_process(self.auth, self.ideas, request)

    @http("PATCH", f"{API}/admin/processes/<process_id>")
    def admin_change_process(self, request, process_id):
        return city_api.change_process(self.auth, self.ideas, request, process_id)

    @http("GET", f"{API}/ideas/<idea_id>/answers")
    def idea_answers(self, request, idea_id):
        return self.ideas.forward(request)

    @http("POST", f"{API}/ideas/<idea_id>/answers")
    def answer_idea(self, request, idea_id):
        return city_api.answer_idea(self.auth, self.ideas, request, idea_id)

    @http("POST", f"{API}/assisted-ideas")
    def submit_assisted_idea(self, request):
        return city_api.submit_assisted_idea(self.auth, self.ideas, request)

    # --- moderation: the review queue, hiding, citizens' flags (moderation_api.py) ---------------

    @http("GET", f"{API}/moderation/queue")
    def review_queue(self, request):
        return moderation_api.review_queue(self.auth, self.moderation, request)

    @http("GET", f"{API}/moderation/cases/<case_id>")
    def moderation_case(self, request, case_id):
        return moderation_api.case(self.auth, self.moderation, request, case_id)

    @http("POST", f"{API}/moderation/cases/<case_id>/decision")
    def decide_case(self, request, case_id):
        return moderation_api.decide_case(self.auth, self.moderation, request, case_id)

    @http("POST", f"{API}/moderation/ideas/<idea_id>/hide")
    def hide_idea(self, request, idea_id):
        return moderation_api.hide_idea(self.auth, self.moderation, request, idea_id)

    @http("POST", f"{API}/moderation/ideas/<idea_id>/unhide")
    def unhide_idea(self, request, idea_id):
        return moderation_api.unhide_idea(self.auth, self.moderation, request, idea_id)

    @http("POST", f"{API}/moderation/comments/<comment_id>/hide")
    def hide_comment(self, request, comment_id):
        return moderation_api.hide_comment(self.auth, self.moderation, request, comment_id)

    @http("POST", f"{API}/moderation/comments/<comment_id>/unhide")
    def unhide_comment(self, request, comment_id):
        return moderation_api.unhide_comment(self.auth, self.moderation, request, comment_id)

    @http("POST", f"{API}/ideas/<idea_id>/flags")
    @rate_limited
    def flag_idea(self, request, idea_id):
        return moderation_api.flag_idea(self.moderation, request, idea_id)

    @http("POST", f"{API}/comments/<comment_id>/flags")
    @rate_limited
    def flag_comment(self, request, comment_id):
        return moderation_api.flag_comment(self.moderation, request, comment_id)

    # --- participation: supports and comments (participation_api.py) -----------------------------

    @http("POST", f"{API}/ideas/<idea_id>/supports")
    @rate_limited
    def request_support(self, request, idea_id):
        return participation_api.request_support(self.participation, request, idea_id)

    @http("GET", f"{API}/ideas/<idea_id>/supports")
    def support_count(self, request, idea_id):
        return participation_api.support_count(self.participation, request, idea_id)

    @http("GET", f"{API}/supports/confirm")
    def confirm_support(self, request):
        return participation_api.confirm_support(self.participation, request)

    @http("GET", f"{API}/supports/withdraw")
    def withdrawal_page(self, request):
        return participation_api.withdrawal_page(self.participation, request)

    @http("POST", f"{API}/supports/withdraw")
    def withdraw_support(self, request):
        return participation_api.withdraw_support(self.participation, request)

    @http("POST", f"{API}/ideas/<idea_id>/comments")
    @rate_limited
    def submit_comment(self, request, idea_id):
        return participation_api.submit_comment(self.participation, request, idea_id)

    @http("GET", f"{API}/ideas/<idea_id>/comments")
    def list_comments(self, request, idea_id):
        return participation_api.comments(self.participation, request, idea_id)

    # --- mails people asked for, unsubscribing, erasure (subscriptions_api.py) -------------------

    @http("POST", f"{API}/ideas/<idea_id>/followers")
    @rate_limited
    def follow_idea(self, request, idea_id):
        return subscriptions_api.follow_idea(self.notifications, request, idea_id)

    @http("POST", f"{API}/subscriptions/digest")
    @rate_limited
    def subscribe_digest(self, request):
        return subscriptions_api.subscribe_digest(self.notifications, request)

    @http("GET", f"{API}/subscriptions/confirm")
    def confirm_subscription(self, request):
        return subscriptions_api.confirm_subscription(self.notifications, request)

    @http("GET", f"{API}/unsubscribe")
    def unsubscribe_page(self, request):
        return subscriptions_api.unsubscribe_page(self.notifications, request)

    @http("POST", f"{API}/unsubscribe")
    def unsubscribe(self, request):
        return subscriptions_api.unsubscribe(self.notifications, request)

    @http("DELETE", f"{API}/admin/people")
    def admin_erase_person(self, request):
        return subscriptions_api.erase_person(self.auth, self.notifications, request)

    # --- staff accounts and tokens (admin_api.py) -------------------------------------------------

    @http("GET", f"{API}/me")
    def me(self, request):
        return admin_api.me(self.auth, request)

    @http("POST", f"{API}/admin/users")
    def admin_create_user(self, request):
        return admin_api.create_user(self.auth, self.accounts, request)

    @http("GET", f"{API}/admin/users")
    def admin_list_users(self, request):
        return admin_api.list_users(self.auth, self.accounts, request)

    @http("POST", f"{API}/admin/users/<user_id>/tokens")
    def admin_issue_token(self, request, user_id):
        return admin_api.issue_token(self.auth, self.accounts, request, user_id)

    @http("DELETE", f"{API}/admin/tokens/<token_id>")
    def admin_revoke_token(self, request, token_id):
        return admin_api.revoke_token(self.auth, self.accounts, request, token_id)

    @http("POST", f"{API}/admin/users/<user_id>/disable")
    def admin_disable_user(self, request, user_id):
        return admin_api.disable_user(self.auth, self.accounts, request, user_id)

    # --- webhooks of other city systems (webhooks_api.py) ----------------------------------------

    @http("POST", f"{API}/webhooks")
    def webhooks_register(self, request):
        return webhooks_api.register(self.auth, self.webhooks, request)

    @http("GET", f"{API}/webhooks")
    def webhooks_list(self, request):
        return webhooks_api.list_webhooks(self.auth, self.webhooks, request)

    @http("GET", f"{API}/webhooks/<subscription_id>")
    def webhooks_get(self, request, subscription_id):
        return webhooks_api.webhook(self.auth, self.webhooks, request, subscription_id)

    @http("DELETE", f"{API}/webhooks/<subscription_id>")
    def webhooks_delete(self, request, subscription_id):
        return webhooks_api.delete(self.auth, self.webhooks, request, subscription_id)

    @http("GET", f"{API}/webhooks/<subscription_id>/deliveries")
    def webhooks_deliveries(self, request, subscription_id):
        return webhooks_api.deliveries(self.auth, self.webhooks, request, subscription_id)

    # --- reports, open data and the dashboard (reports_api.py, dashboard.py) ----------------------

    @http("GET", f"{API}/reports/summary")
    def report_summary(self, request):
        return reports_api.summary(self.reporting, request)

    @http("GET", f"{API}/reports/timeseries")
    def report_timeseries(self, request):
        return reports_api.timeseries(self.reporting, request)

    @http("GET", f"{API}/reports/ideas.csv")
    def report_ideas_csv(self, request):
        return reports_api.ideas_csv(self.reporting, request)

    @http("GET", f"{API}/reports/ideas.json")
    def report_ideas_json(self, request):
        return reports_api.ideas_json(self.reporting, request)

    @http("GET", f"{API}/reports/moderation.csv")
    def report_moderation_csv(self, request):
        return reports_api.moderation_csv(self.auth, self.reporting, request)

    @http("GET", "/dashboard")
    def dashboard(self, request):
        return dashboard.dashboard(self.reporting, self.settings.city)

    # --- Open311 GeoReport v2, answered by the ideas service (services/ideas/open311.py) ---------

    @http("GET", f"{OPEN311}/services.json")
    def open311_services(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{OPEN311}/requests.json")
    def open311_requests(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{OPEN311}/requests/<request_id>.json")
    def open311_request(self, request, request_id):
        return self.ideas.forward(request)

    # --- operations, this API's description, and everything else ---------------------------------

    @http("GET", f"{API}/health")
    def health(self, request):
        pinged = {
            "moderation": self.moderation,
            "notifications": self.notifications,
            "reporting": self.reporting,
            "accounts": self.accounts,
            "webhooks": self.webhooks,
            "participation": self.participation,
        }
        return health.health(self.settings.amqp_uri, self.ideas, pinged)

    @http("GET", f"{API}/openapi.json")
    def openapi_json(self, request):
        return openapi.openapi_json(self.settings.categories)

    @http(ANY_METHOD, "/")
    @http(ANY_METHOD, CATCH_ALL)
    def unknown_route(self, request, unknown_path=""):
        return unknown_routes.unknown_route(type(self), request)
