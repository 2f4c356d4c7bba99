"""The outbox screen (issue 6 item 4): dead and failed messages with their errors, for admins
and supervisors; a key retries one, another retries all."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update
from textual.widgets import DataTable, Static

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.config import Settings
from helpdesk_tui.mail.delivery import deliver_due
from helpdesk_tui.screens.outbox import OutboxScreen
from helpdesk_tui.screens.queue import QueueScreen
from helpdesk_tui.store import open_store
from helpdesk_tui.store.models import OutboxMessage
from tests.conftest import build_org, run_in_thread
from tests.mail.conftest import give_addresses
from tests.mail.smtp_server import free_port
from tests.screens.conftest import wait_for
from tests.store.helpers import new_ticket, ticket_in

HOSTILE = "[@click=app.quit]x [/] \x1b]52;c;aGk=\x07 \x1b[2J"


async def dead_messages(org) -> list[int]:
    """Two messages that die: the server is not there, and one attempt is all they get."""
    await give_addresses(org)
    await ticket_in(org, "assigned")  # ana
    other = await new_ticket(org, subject="Portátil lento", area="Service desk")
    await org.store.tickets.act(org.admin, other, "assign", to="diego")
    settings = Settings(
        smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_from="soporte@helpdesk.example", smtp_timeout=5,
        mail_max_attempts=1,
    )  # fmt: skip
    assert (await deliver_due(org.store, settings))["dead"] == 2
    async with org.store.db.read() as session:
        return list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


async def states(org) -> dict[int, str]:
    async with org.store.db.read() as session:
        return dict((await session.execute(select(OutboxMessage.id, OutboxMessage.state))).all())


async def open_outbox(app, pilot) -> OutboxScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen), timeout=20)
    await wait_for(pilot, lambda: app.screen.window is not None and app.screen.window.loaded, timeout=10)
    await pilot.pause()
    await pilot.press("O")
    await wait_for(pilot, lambda: isinstance(app.screen, OutboxScreen) and app.screen.loaded, timeout=10)
    await pilot.pause()
    return app.screen


def cells(screen: OutboxScreen, row: int) -> list[str]:
    table = screen.query_one(DataTable)
    return [getattr(c, "plain", str(c)) for c in table.get_row_at(row)]


async def test_dead_messages_are_shown_and_retried(org, start_app):
    ids = await dead_messages(org)
    async with start_app("root") as (app, pilot):
        screen = await open_outbox(app, pilot)
        assert screen.query_one(DataTable).row_count == 2
        first = cells(screen, 0)
        assert first[1] == "Dead" and first[2] == "1" and first[3] == "-"
        assert {cells(screen, i)[5] for i in range(2)} == {"ana@example.test", "diego@example.test"}
        summary = str(screen.query_one("#outbox-summary", Static).render())
        assert "Dead: 2" in summary
        detail = str(screen.query_one("#outbox-detail", Static).render())
        assert "Last error:" in detail and ("refused" in detail.lower() or "connect" in detail.lower())
        # r: the highlighted one is queued again; R: all the rest.
        highlighted = screen.selected.id
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.messages and any(m.state == "queued" for m in screen.messages))
        assert (await states(org))[highlighted] == "queued"
        await pilot.press("R")
        await wait_for(pilot, lambda: all(m.state == "queued" for m in screen.messages))
        assert set((await states(org)).values()) == {"queued"}
        assert sorted(m.id for m in screen.messages) == ids
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen))


async def test_errors_are_shown_literally(org, start_app):
    ids = await dead_messages(org)
    async with org.store.db.write() as session:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == ids[0]).values(last_code=550, last_error=HOSTILE))
    async with start_app("sara", lang="es") as (app, pilot):
        screen = await open_outbox(app, pilot)
        # sara supervises Networks: she sees the message of her area's ticket only.
        assert [m.id for m in screen.messages] == [ids[0]]
        assert cells(screen, 0)[1] == "Muerto"
        detail = str(screen.query_one("#outbox-detail", Static).render())
        assert "550 [@click=app.quit]x [/]" in detail and "\x1b" not in detail
        assert app.is_running


async def test_agents_have_no_outbox(org, start_app):
    await dead_messages(org)
    async with start_app("ana") as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen))
        await pilot.press("O")
        await pilot.pause()
        assert not isinstance(app.screen, OutboxScreen)
        from helpdesk_tui.commands import run_command_line

        await run_command_line(app, ":outbox")
        await pilot.pause()
        assert not isinstance(app.screen, OutboxScreen)


async def test_the_command_line_opens_it(org, start_app):
    async with start_app("root") as (app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen))
        from helpdesk_tui.commands import run_command_line

        await run_command_line(app, ":outbox")
        await wait_for(pilot, lambda: isinstance(app.screen, OutboxScreen) and app.screen.loaded)
        assert app.screen.has_class("-empty")


# ------------------------------------------------------------------ looks


@pytest.fixture
def snapshot_db(tmp_path, sqlite_template, monkeypatch: pytest.MonkeyPatch) -> str:
    """Three messages: dead (with a hostile error), failed (due again later), queued; every
    changing part (Message-IDs, errors with port numbers, times) fixed."""
    monkeypatch.setenv("HELPDESK_NOW", "2026-03-02T09:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    path = tmp_path / "snapshot.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        store = await open_store(str(path), migrate=False)
        try:
            org = await build_org(store)
            await dead_messages(org)
            third = await new_ticket(org, subject="Impresora [b]atascada[/b]")
            await store.tickets.act(org.admin, third, "assign", to="sara")
            fixed = {
                1: dict(state="dead", attempts=4, last_code=550, last_error="5.1.1 " + HOSTILE),
                2: dict(state="failed", attempts=2, last_code=None, last_error="Connection refused",
                        next_attempt_at=datetime(2026, 3, 2, 9, 4, tzinfo=timezone.utc)),
                3: dict(state="queued", attempts=0, last_code=None, last_error=""),
            }  # fmt: skip
            async with store.db.write() as session:
                for message, values in fixed.items():
                    await session.execute(
                        update(OutboxMessage).where(OutboxMessage.id == message)
                        .values(message_id=f"<hd-ev{message}-u{message}.snap@helpdesk.example>", **values)
                    )  # fmt: skip
        finally:
            await store.close()

    run_in_thread(build)
    yield str(path)
    monkeypatch.delenv("TZ")
    time.tzset()


async def outbox_painted(pilot) -> None:
    await open_outbox(pilot.app, pilot)
    await pilot.pause(0.2)


def test_outbox_80x24(snapshot_db: str, snap_compare) -> None:
    app = HelpdeskApp(db_url=snapshot_db, as_user="root", demo_on_empty=False, refresh_interval=60)
    assert snap_compare(app, terminal_size=(80, 24), run_before=outbox_painted)


def test_outbox_spanish_no_color(snapshot_db: str, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = HelpdeskApp(db_url=snapshot_db, as_user="root", lang="es", demo_on_empty=False, refresh_interval=60)
    assert snap_compare(app, terminal_size=(80, 24), run_before=outbox_painted)


async def test_the_palette_offers_it_to_admins_and_supervisors_only(org, start_app):
    for username, offered in (("root", True), ("sara", True), ("ana", False)):
        async with start_app(username) as (app, pilot):
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert ("Outbox" in titles) is offered, username
