"""Readable, translated words for the bitácora entries the system writes by itself (SLA
breaches, actions after the requester's silence). Pure: the console's bitácora and the command
line both use it, and it imports nothing heavy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from helpdesk_tui.i18n import N_, _

# The `reason` the automation stores in data; the bitácora shows reasons translated.
SILENCE = N_("silence")


def system_note(kind: str, data: Mapping[str, Any]) -> str | None:
    """The sentence that says why the system wrote this entry, or None for other entries."""
    if kind == "sla_breached":
        timer = data.get("timer")
        due = _local(data.get("due_at"))
        if timer == "response":
            return _("First-response SLA breached: it was due {due}", due=due)
        return _("Resolution SLA breached: it was due {due}", due=due)
    if data.get("reason") == "silence":
        return _(
            "No answer from the requester for {days} business days.",
            days=data.get("business_days", "?"),
        )
    return None


def event_body(actor: str, kind: str, data: Mapping[str, Any] | None, text: str) -> str:
    """The text to show under an entry: the system's own sentence translated, else the text."""
    if actor == "system":
        note = system_note(kind, data or {})
        if note:
            return note
    return text


def _local(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)
