"""The start page and the pages that explain the site: Leichte Sprache and the accessibility statement."""

from services.web import i18n
from services.web.routing import PageGroup, expect, page

NEWEST_IDEAS = 6


class InfoPages(PageGroup):
    """Mixed into WebService (services/web/service.py names its dependencies)."""

    @page("GET", "/")
    def start(self, request):
        if i18n.page_locale(request) == "de" and i18n.browser_prefers_english(request):
            response = self.pages.redirect(request, i18n.localized("en", "/"))
            response.headers["Vary"] = "Accept-Language"
            return response
        client = request.remote_addr
        processes = expect(self.gateway.request("GET", "/processes", client_address=client))["items"]
        newest = expect(self.gateway.request("GET", "/ideas", params={"per_page": NEWEST_IDEAS}, client_address=client))
        response = self.pages.render(
            request,
            "start.html",
            processes=[each for each in processes if each["state"] == "open" and not each["standing"]],
            ideas=newest["items"],
            process_titles={each["id"]: each["title"] for each in processes},
        )
        response.headers["Vary"] = "Accept-Language"
        return response

    @page("GET", "/leichte-sprache")
    def easy_read(self, request):
        return self.pages.render(request, f"easy.{i18n.page_locale(request)}.html")

    @page("GET", "/barrierefreiheit")
    def accessibility(self, request):
        return self.pages.render(request, f"accessibility.{i18n.page_locale(request)}.html")
