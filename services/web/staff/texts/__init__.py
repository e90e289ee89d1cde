"""The staff pages' words in German and English (looked up before the site's, pages.translator);
`label(kind, code)` in a template reads `<kind>_<code>` from here (roles, audit actions; moderation's
reasons come from aufbruch/labels.py)."""

from services.web.staff.texts import de, en

STAFF_TEXTS = {"de": de.TEXTS, "en": en.TEXTS}
