"""My tickets: the home of customers and users (issue 3 item 3).

Three tabs — Open, Resolved (waiting for the person's answer) and Closed (closed and cancelled
history) — with what waits for the person marked in words: a resolution to accept or reject, or
a question from the agent. `n` opens the case form. The lists follow the store live: a cheap
`last_change()` probe every `app.refresh_interval` seconds reloads them when anything changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static, TabbedContent, TabPane

from helpdesk_tui.i18n import _
from helpdesk_tui.labels import STATE_LABELS, now, tab_query, tab_states
from helpdesk_tui.screens.survey import PendingSurveys  # V2: "Answer survey" (issue 5)
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.views import Page, TicketRow

PAGE_SIZE = 100


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    query: str
    empty: str


TABS = (
    Tab("open", "Open cases", "is:open sort:-updated",
        "No open cases. Press n to open one."),
    Tab("resolved", "Resolved cases", tab_query("resolved") + " sort:-updated",
        "No resolution waits for your answer."),
    Tab("closed", "Closed cases", "status:closed,cancelled sort:-updated",
        "No closed or cancelled cases yet."),
)  # fmt: skip
TAB_STATES = {
    "open": (*tab_states("new"), "assigned", *tab_states("in_progress"), "waiting"),
    "resolved": tab_states("resolved"),  # + five-stage Testing
    "closed": ("closed", "cancelled"),
}
# States that wait for the person: a resolution to accept or reject, a question to answer.
WAITING_FOR_YOU = frozenset({"resolved", "waiting", "testing"})


def updated_label(moment: datetime, now: datetime) -> str:
    """Today: the time; otherwise the date. Local time of the terminal."""
    local, today = moment.astimezone(), now.astimezone()
    return local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%Y-%m-%d")


@dataclass
class TabData:
    rows: list[TicketRow] = field(default_factory=list)
    next_cursor: Any = None
    loading_more: bool = False


class MyTicketsScreen(TranslatedBindings, Screen[None]):
    BINDINGS = [
        Binding("enter", "open_selected", "Open ticket", id="my_tickets.open"),
        Binding("n", "new_case", "Open a case", id="my_tickets.new_case"),
        Binding("r", "reload", "Refresh", id="my_tickets.refresh"),
        Binding("1", "show_tab('open')", "Open cases", show=False, id="my_tickets.tab_open"),
        Binding("2", "show_tab('resolved')", "Resolved cases", show=False, id="my_tickets.tab_resolved"),
        Binding("3", "show_tab('closed')", "Closed cases", show=False, id="my_tickets.tab_closed"),
        Binding("S", "answer_survey", "Answer survey", id="my_tickets.survey"),
    ]

    DEFAULT_CSS = """
    MyTicketsScreen #mine-bar {
        height: auto;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    MyTicketsScreen #waiting-summary {
        width: 1fr;
        padding: 0 1 0 0;
    }
    MyTicketsScreen #waiting-summary.-waiting {
        text-style: bold;
        color: $text-warning;
    }
    MyTicketsScreen #open-case {
        width: auto;
        min-width: 0;
    }
    MyTicketsScreen TabbedContent { height: 1fr; }
    MyTicketsScreen TabPane { padding: 0; }
    MyTicketsScreen DataTable { height: 1fr; }
    MyTicketsScreen .empty {
        display: none;
        padding: 1 2;
        color: $text-muted;
    }
    MyTicketsScreen TabPane.-empty .empty { display: block; }
    MyTicketsScreen TabPane.-empty DataTable { display: none; }
    App:nocolor MyTicketsScreen DataTable > .datatable--cursor { text-style: reverse bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, TabData] = {tab.key: TabData() for tab in TABS}
        self.counts: dict[str, int] = {}
        self.loaded = False
        """True once the lists have been loaded at least once (tests wait on it)."""
        self.reloads = 0
        self._token: object = None
        self._polling = False

    # ---------------------------------------------------------------- compose

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="mine-bar"):
            yield Static("", id="waiting-summary", markup=False)
            yield Button(_("Open a case") + " (n)", id="open-case", compact=True)
        yield PendingSurveys(id="pending-surveys")
        with TabbedContent(id="tabs"):
            for tab in TABS:
                with TabPane(_(tab.title), id=f"tab-{tab.key}"):
                    table: DataTable[Any] = DataTable(
                        id=f"list-{tab.key}", cursor_type="row", zebra_stripes=False
                    )
                    yield table
                    yield Static(_(tab.empty), classes="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("My tickets")
        for tab in TABS:
            self._add_columns(self.query_one(f"#list-{tab.key}", DataTable))
        self.reload()
        self.set_interval(self.app.refresh_interval, self._poll, name="my-tickets-refresh")

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    def on_resize(self) -> None:
        if self.loaded:
            for tab in TABS:
                self._render_tab(tab.key)

    # ----------------------------------------------------------------- columns

    def _widths(self) -> dict[str, int]:
        states = max(len(_(label)) for label in STATE_LABELS.values())
        badge = len(_("waiting for you")) + 2
        widths = {"number": 9, "state": max(states, badge), "updated": 10, "assignee": 12}
        available = max(self.size.width, 40) - sum(widths.values()) - 2 * 5 - 2
        widths["subject"] = max(12, available)
        return widths

    def _add_columns(self, table: DataTable[Any]) -> None:
        widths = self._widths()
        for key, title in (
            ("number", _("Number")),
            ("subject", _("Subject")),
            ("state", _("State")),
            ("updated", _("Updated")),
            ("assignee", _("Assignee")),
        ):
            table.add_column(title, key=key, width=widths[key])

    # -------------------------------------------------------------- loading

    def reload(self) -> None:
        self.run_worker(self._load(), group="load", exclusive=True)

    def action_reload(self) -> None:
        self.reload()

    async def _load(self) -> None:
        store, actor = self.app.store, self.app.actor
        token = await store.session.last_change()
        counts = await store.tickets.count_by_status(actor)
        pages: dict[str, Page] = {}
        for tab in TABS:
            # Keep as many rows as are shown, so a refresh never shortens the list under the cursor.
            limit = max(PAGE_SIZE, len(self.data[tab.key].rows))
            pages[tab.key] = await store.tickets.page(actor, tab.query, limit=limit)
        self._token = token
        self.counts = counts
        for key, page in pages.items():
            self.data[key] = TabData(list(page.rows), page.next_cursor)
            self._render_tab(key)
        self._render_summary()
        self.query_one(PendingSurveys).reload()
        if not self.loaded:
            table = self.current_table
            if table is not None:
                table.focus()
        self.loaded = True
        self.reloads += 1

    async def _load_more(self, key: str) -> None:
        data = self.data[key]
        if data.next_cursor is None or data.loading_more:
            return
        data.loading_more = True
        try:
            tab = next(t for t in TABS if t.key == key)
            page = await self.app.store.tickets.page(
                self.app.actor, tab.query, after=data.next_cursor, limit=PAGE_SIZE
            )
        finally:
            data.loading_more = False
        known = {row.id for row in data.rows}
        data.rows.extend(row for row in page.rows if row.id not in known)
        data.next_cursor = page.next_cursor
        self._render_tab(key)

    async def _poll(self) -> None:
        """Reload when the store says something changed; only while this screen is on top."""
        if not self.loaded or self._polling or not self.is_current or self.app.store is None:
            return
        self._polling = True
        try:
            token = await self.app.store.session.last_change()
        finally:
            self._polling = False
        if token != self._token:
            self.reload()

    # -------------------------------------------------------------- rendering

    def _render_tab(self, key: str) -> None:
        table = self.query_one(f"#list-{key}", DataTable)
        pane = self.query_one(f"#tab-{key}", TabPane)
        rows = self.data[key].rows
        selected = self._selected_key(table)
        widths = self._widths()
        for column_key, column in table.columns.items():
            column.width = widths[str(column_key.value)]
            column.auto_width = False
        table.clear()
        for row in rows:
            waiting = row.status in WAITING_FOR_YOU
            table.add_row(*self._cells(row, widths), key=str(row.id), height=2 if waiting else 1)
        pane.set_class(not rows, "-empty")
        if selected is not None and selected in {str(r.id) for r in rows}:
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        count = sum(self.counts.get(state, 0) for state in TAB_STATES[key])
        tab_title = next(t.title for t in TABS if t.key == key)
        label = Content(f"{_(tab_title)} ({count})")
        self.query_one("#tabs", TabbedContent).get_tab(f"tab-{key}").label = label

    def _cells(self, row: TicketRow, widths: dict[str, int]) -> list[Text]:
        subject = one_line(row.subject)
        subject.truncate(widths["subject"], overflow="ellipsis")
        state = Text(_(STATE_LABELS.get(row.status, row.status)))
        if row.status in WAITING_FOR_YOU:
            state.append("\n")
            state.append(" " + _("waiting for you") + " ", style="bold reverse")
        assignee = one_line(row.assignee) if row.assignee else Text(_("unassigned"), style="dim")
        assignee.truncate(widths["assignee"], overflow="ellipsis")
        return [
            Text(row.number),
            subject,
            state,
            Text(updated_label(row.updated_at, now())),
            assignee,
        ]

    def _render_summary(self) -> None:
        summary = self.query_one("#waiting-summary", Static)
        resolved = sum(self.counts.get(state, 0) for state in TAB_STATES["resolved"])
        waiting = self.counts.get("waiting", 0)
        parts = []
        if resolved:
            parts.append(_("{n} to accept or reject", n=resolved))
        if waiting:
            parts.append(_("{n} to answer", n=waiting))
        if parts:
            summary.update(_("Waiting for you") + ": " + ", ".join(parts))
        else:
            summary.update(_("Nothing is waiting for you."))
        summary.set_class(bool(parts), "-waiting")

    @staticmethod
    def _selected_key(table: DataTable[Any]) -> str | None:
        if table.row_count == 0:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001 - the cursor is outside the rows
            return None

    # ---------------------------------------------------------------- actions

    @property
    def current_table(self) -> DataTable[Any] | None:
        pane = self.query_one("#tabs", TabbedContent).active_pane
        if pane is None:
            return None
        return pane.query_one(DataTable)

    def action_open_selected(self) -> None:
        table = self.current_table
        key = self._selected_key(table) if table is not None else None
        if key is not None:
            self.app.open_ticket(int(key))

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.open_ticket(int(event.row_key.value))

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = (event.data_table.id or "").removeprefix("list-")
        data = self.data.get(key)
        if data and data.next_cursor is not None and event.cursor_row >= event.data_table.row_count - 1:
            self.run_worker(self._load_more(key), group=f"more-{key}", exclusive=True)

    def action_new_case(self) -> None:
        self.app.action_new_case()

    def action_answer_survey(self) -> None:
        self.query_one(PendingSurveys).open_highlighted()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer_survey":  # shown only while a survey waits (issue 5)
            pending = self.query(PendingSurveys)
            return bool(pending) and pending.first().has_class("-some")
        return True

    @on(Button.Pressed, "#open-case")
    def open_case_pressed(self) -> None:
        self.app.action_new_case()

    def action_show_tab(self, key: str) -> None:
        self.query_one("#tabs", TabbedContent).active = f"tab-{key}"
        table = self.current_table
        if table is not None:
            table.focus()
