"""The staff queue (SPEC Q1-Q5) driven with Pilot on a SQLite store."""

from __future__ import annotations

import pytest

from helpdesk_tui.config import Settings
from helpdesk_tui.widgets.bulk import BulkResultDialog, ChoicePicker, ConfirmDialog, TextPrompt
from helpdesk_tui.widgets.filter_bar import TabBar
from tests.conftest import Org
from tests.screens.conftest import wait_for
from tests.store.helpers import new_ticket, status_of, ticket_in
from tests.store.test_tickets import HOSTILE


def subjects(app) -> list[str]:
    return [row.subject for row in app.screen.table.rows_shown]


def status_text(app) -> str:
    return str(app.screen.query_one("#queue-status").content)


def tab_text(app) -> str:
    return "|".join(text.strip() for text, _id in app.screen.query_one(TabBar).pieces())


async def loaded(pilot, app) -> None:
    """Wait for the queue's first window and its counts."""
    await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
    await wait_for(pilot, lambda: app.screen.window is not None and app.screen.window.loaded and bool(app.screen.counts))
    await pilot.pause()


async def test_supervisor_sees_the_area_queue_with_counts(org: Org, start_app) -> None:
    for n in range(3):
        await new_ticket(org, subject=f"Wifi caída {n}")
    await ticket_in(org, "assigned", subject="VPN lenta")
    await new_ticket(org, subject="Impresora atascada", area="Service desk")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        assert subjects(app) == ["Wifi caída 0", "Wifi caída 1", "Wifi caída 2"]
        counts = app.screen.counts
        assert (counts["new"], counts["assigned"], counts["all"], counts["unassigned"]) == (3, 1, 4, 3)
        assert "1/3" in status_text(app)
        assert "New 3" in tab_text(app) and "Assigned 1" in tab_text(app) and "All 4" in tab_text(app)


async def test_each_supervisor_sees_only_their_area(org: Org, start_app) -> None:
    await new_ticket(org, subject="Wifi caída")
    await new_ticket(org, subject="Impresora atascada", area="Service desk")
    async with start_app("diego") as (app, pilot):
        await loaded(pilot, app)
        assert subjects(app) == ["Impresora atascada"]
        assert app.screen.counts["all"] == 1


async def test_agent_queue_holds_their_tickets(org: Org, start_app) -> None:
    mine = await ticket_in(org, "in_progress", subject="Mi ticket")
    await new_ticket(org, subject="Sin asignar")
    async with start_app("ana") as (app, pilot):
        await loaded(pilot, app)
        assert app.screen.counts["mine"] == 1 and app.screen.counts["all"] == 1
        await pilot.press("l")  # Assigned
        await pilot.press("l")  # In progress
        await wait_for(pilot, lambda: subjects(app) == ["Mi ticket"])
        assert app.screen.table.selected_id == mine


async def test_tabs_switch_and_wrap(org: Org, start_app) -> None:
    await new_ticket(org, subject="Nuevo")
    await ticket_in(org, "resolved", subject="Resuelto")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        for _ in range(4):
            await pilot.press("l")
        assert app.screen.tab == "resolved"
        await wait_for(pilot, lambda: subjects(app) == ["Resuelto"])
        await pilot.press("h", "h", "h", "h", "h")  # New, then wraps to All
        assert app.screen.tab == "all"
        await wait_for(pilot, lambda: sorted(subjects(app)) == ["Nuevo", "Resuelto"])


async def test_good_filter_narrows_and_bad_one_shows_inline_error(org: Org, start_app) -> None:
    await new_ticket(org, subject="Wifi caída en la sala 3")
    await new_ticket(org, subject="VPN no conecta")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("slash", *"vpn", "enter")
        await wait_for(pilot, lambda: subjects(app) == ["VPN no conecta"])
        assert app.screen.filter_text == "vpn" and "vpn" in status_text(app)
        assert app.focused is app.screen.table
        await pilot.press("slash", "ctrl+u", *"colour:red", "enter")
        await pilot.pause()
        bar = app.screen.filter_bar
        assert "unknown filter key: colour" in bar.error_text and "column 1" in bar.error_text
        assert subjects(app) == ["VPN no conecta"]  # the results stay
        assert app.screen.filter_text == "vpn"
        await pilot.press("escape")  # back to the table, the applied filter restored
        assert bar.input.value == "vpn" and not bar.error_text


