"""Every message the portal shows has a Simplified Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

from eport.entrypoints.web import account, admin, i18n
from eport.entrypoints.web.declaration import TRANSLATED as DECLARATION_TERMS
from eport.entrypoints.web.lodging import LODGING_MESSAGES
from eport.entrypoints.web.trader import STATUSES
from eport.entrypoints.web.workbench import DYNAMIC as WORKBENCH

WEB = Path(i18n.__file__).parent
CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def messages() -> set[str]:
    found = set(STATUSES) | set(LODGING_MESSAGES) | set(WORKBENCH) | set(DECLARATION_TERMS)
    found |= set(admin.DYNAMIC_MESSAGES) | set(account.DYNAMIC_MESSAGES)
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        for m in CALL.finditer(path.read_text()):
            found.add((m.group(1) or m.group(2) or "").replace('\\"', '"').replace("\\'", "'"))
    return found - {""}


def test_every_message_has_a_chinese_translation() -> None:
    zh = i18n.translations("zh_Hans")
    missing = sorted(m for m in messages() if zh.gettext(m) == m)
    assert missing == [], missing


def test_placeholders_survive_translation() -> None:
    zh = i18n.translations("zh_Hans")
    for m in messages():
        assert set(re.findall(r"%\(\w+\)s", zh.gettext(m))) == set(re.findall(r"%\(\w+\)s", m)), m


def test_a_message_is_translated_in_one_catalogue_only() -> None:
    """Shared words live in core.po, so one English word never gets two Chinese ones."""
    from babel.messages.pofile import read_po

    seen: dict[str, str] = {}
    for po in sorted((WEB / "locales" / "zh_Hans" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            for message in read_po(f, locale="zh_Hans"):
                if message.id:
                    assert message.id not in seen, (message.id, seen.get(message.id), po.name)
                    seen[str(message.id)] = po.name


def test_codes_read_as_words_in_english() -> None:
    en = i18n.translations("en")
    assert en.gettext("under_review") == "under review"
    assert en.gettext("Declarations") == "Declarations"
