"""The Open311 part of the gateway's API: a read-only GeoReport v2 view of the published ideas.

The ideas service owns the data and answers these itself (services/ideas/open311.py); the gateway
forwards them over HTTP exactly as it forwards /api/v1/ideas, and passes the answer back unchanged.
"""

from aufbruch.http import answers_errors, http

OPEN311 = "/open311/v2"


class Open311Api:
    """Mixed into GatewayService; `self.ideas` is the gateway's IdeasClient."""

    @http("GET", f"{OPEN311}/services.json")
    @answers_errors
    def open311_services(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{OPEN311}/requests.json")
    @answers_errors
    def open311_requests(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{OPEN311}/requests/<request_id>.json")
    @answers_errors
    def open311_request(self, request, request_id):
        return self.ideas.forward(request)