async def test_sort_keys_change_the_order_and_the_status_line(org: Org, start_app) -> None:
    await new_ticket(org, subject="B normal")
    await new_ticket(org, subject="A urgent", impact="high")
    await new_ticket(org, subject="C low", impact="low")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        assert subjects(app) == ["A urgent", "B normal", "C low"]  # -prio,created
        await pilot.press("s")  # next column after prio: status
        await pilot.press("s", "s", "s")  # assignee, age, sla
        await pilot.press("s", "s")  # number, subject
        await wait_for(pilot, lambda: app.screen.sort == "subject")
        await wait_for(pilot, lambda: subjects(app) == ["A urgent", "B normal", "C low"])
        await pilot.press("S")
        await wait_for(pilot, lambda: subjects(app) == ["C low", "B normal", "A urgent"])
        assert "sort -subject" in status_text(app)


async def test_marks_and_bulk_assign_report_applied_and_skipped(org: Org, start_app) -> None:
    first = await new_ticket(org, subject="Uno")
    second = await new_ticket(org, subject="Dos")
    resolved = await ticket_in(org, "resolved", subject="Tres resuelto")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("space", "space")  # marks Uno, Dos (the cursor moves down)
        await pilot.press("l", "l", "l", "l")  # Resolved
        await wait_for(pilot, lambda: subjects(app) == ["Tres resuelto"])
        await pilot.press("space")
        assert set(app.screen.marked) == {first, second, resolved}
        assert "3 marked" in status_text(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePicker))
        picker = app.screen
        assert {choice.value for choice in picker.choices} == {"sara", "ana"}
        await pilot.press(*"ana", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Assign 3 tickets to ana?" in str(app.screen.question)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultDialog))
        dialog = app.screen
        assert [r.ticket_id for r in dialog.applied] == [first, second]
        assert [r.ticket_id for r in dialog.skipped] == [resolved]
        skipped_line = dialog.lines()[2]
        assert "skipped" in skipped_line and "not possible while the ticket is Resolved" in skipped_line
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
        assert set(app.screen.marked) == {resolved}  # the skipped one stays marked
    assert await status_of(org, first) == "assigned" and await status_of(org, resolved) == "resolved"


async def test_take_and_move_with_a_text(org: Org, start_app) -> None:
    ticket = await new_ticket(org, subject="Para tomar")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Take 1 ticket?" in str(app.screen.question)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultDialog))
        await pilot.press("enter")
        assert await status_of(org, ticket) == "assigned"
        await pilot.press("h")  # All
        await wait_for(pilot, lambda: subjects(app) == ["Para tomar"])
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePicker))
        offered = [choice.value for choice in app.screen.choices]
        assert "resolve" in offered and "start" in offered and "wait" not in offered
        await pilot.press(*"resol", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        assert app.screen.query_one("#prompt-send").disabled
        await pilot.press(*"Reiniciado")
        assert not app.screen.query_one("#prompt-send").disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkResultDialog))
        assert len(app.screen.applied) == 1
    assert await status_of(org, ticket) == "resolved"


async def test_agent_has_no_assign_key(org: Org, start_app) -> None:
    await ticket_in(org, "assigned")
    async with start_app("ana") as (app, pilot):
        await loaded(pilot, app)
        keys = {binding.action for binding in (b.binding for b in app.screen.active_bindings.values())}
        assert "assign" not in keys and "take" not in keys and "move" in keys


