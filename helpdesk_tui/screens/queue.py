"""PLACEHOLDER screen, to be replaced."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Static


class QueueScreen(Screen[None]):
    def compose(self):
        yield Static("QueueScreen")
