"""Service levels in the console: the work window of the case form (S3), refused in place with
the first allowed start, and the automation running periodically inside the console."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import select
from textual.widgets import Input, TextArea

from helpdesk_tui.config import Settings
from helpdesk_tui.store import clock
from helpdesk_tui.store.models import Ticket
from tests.screens.conftest import wait_for
from tests.screens.test_ticket import ticket_app
from tests.screens.test_new_ticket import choose, error_of, newest_ticket, open_form, paste, record_open_ticket
from tests.store.helpers import ticket_in

CREATED = "2026-03-04T10:00:00-05:00"  # Wednesday 10:00 in Bogotá


@pytest.fixture
def wednesday(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HELPDESK_NOW", CREATED)
    monkeypatch.setenv("TZ", "UTC")  # the console shows local times
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def fill(pilot, form, window: str) -> None:
    await paste(pilot, form.query_one("#subject", Input), "Cambiar el router")
    await paste(pilot, form.query_one("#description", TextArea), "Hay que cortar la red")
    await choose(pilot, form, "area", "Networks")
    await paste(pilot, form.query_one("#work-window", Input), window)


async def test_an_early_out_of_hours_window_is_refused_in_place(org, start_app, wednesday):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, "2026-03-05T20:00..2026-03-05T23:00")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(form, "work_window") is not None)
        assert "the first allowed start is 2026-03-07 20:00 (America/Bogota)" in error_of(form, "work_window")
        assert app.focused is form.query_one("#work-window", Input)
        assert form.query_one("#description", TextArea).text == "Hay que cortar la red"
        assert await org.store.tickets.count(org.admin) == 0
        # Typing again clears the message; a window three business days ahead is accepted.
        form.query_one("#work-window", Input).value = "2026-03-07T20:00..2026-03-07T23:00"
        await pilot.pause()
        assert error_of(form, "work_window") is None
        opened = record_open_ticket(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: opened)
    created = await newest_ticket(org)
    async with org.store.db.read() as session:
        start = await session.scalar(select(Ticket.work_start_at).where(Ticket.id == created.ticket.id))
    assert start is not None and start.isoformat() == "2026-03-08T01:00:00+00:00"
    # The ticket screen shows the requested window (in the viewer's local time; TZ is UTC here).
    async with ticket_app(start_app, "carla", created.ticket.id) as (app, pilot, screen):
        assert "work window 2026-03-08 01:00–04:00" in str(screen.query_one("#ticket-where").render())


async def test_a_garbled_window_is_refused_before_the_store(org, start_app, wednesday):
    async with start_app("carla") as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, "el sábado por la noche")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(form, "work_window") is not None)
        assert "START..END" in error_of(form, "work_window")
        assert await org.store.tickets.count(org.admin) == 0


async def test_the_console_runs_the_automation_periodically(org, start_app, monkeypatch):
    with clock.frozen_at(datetime.fromisoformat("2026-03-05T15:00:00-05:00")):
        ticket_id = await ticket_in(org, "resolved")
    monkeypatch.setenv("HELPDESK_NOW", "2026-03-09T15:00:00-05:00")  # three business days later
    async with start_app("sara", settings=Settings(automation_interval=0.1)) as (app, pilot):
        status = "resolved"
        for _ in range(100):  # bounded: about five seconds
            await pilot.pause(0.05)
            status = (await org.store.tickets.show(org.admin, ticket_id)).ticket.status
            if status == "closed":
                break
        assert status == "closed"
        assert app.is_running


async def test_a_failing_pass_does_not_stop_the_console(org, start_app, monkeypatch):
    calls = []

    async def broken(store, settings, **_options):
        calls.append(1)
        raise RuntimeError("database on fire")

    monkeypatch.setattr("helpdesk_tui.worker.run_pass", broken)
    async with start_app("sara", settings=Settings(automation_interval=0.05)) as (app, pilot):
        await wait_for(pilot, lambda: len(calls) >= 2)
        assert app.is_running and app.actor is not None



def test_the_bitacora_shows_system_entries_in_the_readers_language():
    from helpdesk_tui import i18n
    from helpdesk_tui.store.views import EventView
    from helpdesk_tui.widgets.bitacora import entries_from

    at = datetime.fromisoformat("2026-03-09T20:00:00+00:00")
    close = EventView(
        7, at, "system", "", "close", "public", "No answer from the requester for 3 business days.",
        {"from": "resolved", "to": "closed", "reason": "silence", "business_days": 3},
    )  # fmt: skip
    breach = EventView(8, at, "system", "", "sla_breached", "internal", "",
                       {"timer": "resolution", "due_at": "2026-03-06T21:00:00+00:00", "supervisors": []})
    forged = EventView(9, at, "carla", "", "comment", "public", "hola", {"reason": "silence", "business_days": 99})
    i18n.set_language("es")
    try:
        texts = [e.text for e in entries_from([close, breach, forged])]
    finally:
        i18n.set_language("en")
    assert texts[0] == "Sin respuesta del solicitante durante 3 días hábiles."
    assert texts[1].startswith("SLA de resolución incumplido: vencía el 2026-03-0")
    assert texts[2] == "hola"  # only the system's own entries are rewritten
