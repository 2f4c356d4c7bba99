"""The console's message classes: small dataclasses that workers post to the screen that started
them. They do not bubble; the generation number lets a screen drop answers to questions it no
longer asks (a tab or filter changed while a page was loading).

Screens may keep purely local messages in their own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class _Local(Message, bubble=False):
    """Message already initialises dataclass subclasses (through __post_init__)."""


@dataclass
class QueueLoaded(_Local, bubble=False):
    """The queue window changed (first page, next/previous page, reload)."""

    generation: int
    how: str  # "load" | "extend" | "reload"
    keep_id: int | None = None  # the ticket the cursor should stay on
    at_end: bool = False  # put the cursor on the last row (G)
    shift: int = 0  # rows added (+) or dropped (-) above the old rows


@dataclass
class CountsLoaded(_Local, bubble=False):
    """Tab counts: state -> n, plus "mine", "unassigned" and "all"."""

    counts: dict[str, int]


@dataclass
class TotalLoaded(_Local, bubble=False):
    """How many tickets the current tab and filter hold (None: not known)."""

    generation: int
    total: int | None


@dataclass
class QueryRefused(_Local, bubble=False):
    """The filter could not be understood: the store's QueryError, shown inline."""

    generation: int
    error: Any


@dataclass
class PreviewLoaded(_Local, bubble=False):
    ticket_id: int
    detail: Any  # helpdesk_tui.store.views.TicketDetail
