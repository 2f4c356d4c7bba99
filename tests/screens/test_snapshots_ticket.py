"""Looks of the ticket screen at 80x24 and 120x40, a customer's view, the composer, and NO_COLOR.

The data is built beforehand on a SQLite file with the clock frozen (HELPDESK_NOW) and UTC as
the local time zone, so numbers, versions, dates and times are the same on every run. Nobody
else has the ticket open, so the presence line stays empty.
Update the baselines with `--snapshot-update` and look at them (tests/screens/__snapshots__/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.store import open_store
from tests.conftest import build_org, run_in_thread
from tests.store.helpers import actor, ticket_in



@pytest.fixture
def db_path(frozen, sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "snap.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False, attachments_dir=tmp_path / "files")
        try:
            org = await build_org(store)
            tid = await ticket_in(
                org, "in_progress", environment="Production", service="ERP", category="Wifi",
                subject="La wifi de la sala 3 se cae cada diez minutos desde el cambio de router",
            )  # fmt: skip
            tickets = store.tickets
            await tickets.comment(actor(org, "carla"), tid, "Sigue igual hoy. Adjunto la captura.",
                                  attachments=[("captura wifi.png", b"\x89PNG fake")])  # fmt: skip
            await tickets.comment(actor(org, "ana"), tid, "El AP del pasillo reinicia solo.\nRevisar el firmware.",
                                  internal=True)  # fmt: skip
            await tickets.recategorise(actor(org, "sara"), tid, priority="high")
            await tickets.comment(actor(org, "ana"), tid, "¿Pueden probar ahora? [@click=app.quit]x")
            assert tid == 1
            resolved = await ticket_in(org, "resolved", subject="No llega el correo de las alertas del ERP")
            assert resolved == 2
        finally:
            await store.close()

    run_in_thread(build)
    return str(path)


def console(db_path: str, lang: str = "en") -> HelpdeskApp:
    return HelpdeskApp(db_url=db_path, lang=lang, demo_on_empty=False)


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


def open_as(username: str, ticket_id: int, *keys: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await app.store_ready.wait()
        await app.sign_in(await app.store.catalog.actor(username))
        app.open_ticket(ticket_id)
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.1)

    return run_before


def test_ticket_staff_80x24(snap_compare, db_path):
    assert snap_compare(console(db_path), terminal_size=(80, 24), run_before=open_as("sara", 1))


def test_ticket_staff_120x40(snap_compare, db_path):
    assert snap_compare(console(db_path), terminal_size=(120, 40), run_before=open_as("sara", 1))


def test_ticket_composer_internal_80x24(snap_compare, db_path):
    keys = ("i", "c", *"Turno de noche")
    assert snap_compare(console(db_path), terminal_size=(80, 24), run_before=open_as("ana", 1, *keys))


def test_ticket_customer_resolved_spanish_120x40(snap_compare, db_path):
    assert snap_compare(console(db_path, lang="es"), terminal_size=(120, 40), run_before=open_as("carla", 2))


def test_ticket_no_color_80x24(snap_compare, db_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(console(db_path), terminal_size=(80, 24), run_before=open_as("sara", 1))

