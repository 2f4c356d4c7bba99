"""Screen tests drive the real app with Pilot on a SQLite store (the store tests cover both
backends). `start_app` opens the console signed in as a user, at 80x24 unless told otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import time

import pytest

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.store import Store


@pytest.fixture
def backend() -> str:
    return "sqlite"


NOW = "2026-03-02T09:00:00+00:00"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch):
    """A fixed clock and time zone, colours on: what snapshots need to be the same every run."""
    monkeypatch.setenv("HELPDESK_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("NO_COLOR", raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def steady_cursors(screen) -> None:
    """Snapshots: a blinking cursor would make the picture depend on timing."""
    from textual.widgets import Input, TextArea

    for widget in screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False


async def wait_for(pilot, condition: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Let workers run until `condition()` holds (bounded)."""
    loops = int(timeout / 0.05)
    for _ in range(loops):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


@asynccontextmanager
async def running(store: Store, username: str | None, *, size=(80, 24), lang: str = "en", **options) -> AsyncIterator:
    app = HelpdeskApp(store=store, as_user=username, lang=lang, demo_on_empty=False, **options)
    async with app.run_test(size=size) as pilot:
        if username:
            await wait_for(pilot, lambda: app.actor is not None)
            await pilot.pause()
        yield app, pilot


@pytest.fixture
def start_app(store: Store):
    def starter(username: str | None, **options):
        return running(store, username, **options)

    return starter
