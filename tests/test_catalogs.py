"""The message catalogs are complete and up to date with the source."""

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
LOCALE = ROOT / "docgen" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "docgen"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str, domain: str = "docgen"):
    with open(LOCALE / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=lang)


def test_template_is_not_stale():
    with open(LOCALE / "docgen.pot", "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    missing = source_messages() - template
    assert not missing, f"run scripts/update_catalogs.sh; not in docgen.pot: {sorted(missing)[:5]}"
    gone = template - source_messages()
    assert not gone, f"run scripts/update_catalogs.sh; no longer in the source: {sorted(gone)[:5]}"


def test_every_message_has_an_english_translation():
    en = catalog("en")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in en if m.id}
    untranslated = [
        msg
        for msg in source_messages()
        if msg not in translated or not translated[msg].string or translated[msg].fuzzy
    ]
    assert not untranslated, f"missing English for: {sorted(untranslated)[:5]}"


@pytest.mark.parametrize(("lang", "domain"), [("en", "docgen"), ("zh_CN", "click")])
def test_compiled_catalog_matches_the_po_file(lang, domain):
    po = catalog(lang, domain)
    mo = gettext.translation(domain, localedir=LOCALE, languages=[lang])
    for message in po:
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        expected = message.string if isinstance(message.string, str) else message.string[0]
        assert mo.gettext(msgid) == expected, (
            f"{domain}.mo is stale: run scripts/update_catalogs.sh"
        )


def test_english_catalog_keeps_the_placeholders():
    import re

    for message in catalog("en"):
        if message.id and message.string and isinstance(message.id, str):
            assert set(re.findall(r"\{[^}]*\}", message.id)) == set(
                re.findall(r"\{[^}]*\}", message.string)
            ), message.id
