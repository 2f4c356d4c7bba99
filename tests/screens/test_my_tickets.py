"""My tickets: the home of customers and users (issue 3 item 3)."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from helpdesk_tui.screens.my_tickets import MyTicketsScreen
from helpdesk_tui.screens.new_ticket import NewTicketScreen
from tests.screens.conftest import wait_for
from tests.store.helpers import actor, new_ticket, ticket_in


async def home(app, pilot) -> MyTicketsScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, MyTicketsScreen) and app.screen.loaded)
    await pilot.pause()
    return app.screen


def table(screen: MyTicketsScreen, tab: str) -> DataTable:
    return screen.query_one(f"#list-{tab}", DataTable)


def row_ids(screen: MyTicketsScreen, tab: str) -> list[int]:
    return [int(key.value) for key in table(screen, tab).rows]


def cells(screen: MyTicketsScreen, tab: str, ticket_id: int) -> list[str]:
    return [getattr(c, "plain", str(c)) for c in table(screen, tab).get_row(str(ticket_id))]


async def test_lists_only_the_users_own_tickets_by_tab(org, start_app):
    mine_open = await ticket_in(org, "in_progress", by="carla")
    mine_closed = await ticket_in(org, "closed", by="carla")
    mine_cancelled = await ticket_in(org, "cancelled", by="carla")
    pedros = await new_ticket(org, by="pedro", subject="de pedro")
    async with start_app("carla") as (app, pilot):
        screen = await home(app, pilot)
        assert row_ids(screen, "open") == [mine_open]
        assert row_ids(screen, "resolved") == []
        assert sorted(row_ids(screen, "closed")) == sorted([mine_closed, mine_cancelled])
        assert pedros not in row_ids(screen, "open")
        number, subject, state, _updated, assignee = cells(screen, "open", mine_open)
        assert (number, state, assignee) == (f"HD-{mine_open:06d}", "In progress", "ana")
        assert cells(screen, "closed", mine_cancelled)[2] == "Cancelled"
        tabs = screen.query_one(TabbedContent)
        assert str(tabs.get_tab("tab-open").label) == "Open cases (1)"
        assert str(tabs.get_tab("tab-closed").label) == "Closed cases (2)"
        # An empty tab says so instead of showing an empty grid.
        assert screen.query_one("#tab-resolved").has_class("-empty")


async def test_what_waits_for_the_user_is_marked_in_words(org, start_app):
    resolved = await ticket_in(org, "resolved")
    waiting = await ticket_in(org, "waiting")
    working = await ticket_in(org, "in_progress")
    async with start_app("carla") as (app, pilot):
        screen = await home(app, pilot)
        assert "waiting for you" in cells(screen, "resolved", resolved)[2]
        assert "waiting for you" in cells(screen, "open", waiting)[2]
        assert "Waiting on customer" in cells(screen, "open", waiting)[2]
        assert "waiting for you" not in cells(screen, "open", working)[2]
        summary = str(screen.query_one("#waiting-summary").render())
        assert summary == "Waiting for you: 1 to accept or reject, 1 to answer"


async def test_enter_opens_the_ticket_and_n_opens_the_form(org, start_app):
    first = await ticket_in(org, "new", subject="primero")
    second = await ticket_in(org, "assigned", subject="segundo")
    async with start_app("carla") as (app, pilot):
        screen = await home(app, pilot)
        opened: list[int] = []
        app.open_ticket = opened.append
        table(screen, "open").focus()
        await pilot.press("down", "enter")
        assert opened == [row_ids(screen, "open")[1]] and set(row_ids(screen, "open")) == {first, second}

        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_tabs_switch_with_number_keys(org, start_app):
    closed = await ticket_in(org, "closed")
    async with start_app("carla") as (app, pilot):
        screen = await home(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "tab-closed"
        opened: list[int] = []
        app.open_ticket = opened.append
        await pilot.press("enter")
        assert opened == [closed]


async def test_live_refresh_shows_a_ticket_resolved_elsewhere(org, start_app):
    ticket = await ticket_in(org, "in_progress")
    async with start_app("carla", refresh_interval=0.3) as (app, pilot):
        screen = await home(app, pilot)
        assert row_ids(screen, "open") == [ticket]
        table(screen, "open").focus()
        await org.store.tickets.act(actor(org, "ana"), ticket, "resolve", text="Cambiado el router")
        await wait_for(pilot, lambda: row_ids(screen, "resolved") == [ticket], timeout=2)
        assert row_ids(screen, "open") == []
        assert "waiting for you" in cells(screen, "resolved", ticket)[2]


async def test_hostile_subject_is_shown_literally(org, start_app):
    hostile = await new_ticket(org, subject="[@click=app.quit]x")
    other = await new_ticket(org, subject="[b]negrita[/b] \x1b[2J")
    async with start_app("carla", size=(120, 30)) as (app, pilot):
        screen = await home(app, pilot)
        assert cells(screen, "open", hostile)[1] == "[@click=app.quit]x"
        assert cells(screen, "open", other)[1] == "[b]negrita[/b]"
        await pilot.press("down", "up")
        assert app.is_running  # nothing in the text was run as an action


async def test_role_user_gets_my_tickets_in_spanish(org, start_app):
    resolved = await ticket_in(org, "resolved", by="ursula")
    async with start_app("ursula", lang="es") as (app, pilot):
        screen = await home(app, pilot)
        assert row_ids(screen, "resolved") == [resolved]
        state = cells(screen, "resolved", resolved)[2]
        assert state.startswith("Resuelto") and "pendiente de usted" in state
        header = [str(c.label) for c in table(screen, "resolved").columns.values()]
        assert header == ["Número", "Asunto", "Estado", "Actualizado", "Asignado a"]
        assert str(screen.query_one(TabbedContent).get_tab("tab-resolved").label) == "Casos resueltos (1)"
