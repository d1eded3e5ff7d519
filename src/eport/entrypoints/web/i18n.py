"""English and Simplified Chinese, from Babel catalogues (``locales/<locale>/LC_MESSAGES``).

Catalogues are kept as ``.po`` (one file per part of the portal: ``core.po``, ``trader.po``…)
and compiled in memory at start-up, so the repository holds no binary files. The language is
the ``eport_lang`` cookie, else the browser's Accept-Language.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = {"en": "English", "zh_Hans": "简体中文"}
DEFAULT = "en"
COOKIE = "eport_lang"
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}
_DIR = Path(__file__).parent / "locales"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """Every ``*.po`` of the locale (one per part of the portal), merged."""
    files = sorted((_DIR / locale / "LC_MESSAGES").glob("*.po"))
    if not files:
        return gettext.NullTranslations()
    catalog = None
    for po in files:
        with po.open("rb") as f:
            part = read_po(f, locale=locale)
        if catalog is None:
            catalog = part
        else:
            for message in part:
                if message.id:
                    catalog[message.id] = message
    assert catalog is not None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    found: gettext.NullTranslations = Translations(buffer)
    return found


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language, else the first of the browser's we have (Traditional Chinese
    falls back to English rather than to Simplified characters)."""
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower().replace("_", "-")
        if tag.startswith("en"):
            return "en"
        if tag == "zh" or tag.startswith(("zh-hans", "zh-cn", "zh-sg")):
            return "zh_Hans"
    return DEFAULT


def gettext_for(locale: str) -> Callable[..., str]:
    """A gettext for the locale; keyword values fill ``%(name)s`` after translation."""
    t = translations(locale)

    def _(message: str, **values: Any) -> str:
        text = t.gettext(message)
        return text % values if values else text

    return _


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)
