"""The SLA clock view (issue 4 items 2 and 7): a key on the ticket screen opens the explanation
of `detail.sla` — calendar, timers with target, used, remaining, due time, and the running and
paused intervals — for every ticket. Its numbers are worked out by hand below.

The history (default calendar: Mon–Fri 08:00–17:00 America/Bogota; normal priority: first
response 240, resolution 1,440 business minutes), Monday 2026-03-02, Bogotá time:
08:30 created · 09:00 assigned · 09:30 started · 10:00 waiting on the customer (first response,
90 minutes) · 12:00 the customer answers (resumed) · now 14:00.
Resolution: running 08:30–10:00 (90), paused 10:00–12:00 (not counted), running 12:00–14:00
(120): used 210, remaining 1,230 = 180 Monday + 540 Tuesday + 510 Wednesday -> due Wednesday
2026-03-04 16:30.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Static

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.store import clock, open_store
from helpdesk_tui.widgets.sla_clock import SlaClockDialog, business_span, clock_text
from tests.conftest import Org, build_org, run_in_thread
from tests.screens.conftest import wait_for
from tests.screens.test_ticket import screen_text, ticket_app
from tests.store.helpers import new_ticket

NOW = "2026-03-02T14:00:00-05:00"


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-02T{hhmm}:00-05:00")


async def paused_history(org: Org) -> int:
    tickets = org.store.tickets
    with clock.frozen_at(at("08:30")):
        ticket_id = await new_ticket(org, subject="La impresora del piso 4 no imprime")
    with clock.frozen_at(at("09:00")):
        await tickets.act(org.sup_net, ticket_id, "assign", to="ana")
    with clock.frozen_at(at("09:30")):
        await tickets.act(org.agent_net, ticket_id, "start")
    with clock.frozen_at(at("10:00")):
        await tickets.act(org.agent_net, ticket_id, "wait", text="¿Qué modelo es?")
    with clock.frozen_at(at("12:00")):
        await tickets.comment(org.acme1, ticket_id, "Es una HP 4250")
    return ticket_id


def flat(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def clock_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_NOW", NOW)


async def test_the_clock_key_explains_a_paused_interval(org: Org, start_app, clock_now) -> None:
    ticket_id = await paused_history(org)
    async with ticket_app(start_app, "sara", ticket_id) as (app, pilot, screen):
        await pilot.press("C")
        dialog = await _dialog(pilot)
        shown = flat(str(dialog.query_one("#clock-text", Static).content))
        assert shown[:3] == [
            "Calendar: default (America/Bogota)",
            "Policy: default · Normal priority",
            "As of 2026-03-02 14:00; times in America/Bogota",
        ]
        response = shown.index("First response Met")
        assert shown[response + 1] == "target 4h 00m · used 1h 30m (business time)"
        assert shown[response + 2] == "Met at 2026-03-02 10:00"
        resolution = shown.index("Resolution time Running")
        assert shown[resolution + 1:resolution + 7] == [
            "target 24h 00m · used 3h 30m · remaining 20h 30m (business time)",
            "Due 2026-03-04 16:30",
            "Intervals:",
            "2026-03-02 08:30 → 10:00 Running 1h 30m Created",
            "2026-03-02 10:00 → 12:00 Paused 2h 00m Waiting on customer",
            "2026-03-02 12:00 → now Running 2h 00m Resumed",
        ]
        visible = screen_text(app)
        assert "SLA clock: HD-000001" in visible
        assert "First response" in visible
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_customers_see_the_clock_too_and_q_closes_it(org: Org, start_app, clock_now) -> None:
    ticket_id = await paused_history(org)
    async with ticket_app(start_app, "carla", ticket_id) as (app, pilot, screen):
        assert screen.check_action("sla_clock", ()) is True
        await pilot.press("C")
        dialog = await _dialog(pilot)
        assert "Due 2026-03-04 16:30" in str(dialog.query_one("#clock-text", Static).content)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_a_waiting_ticket_shows_its_clock_paused_without_a_due_time(org: Org, start_app, clock_now) -> None:
    tickets = org.store.tickets
    with clock.frozen_at(at("08:30")):
        ticket_id = await new_ticket(org)
    with clock.frozen_at(at("09:00")):
        await tickets.act(org.sup_net, ticket_id, "assign", to="ana")
        await tickets.act(org.agent_net, ticket_id, "start")
    with clock.frozen_at(at("11:00")):
        await tickets.act(org.agent_net, ticket_id, "wait", text="¿Desde cuándo?")
    async with ticket_app(start_app, "ana", ticket_id) as (app, pilot, screen):
        await pilot.press("C")
        dialog = await _dialog(pilot)
        shown = flat(str(dialog.query_one("#clock-text", Static).content))
        resolution = shown.index("Resolution time Paused")
        assert shown[resolution + 1] == "target 24h 00m · used 2h 30m · remaining 21h 30m (business time)"
        assert shown[resolution + 2] == "No due time while paused; it moves back by the paused time."
        assert shown[-1] == "2026-03-02 11:00 → now Paused 3h 00m Waiting on customer"


def test_clock_text_says_overdue_and_breached_in_words() -> None:
    sla = {
        "calendar": "default", "timezone": "America/Bogota", "policy": "default", "priority": "urgent",
        "as_of": "2026-03-02T20:00:00+00:00",
        "response": {"target": 30, "used": 95, "remaining": -65, "state": "breached", "risk": "breached",
                     "due_at": None, "met_at": None, "stopped_at": "2026-03-02T15:35:00+00:00", "intervals": []},
        "resolution": {"target": 240, "used": 200, "remaining": 40, "state": "running", "risk": "warning",
                       "due_at": "2026-03-02T20:40:00+00:00", "met_at": None, "stopped_at": None, "intervals": []},
    }  # fmt: skip
    shown = flat(clock_text(sla).plain)
    assert "First response Breached" in shown
    assert "target 30m · used 1h 35m · overdue by 1h 05m (business time)" in shown
    assert "Stopped at 2026-03-02 10:35" in shown
    assert "Resolution time Running at risk" in shown
    assert "Due 2026-03-02 15:40" in shown
    assert clock_text(None).plain == "This ticket has no SLA clock."
    assert [business_span(m) for m in (0, 45, 60, 1230, 12.5)] == ["0m", "45m", "1h 00m", "20h 30m", "12m"]


# ------------------------------------------------------------------------- snapshots


@pytest.fixture
def clock_db(frozen, sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPDESK_NOW", NOW)
    path = tmp_path / "clock.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False, attachments_dir=tmp_path / "files")
        try:
            assert await paused_history(await build_org(store)) == 1
        finally:
            await store.close()

    run_in_thread(build)
    return str(path)


def _open_clock(username: str):
    async def run_before(pilot) -> None:
        from helpdesk_tui.screens.ticket import TicketScreen

        app = pilot.app
        await app.store_ready.wait()
        await app.sign_in(await app.store.catalog.actor(username))
        app.open_ticket(1)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None, timeout=10)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, SlaClockDialog))
        await pilot.pause(0.1)

    return run_before


def test_clock_view_80x24(snap_compare, clock_db) -> None:
    app = HelpdeskApp(db_url=clock_db, lang="en", demo_on_empty=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_clock("sara"))


def test_clock_view_no_color_spanish_80x24(snap_compare, clock_db, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = HelpdeskApp(db_url=clock_db, lang="es", demo_on_empty=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_clock("carla"))


async def _dialog(pilot) -> SlaClockDialog:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SlaClockDialog))
    await pilot.pause()
    return pilot.app.screen