async def test_live_refresh_picks_up_a_new_ticket_and_keeps_the_cursor(org: Org, start_app) -> None:
    for n in range(3):
        await new_ticket(org, subject=f"Ticket {n}")
    async with start_app("sara", refresh_interval=0.1) as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("j")
        chosen = app.screen.table.selected_id
        assert subjects(app)[1] == "Ticket 1"
        await new_ticket(org, subject="Urgente nuevo", impact="high")  # sorts first
        await wait_for(pilot, lambda: subjects(app)[0] == "Urgente nuevo")
        assert app.screen.table.selected_id == chosen
        await wait_for(pilot, lambda: app.screen.counts["new"] == 4)


async def test_refresh_pauses_while_a_dialog_is_open(org: Org, start_app) -> None:
    await new_ticket(org, subject="Primero")
    async with start_app("sara", refresh_interval=0.1) as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        queue = app.screen_stack[-2]
        await new_ticket(org, subject="Segundo")
        await pilot.pause(0.5)
        assert [row.subject for row in queue.table.rows_shown] == ["Primero"]
        await pilot.press("n")  # declines
        await wait_for(pilot, lambda: subjects(app) == ["Primero", "Segundo"])


async def test_saved_view_key_applies_its_filter(org: Org, start_app) -> None:
    await new_ticket(org, subject="Impresora")
    await ticket_in(org, "assigned", subject="Asignado a ana")
    settings = Settings(views={"1": "assignee:ana sort:-created"})
    async with start_app("sara", settings=settings) as (app, pilot):
        await loaded(pilot, app)
        await pilot.press("1")
        await wait_for(pilot, lambda: subjects(app) == ["Asignado a ana"])
        assert app.screen.tab == "all" and app.screen.filter_text == "assignee:ana sort:-created"
        assert app.screen.sort == "-created"
        await pilot.press("2")  # no view there: nothing happens
        assert app.screen.filter_text == "assignee:ana sort:-created"


async def test_paging_keeps_a_window_and_reaches_both_ends(org: Org, start_app, monkeypatch) -> None:
    from helpdesk_tui.screens import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 5)
    monkeypatch.setattr(queue, "CAPACITY", 10)
    monkeypatch.setattr(queue, "EDGE", 2)
    for n in range(23):
        await new_ticket(org, subject=f"T{n:02d}")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        screen = app.screen
        assert len(subjects(app)) == 5
        await pilot.press("G")
        await wait_for(pilot, lambda: subjects(app)[-1] == "T22")
        assert screen.table.selected.subject == "T22"
        assert status_text(app).startswith("23/23")
        await pilot.press("k", "k", "k", "k")  # nears the top of the window: the page above comes
        await wait_for(pilot, lambda: len(subjects(app)) == 10 and subjects(app)[0] == "T13")
        assert screen.table.selected.subject == "T18" and status_text(app).startswith("19/23")
        await pilot.press("g")
        await wait_for(pilot, lambda: subjects(app)[0] == "T00")
        assert screen.table.selected.subject == "T00"
        for _ in range(12):
            await pilot.press("j")
            await pilot.pause(0.02)
        await wait_for(pilot, lambda: screen.table.selected is not None and screen.table.selected.subject == "T12")
        assert len(subjects(app)) <= 10 and "T00" not in subjects(app)  # pages dropped off the top
        assert status_text(app).startswith("13/23")


async def test_enter_opens_the_ticket(org: Org, start_app) -> None:
    ticket = await new_ticket(org, subject="Abrir")
    async with start_app("sara") as (app, pilot):
        await loaded(pilot, app)
        opened = []
        app.open_ticket = opened.append  # the ticket screen is another engineer's
        await pilot.press("enter")
        assert opened == [ticket]


