"""The web pages in a real browser: Debian's Chromium driven by Playwright, each page visited checked
with axe-core for WCAG 2.1 A/AA violations and photographed at phone and desktop width.

Playwright's own browser download cannot be had here, so the tests launch /usr/bin/chromium (`make test`
installs it, and axe-core from npm into node_modules/). Screenshots are kept under
test-artifacts/screenshots/<test>/ (gitignored).

    browser = launched_browser()          # a module fixture: one browser per test module
    visits = PageVisits(browser, "test_submit")
    response = visits.open(f"{web_url}/ideen/neu", "submission-form")
    visits.page.get_by_label("Titel").fill(...)
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import eventlet
import greenlet
from playwright.sync_api import Browser, Page, Response, sync_playwright
from playwright.sync_api._context_manager import PlaywrightContextManager

from tests.support.infrastructure import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# WCAG 2.1 reflow (1.4.10): content fits 320 CSS px without scrolling sideways, which is also 1280 px at 400 %
# zoom (and so covers 200 %).
NARROWEST = {"width": 320, "height": 640}


def stop_playwright(manager: PlaywrightContextManager) -> None:
    """Stop Playwright's sync API under eventlet without hanging.

    The tests run monkey-patched (tests/conftest.py, as `nameko run` does), which is what keeps the
    broker proxy's green threads running while Playwright waits: its dispatcher greenlet runs asyncio on
    eventlet's green select. But eventlet makes its hub the parent of every greenlet that waits in it, so
    when the dispatcher finishes on stop, control passes to the hub instead of back to the caller waiting
    in `__exit__`, and the caller would wait forever. A green thread hands control back to the caller
    once the dispatcher has finished and the caller still waits for it there.
    """
    caller = greenlet.getcurrent()

    def hand_back():
        while not (
            manager._dispatcher_fiber.dead
            and caller.gr_frame is not None
            and caller.gr_frame.f_code is PlaywrightContextManager.__exit__.__code__
        ):
            if caller.dead:
                return
            eventlet.sleep(0.01)
        caller.switch()

    helper = eventlet.spawn(hand_back)
    try:
        manager.__exit__()
    finally:
        helper.kill()


@contextmanager
def launched_browser() -> Iterator[Browser]:
    manager = sync_playwright()
    playwright = manager.start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        stop_playwright(manager)


def accessibility_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now: "rule: target, ..." per violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ' (' + v.help + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        WCAG_21_AA,
    )
    return list(violations)


class PageVisits:
    """One browser context (its own cookies) of one test: every page it shows is checked and photographed.

    The context bypasses the pages' Content-Security-Policy only so that axe-core can be injected; the
    pages themselves need no script (the policy is asserted by the tests on the responses)."""

    def __init__(self, browser: Browser, test_name: str, locale: str = "de-DE"):
        self.context = browser.new_context(viewport=DESKTOP, bypass_csp=True, locale=locale)
        self.page = self.context.new_page()
        self.folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.requested: list[str] = []
        self.page.on("request", lambda request: self.requested.append(request.url))

    def open(self, url: str, name: str) -> Response:
        """Go to `url` and check the page (`name` names its screenshots); the page's response."""
        response = self.page.goto(url, wait_until="load")
        assert response is not None
        self.check(name)
        return response

    def check(self, name: str) -> Page:
        """Check the page the browser shows now (after a form was sent, a link followed)."""
        violations = accessibility_violations(self.page)
        assert violations == [], f"{name} ({self.page.url}): {violations}"
        self.page.set_viewport_size(NARROWEST)
        fits = self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} ({self.page.url}) scrolls sideways at {NARROWEST['width']} px"
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(viewport)
            self.page.screenshot(path=self.folder / f"{name}-{size}.png", full_page=True)
        return self.page

    def close(self) -> None:
        self.context.close()
