"""The one place that turns untrusted strings (subjects, comments, names, file names) into
something safe to store and to show.

Control characters other than tab and newline are removed, and so are the bidirectional
overrides and isolates that could make text display in another order than it is stored.
Showing goes through `safe()`, which returns a Rich `Text` built literally: markup such as
`[@click=app.quit]` in it is never interpreted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0 except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Whole escape sequences first, so their parameters do not survive as visible garbage.
_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)


def strip_controls(value: str, *, single_line: bool = False) -> str:
    """Remove escape sequences and control characters; keep tab and newline (unless single_line)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE.sub("", _ESCAPES.sub("", value))
    if single_line:
        value = " ".join(value.replace("\t", " ").split("\n"))
    return value


def safe(value: str | None, style: str = "") -> Text:
    """Untrusted text as a literal Rich Text (never parsed as markup)."""
    from rich.text import Text

    return Text(strip_controls(value or ""), style=style, end="")


def one_line(value: str | None, style: str = "") -> Text:
    from rich.text import Text

    return Text(strip_controls(value or "", single_line=True), style=style, end="")
