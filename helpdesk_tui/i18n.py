"""The translation function and language choice.

Message ids are the English text. `_()` looks them up in the active language's catalogue
(`helpdesk_tui/locale/<lang>.py`, a dict) and falls back to the id itself.
"""

from __future__ import annotations

import importlib
import locale as _locale
import os
from functools import cache

LANGUAGES = ("en", "es")
_current = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    return importlib.import_module(f"helpdesk_tui.locale.{lang}").MESSAGES


def choose_language(explicit: str | None = None) -> str:
    """--lang, then $HELPDESK_LANG, then the locale; English when nothing says otherwise."""
    for candidate in (
        explicit,
        os.environ.get("HELPDESK_LANG"),
        os.environ.get("LC_ALL"),
        os.environ.get("LC_MESSAGES"),
        os.environ.get("LANG"),
        (_locale.getlocale()[0] or ""),
    ):
        if candidate:
            code = candidate.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
            if candidate in (explicit, os.environ.get("HELPDESK_LANG")):
                continue
    return "en"


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else "en"


def current_language() -> str:
    return _current


def N_(msgid: str) -> str:
    """Marks a message id kept in a data table; it is translated where it is shown."""
    return msgid


def _(msgid: str, **params: object) -> str:
    text = catalogue(_current).get(msgid, msgid)
    return text.format(**params) if params else text


def translate_to(lang: str, msgid: str, **params: object) -> str:
    text = catalogue(lang if lang in LANGUAGES else "en").get(msgid, msgid)
    return text.format(**params) if params else text