async def test_spanish_tabs_and_states(org: Org, start_app) -> None:
    await new_ticket(org, subject="Wifi")
    async with start_app("sara", lang="es") as (app, pilot):
        await loaded(pilot, app)
        assert "Registrados 1" in tab_text(app) and "Todos 1" in tab_text(app)
        cells = [str(cell) for cell in app.screen.table.get_row_at(0)]
        assert "Registrado" in cells
        assert "supervisor" in app.sub_title


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_subjects_show_literally(org: Org, start_app, hostile: str) -> None:
    await new_ticket(org, subject=f"a {hostile} b")
    async with start_app("sara", size=(140, 40)) as (app, pilot):
        await loaded(pilot, app)
        subject = subjects(app)[0]
        cell = str(app.screen.table.get_cell_at((0, 2)))
        assert cell.replace("…", "") in subject
        await wait_for(pilot, lambda: app.screen.query_one("#queue-preview").ticket_id is not None)
        preview = str(app.screen.query_one("#preview-body").content)
        assert subject in preview
        if "[@click" in hostile:
            assert "[@click=app.quit]x" in preview and "[@click=app.quit]x" in cell
        assert "\x1b" not in preview and "\x1b" not in cell
        assert app.is_running


# ----------------------------------------------------------------- the window, without a screen


def fetcher(org: Org, actor):
    async def fetch(query, *, after=None, before=None, limit=100):
        return await org.store.tickets.page(actor, query, after=after, before=before, limit=limit)

    return fetch


@pytest.mark.parametrize("sort", ["-prio,created", "subject", "-age", "assignee", "sla"])
async def test_window_pages_both_ways_in_the_same_order(org: Org, sort: str) -> None:
    from helpdesk_tui.widgets.ticket_table import TicketFeed, TicketWindow, queue_queries

    for n in range(13):
        await new_ticket(org, subject=f"S{(n * 7) % 13:02d}", impact=("high", "medium", "low")[n % 3])
    query, reverse = queue_queries(sort, "")
    everything = [row.id for row in (await org.store.tickets.page(org.sup_net, query, limit=100)).rows]
    assert len(everything) == 13

    window = TicketWindow(TicketFeed(fetcher(org, org.sup_net), query, reverse), page_size=3, capacity=6)
    await window.load(at_end=True)
    assert [row.id for row in window.rows] == everything[-len(window.rows):]
    assert window.rows_below == 0 and not window.more_below
    seen = [row.id for row in window.rows]
    while window.more_above:
        added = await window.extend_up()
        seen = [row.id for row in window.rows[:added]] + seen
        assert len(window.rows) <= 6
    assert seen == everything
    assert window.position(0, 13) == 1

    await window.load()
    seen = [row.id for row in window.rows]
    while window.more_below:
        before = len(window.rows)
        shift = await window.extend_down()
        seen += [row.id for row in window.rows[before + shift:]]
    assert seen == everything
    assert window.position(len(window.rows) - 1, 13) == 13


async def test_window_reload_keeps_its_stretch(org: Org) -> None:
    from helpdesk_tui.widgets.ticket_table import TicketFeed, TicketWindow, queue_queries

    ids = [await new_ticket(org, subject=f"R{n:02d}") for n in range(10)]
    query, reverse = queue_queries("number", "")
    window = TicketWindow(TicketFeed(fetcher(org, org.sup_net), query, reverse), page_size=3, capacity=6)
    await window.load()
    await window.extend_down()
    await window.extend_down()  # rows 4-9 (R03-R08), the first page dropped
    assert [row.id for row in window.rows] == ids[3:9]
    await org.store.tickets.act(org.sup_net, ids[5], "take")
    await window.reload()
    assert [row.id for row in window.rows] == ids[3:9]
    assert window.rows[2].assignee == "sara"
    assert window.more_above and window.more_below


async def test_a_click_on_a_tab_selects_it(org: Org, start_app) -> None:
    await ticket_in(org, "assigned", subject="Asignado")
    async with start_app("sara", size=(120, 30)) as (app, pilot):
        await loaded(pilot, app)
        pieces = app.screen.query_one(TabBar).pieces()
        x = 1 + len(pieces[0][0]) + 2  # inside the second tab
        await pilot.click("#queue-tabs", offset=(x, 0))
        assert app.screen.tab == "assigned"
        await wait_for(pilot, lambda: subjects(app) == ["Asignado"])
