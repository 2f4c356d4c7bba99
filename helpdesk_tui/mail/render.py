"""Rendering e-mails from the templates in `mail/templates/<lang>/<name>.txt`.

A template renders its subject on the first line, then a blank line, then the plain-text body.
Everything other people wrote (subjects, comments, names) reaches a template only as a
variable: the sandboxed Jinja environment never reads it as template code, and autoescaping is
off because the result is text/plain, not HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from helpdesk_tui.i18n import LANGUAGES

TEMPLATES = Path(__file__).parent / "templates"
SUBJECT_MAX = 400


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@cache
def _environment() -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_names() -> list[str]:
    return sorted(p.stem for p in (TEMPLATES / "en").glob("*.txt") if not p.stem.startswith("_"))


def render(name: str, lang: str, **variables: Any) -> Rendered:
    """The subject and body of template `name` in `lang` (English when there is no such one)."""
    lang = lang if lang in LANGUAGES and (TEMPLATES / lang / f"{name}.txt").is_file() else "en"
    text = _environment().get_template(f"{lang}/{name}.txt").render(**variables)
    subject, _sep, body = text.partition("\n")
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    return Rendered(subject, body.lstrip("\n").rstrip() + "\n")
