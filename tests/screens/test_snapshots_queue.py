"""How the queue looks: SVG snapshots at 80x24 and 120x40 (with the preview), and with NO_COLOR.

Deterministic on purpose: the clock is frozen with HELPDESK_NOW, the tickets are created at fixed
moments (so ages are stable), the local time zone is UTC and the freshness text is frozen.
The snapshot runner starts its own event loop, so the database is built beforehand in a thread
and the app opens it by URL, as the console does.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.store import clock, open_store
from helpdesk_tui.store.views import NewTicket
from tests.conftest import build_org, run_in_thread
from tests.screens.conftest import wait_for

NOW = "2026-03-02T09:00:00-05:00"
MOMENT = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)

TICKETS = [
    # (minutes before now, subject, impact, area, who acts: (actor, action, options)...)
    (60 * 24 * 20, "La impresora de recepción imprime páginas en blanco", "medium", "Service desk", ()),
    (60 * 24 * 9, "VPN: error 809 al conectar desde casa", "high", "Networks", ()),
    (60 * 24 * 3, "No hay señal wifi en la sala 3", "high", "Networks", (("sara", "assign", {"to": "ana"}),)),
    (60 * 30, "Cuenta bloqueada tras cambio de clave", "low", "Service desk", ()),
    (60 * 5, "Wifi de invitados lenta [@click=app.quit]x [b]no bold[/b]", "medium", "Networks", ()),
    (45, "El portátil no se une al dominio", "high", "Service desk", ()),
    (12, "Solicitud de acceso a la carpeta de Finanzas", "low", "Networks", ()),
]


@pytest.fixture
def snapshot_db(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPDESK_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    from helpdesk_tui.screens import queue

    monkeypatch.setattr(queue, "clock", lambda: 1000.0)
    path = tmp_path / "snapshot.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), attachments_dir=tmp_path / "files", migrate=False)
        try:
            org = await build_org(store)
            actors = {a.username: a for a in (org.sup_net, org.agent_net, org.acme1, org.globex)}
            for minutes, subject, impact, area, steps in TICKETS:
                with clock.frozen_at(MOMENT - timedelta(minutes=minutes)):
                    requester = org.globex if area == "Service desk" else org.acme1
                    row = await store.tickets.create(
                        requester,
                        NewTicket(subject=subject, description="Desde esta mañana.\nSegunda línea.", area=area, impact=impact),
                    )
                    for username, action, options in steps:
                        await store.tickets.act(actors[username], row.id, action, **options)
        finally:
            await store.close()

    run_in_thread(build)
    yield str(path)
    monkeypatch.delenv("TZ")
    time.tzset()


async def queue_painted(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
    await wait_for(pilot, lambda: app.screen.window is not None and app.screen.window.loaded and bool(app.screen.counts))
    await pilot.pause(0.2)


async def all_tab_with_a_mark(pilot) -> None:
    await queue_painted(pilot)
    app = pilot.app
    await pilot.press("h")  # All
    await wait_for(pilot, lambda: app.screen.tab == "all" and len(app.screen.table.rows_shown) == app.screen.counts["all"] == 4)
    await pilot.press("j", "space")
    await pilot.pause(0.2)


async def all_tab_with_preview(pilot) -> None:
    await all_tab_with_a_mark(pilot)
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query_one("#queue-preview").ticket_id is not None)
    await pilot.pause(0.2)


def make_app(db: str, **options) -> HelpdeskApp:
    return HelpdeskApp(db_url=db, as_user="sara", demo_on_empty=False, refresh_interval=60, **options)


def test_queue_80x24(snapshot_db: str, snap_compare) -> None:
    assert snap_compare(make_app(snapshot_db), terminal_size=(80, 24), run_before=queue_painted)


def test_queue_120x40_all_tab_with_preview_and_a_mark(snapshot_db: str, snap_compare) -> None:
    assert snap_compare(make_app(snapshot_db), terminal_size=(120, 40), run_before=all_tab_with_preview)


def test_queue_no_color(snapshot_db: str, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(snapshot_db), terminal_size=(80, 24), run_before=all_tab_with_a_mark)


def test_queue_spanish_80x24(snapshot_db: str, snap_compare) -> None:
    assert snap_compare(make_app(snapshot_db, lang="es"), terminal_size=(80, 24), run_before=queue_painted)
