"""Messages in the secretary's language.

Source strings are Chinese (the users' language); the ``en`` catalog translates them.
``_`` looks the language up at call time, so the command line can switch it after import.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "docgen"
DEFAULT = "zh_CN"

_current = DEFAULT


def language_from_env(environ: dict | None = None) -> str:
    """``en`` when the environment asks for English (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else zh_CN."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else DEFAULT
    return DEFAULT


def normalize(lang: str | None) -> str:
    if not lang:
        return DEFAULT
    return "en" if lang.lower().startswith("en") else DEFAULT


def set_language(lang: str | None) -> str:
    global _current
    _current = normalize(lang)
    _translate_click(_current)
    return _current


_CLICK_MODULES = ("core", "exceptions", "types", "parser", "formatting", "decorators", "termui")


def _translate_click(lang: str) -> None:
    """Give click's own messages (usage errors, "Options") the chosen language.

    click looks its strings up through the stdlib ``gettext`` functions bound at import;
    its modules' ``_``/``ngettext`` are pointed at docgen's ``click`` catalog instead.
    """
    import importlib

    catalog = gettext.translation("click", localedir=LOCALE_DIR, languages=[lang], fallback=True)
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = catalog.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = catalog.ngettext  # type: ignore[attr-defined]


def current_language() -> str:
    return _current


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    return _translations(_current).gettext(message)


def join(items) -> str:
    """A list in running text: 甲、乙、丙 in Chinese, "a, b, c" in English."""
    return _("、").join(str(item) for item in items)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(_current).ngettext(singular, plural, n)
