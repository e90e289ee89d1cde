"""Which language a page speaks, and the same page's address in the other one.

German pages live at `/…`, English ones at the same path under `/en`. Only the start page also listens
to the browser's Accept-Language: `/` sends an English-speaking browser on to `/en/`, unless the
visitor chose German (`/?lang=de`, the start page's language switch).
"""

from urllib.parse import urlencode

from werkzeug.wrappers import Request

from aufbruch.contracts.ideas import DEFAULT_LOCALE, LOCALES

ENGLISH = "/en"
CHOSEN_LANGUAGE = "lang"


def page_locale(request: Request) -> str:
    return "en" if request.path == ENGLISH or request.path.startswith(ENGLISH + "/") else DEFAULT_LOCALE


def german_path(path: str) -> str:
    """The path without its /en prefix."""
    if path == ENGLISH or path.startswith(ENGLISH + "/"):
        return path[len(ENGLISH) :] or "/"
    return path


def localized(locale: str, path: str) -> str:
    """`path` (a German path) in `locale`."""
    if locale == "en":
        return ENGLISH + (path if path != "/" else "/")
    return path


def other_language_url(request: Request, page_path: str | None = None) -> str:
    """This page in the other language, its query kept; `page_path` (German) for a page shown in answer
    to a form sent elsewhere (a comment's errors, shown on the idea's page)."""
    locale = page_locale(request)
    other = "de" if locale == "en" else "en"
    path = localized(other, page_path or german_path(request.path))
    query = [(key, value) for key, value in request.args.items(multi=True) if key != CHOSEN_LANGUAGE]
    if other == DEFAULT_LOCALE and path == "/":
        query.append((CHOSEN_LANGUAGE, DEFAULT_LOCALE))
    return path + ("?" + urlencode(query) if query else "")


def browser_prefers_english(request: Request) -> bool:
    """At `/`: the browser would rather read English, and the visitor has not chosen German."""
    if request.args.get(CHOSEN_LANGUAGE) in LOCALES:
        return False
    return request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE) == "en"
