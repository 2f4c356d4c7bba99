"""Looks of the case form and My tickets at 80x24 and 120x40, and with NO_COLOR.

The app runs on a SQLite file built beforehand with a frozen clock (HELPDESK_NOW) and UTC as the
local time zone, so numbers, dates and times are the same on every run.
Update the baselines with `--snapshot-update` and look at them (tests/screens/__snapshots__/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.my_tickets import MyTicketsScreen
from helpdesk_tui.screens.new_ticket import NewTicketScreen
from helpdesk_tui.store import open_store
from tests.conftest import build_org, run_in_thread
from tests.screens.conftest import steady_cursors
from tests.store.helpers import new_ticket, ticket_in



@pytest.fixture
def db_path(frozen, sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "snap.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False, attachments_dir=tmp_path / "files")
        try:
            org = await build_org(store)
            await ticket_in(org, "in_progress", subject="La VPN se corta cada diez minutos en la oficina de Lima")
            await ticket_in(org, "waiting", subject="Impresora de la planta 2 imprime hojas en blanco")
            await ticket_in(org, "resolved", subject="No llega el correo de las alertas del ERP")
            await ticket_in(org, "new", subject="[@click=app.quit]x")
            await ticket_in(org, "closed", subject="Cambio de contraseña")
            await new_ticket(org, by="pedro", subject="De pedro: no debe verse")
        finally:
            await store.close()

    run_in_thread(build)
    return str(path)


def console(db_path: str, username: str, lang: str = "en") -> HelpdeskApp:
    return HelpdeskApp(db_url=db_path, as_user=username, lang=lang, demo_on_empty=False)


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


async def my_tickets_ready(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MyTicketsScreen) and app.screen.loaded)
    await pilot.pause()


async def form_ready(pilot) -> NewTicketScreen:
    app = pilot.app
    await wait_until(pilot, lambda: app.actor is not None)
    await pilot.pause()
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, NewTicketScreen) and app.screen.loaded)
    steady_cursors(app.screen)
    await pilot.pause()
    return app.screen


async def form_with_errors(pilot) -> None:
    await form_ready(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def staff_form_filled(pilot) -> None:
    from textual.widgets import Input, Select, TextArea

    form = await form_ready(pilot)
    form.query_one("#account", Select).value = "Acme"
    await pilot.pause()
    form.query_one("#contact", Select).value = "carla"
    form.query_one("#area", Select).value = "Networks"
    await pilot.pause()
    form.query_one("#category", Select).value = "VPN"
    form.query_one("#impact", Select).value = "high"
    form.query_one("#subject", Input).value = "La VPN se corta cada diez minutos"
    form.query_one("#description", TextArea).text = "Llamó Carla: desde el lunes la VPN se corta.\nAfecta a toda la oficina."
    form.query_one("#subject", Input).focus()
    await pilot.pause()


def test_my_tickets_80x24(snap_compare, db_path):
    assert snap_compare(console(db_path, "carla"), terminal_size=(80, 24), run_before=my_tickets_ready)


def test_my_tickets_120x40(snap_compare, db_path):
    assert snap_compare(console(db_path, "carla"), terminal_size=(120, 40), run_before=my_tickets_ready)


def test_my_tickets_no_color(snap_compare, db_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(console(db_path, "carla"), terminal_size=(80, 24), run_before=my_tickets_ready)


def test_case_form_with_errors_80x24(snap_compare, db_path):
    assert snap_compare(console(db_path, "carla"), terminal_size=(80, 24), run_before=form_with_errors)


def test_case_form_staff_120x40(snap_compare, db_path):
    assert snap_compare(console(db_path, "sara"), terminal_size=(120, 40), run_before=staff_form_filled)


def test_case_form_spanish_no_color(snap_compare, db_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(console(db_path, "mario", lang="es"), terminal_size=(80, 24), run_before=form_with_errors)
