"""The site's words in each language it speaks: `t("key")` in a template (pages.py). Long texts (Leichte
Sprache, the accessibility statement) are templates of their own, one per language."""

from services.web.texts import de, en

TEXTS = {"de": de.TEXTS, "en": en.TEXTS}
