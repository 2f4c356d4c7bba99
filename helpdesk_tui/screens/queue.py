"""The staff home: the queue (SPEC Q1-Q5).

Tabs with live counts, the filter line, saved views on 1-9, sortable columns, a preview of the
selected ticket, marks and bulk actions with a counted confirmation and a per-ticket summary,
and a status line. The table shows a window of keyset pages (widgets/ticket_table.py); a poll of
`session.last_change()` reloads counts and the window in place, keeping the cursor on the same
ticket, and pauses while a dialog (or any other screen) is on top.

Every question goes to the store in a worker; answers come back as messages (messages.py)
tagged with a generation so that a late answer to an old question is dropped.
"""

from __future__ import annotations

import asyncio
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.messages import CountsLoaded, PreviewLoaded, QueryRefused, QueueLoaded, TotalLoaded
from helpdesk_tui.text import strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings
from helpdesk_tui.widgets.bulk import BulkResultDialog, Choice, ChoicePicker, ConfirmDialog, TextPrompt, person_choices
from helpdesk_tui.widgets.filter_bar import FilterBar, StatusLine, TabBar, TabSpec
from helpdesk_tui.widgets.ticket_table import (
    DESCENDING_FIRST,
    SORT_FIELDS,
    TicketFeed,
    TicketPreview,
    TicketTable,
    TicketWindow,
    join_sort,
    queue_queries,
    split_sort,
)

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.store.views import Page, TicketDetail, TicketRow

TABS = (
    TabSpec("new", "New", labels.tab_query("new")),  # + five-stage Opened (labels.PHASE)
    TabSpec("assigned", "Assigned", "status:assigned"),
    TabSpec("in_progress", "In progress", labels.tab_query("in_progress")),
    TabSpec("waiting", "Waiting", "status:waiting"),
    TabSpec("resolved", "Resolved", labels.tab_query("resolved")),
    TabSpec("closed", "Closed", "status:closed"),
    TabSpec("cancelled", "Cancelled", "status:cancelled"),
    TabSpec("mine", "Mine", "is:open is:mine"),
    TabSpec("unassigned", "Unassigned", "is:open is:unassigned"),
    TabSpec("all", "All", ""),
)
"""Each tab is a query prefix AND-ed with the filter line. Mine and Unassigned are open work:
what is on someone's desk, and what waits for a supervisor."""

DEFAULT_SORT = "-prio,created"
PAGE_SIZE = 100
CAPACITY = 300  # rows the table holds at most
EDGE = 20  # rows from the end of the window at which the next page is read
MOVE_SAMPLE = 50  # tickets asked for their available moves before offering them

# The clock of the freshness text; a test may freeze it.
clock = monotonic


class QueueScreen(TranslatedBindings, Screen[None]):
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]

    DEFAULT_CSS = """
    QueueScreen #queue-body {
        height: 1fr;
    }
    QueueScreen #queue-main {
        width: 1fr;
    }
    QueueScreen #queue-empty {
        display: none;
        padding: 1 2;
        color: $text-muted;
    }
    QueueScreen.-empty #queue-empty {
        display: block;
    }
    QueueScreen.-narrow TicketPreview {
        display: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="queue.open"),
        Binding("slash", "filter", "Filter", id="queue.filter"),
        Binding("space", "mark", "Mark", id="queue.mark"),
        Binding("V", "mark_visible", "Mark all shown", id="queue.mark_visible", show=False),
        Binding("a", "assign", "Assign", id="queue.assign"),
        Binding("t", "take", "Take", id="queue.take"),
        Binding("m", "move", "Move", id="queue.move"),
        Binding("c", "comment", "Add a comment", id="queue.comment", show=False),
        Binding("r", "refresh", "Refresh", id="queue.refresh", show=False),
        Binding("n", "new_case", "New case", id="queue.new_case", show=False),
        Binding("s", "sort", "Sort by next column", id="queue.sort", show=False),
        Binding("S", "flip_sort", "Reverse the sort", id="queue.flip_sort", show=False),
        Binding("g,home", "top", "First ticket", id="queue.top", show=False),
        Binding("G,end", "bottom", "Last ticket", id="queue.bottom", show=False),
        Binding("l,right", "tab(1)", "Next tab", id="queue.next_tab", show=False),
        Binding("h,left", "tab(-1)", "Previous tab", id="queue.previous_tab", show=False),
        Binding("escape", "back", "Clear marks or filter", id="queue.back", show=False),
        Binding("q", "quit", "Quit", id="queue.quit", show=False),
        Binding("O", "app.outbox", "Outbox", id="queue.outbox", show=False),
        *(
            Binding(str(key), f"view('{key}')", "Saved view", id=f"queue.view_{key}", show=False)
            for key in range(1, 10)
        ),
    ]

    def __init__(self, *, tab: str = "new", filter_text: str = "") -> None:
        super().__init__()
        self.tab = tab
        self.filter_text = filter_text
        self.sort = DEFAULT_SORT
        self.generation = 0
        self.window: TicketWindow | None = None
        self.counts: dict[str, int] = {}
        self.total: int | None = None
        self.marked: dict[int, TicketRow] = {}
        self.fresh_at: float | None = None
        self._token: Any = None
        self._polling = False
        self._window_busy = 0
        self._previews: dict[tuple[int, int], TicketDetail] = {}
        self.first_page_shown = asyncio.Event()
        """Set once the first page of tickets has been painted (for startup benchmarks)."""

    @property
    def helpdesk(self) -> HelpdeskApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield TabBar(TABS, self.tab, id="queue-tabs")
        yield FilterBar(self.filter_text, id="queue-filter")
        with Horizontal(id="queue-body"):
            with Vertical(id="queue-main"):
                yield TicketTable(id="queue-table")
                yield Static(Content(_("No tickets here.")), id="queue-empty")
            yield TicketPreview(id="queue-preview")
        yield StatusLine(id="queue-status")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def tab_spec(self) -> TabSpec:
        return next(tab for tab in TABS if tab.id == self.tab)

    def on_mount(self) -> None:
        self.table.set_sort(self.sort)
        self.table.focus()
        self.load()
        self.load_counts(first=True)
        self.set_interval(max(0.1, self.helpdesk.refresh_interval), self._poll)
        self.set_interval(1.0, self.update_status)
        self.update_status()

    def on_screen_resume(self) -> None:
        if self.window is not None:
            self._poll()

    # ----------------------------------------------------------------- loading

    def query_parts(self) -> tuple[str, str | None]:
        return queue_queries(self.sort, self.tab_spec.query, self.filter_text)

    def load(self, *, at_end: bool = False) -> None:
        """Start a new window for the current tab, filter and sort."""
        self.generation += 1
        query, reverse_query = self.query_parts()
        self.window = TicketWindow(TicketFeed(self._fetch, query, reverse_query), page_size=PAGE_SIZE, capacity=CAPACITY)
        self.table.set_sort(self.sort)
        self._run_window(self.window, "load", at_end=at_end)
        self.load_total()

    async def _fetch(self, query: str, *, after: Any = None, before: Any = None, limit: int = 100) -> Page:
        return await self.helpdesk.store.tickets.page(self.helpdesk.actor, query, after=after, before=before, limit=limit)

    def _run_window(self, window: TicketWindow, how: str, **options: Any) -> None:
        self.run_worker(self._window_task(window, self.generation, how, **options), group="window", exclusive=True)

    async def _window_task(self, window: TicketWindow, generation: int, how: str, *, at_end: bool = False, keep_id: int | None = None) -> None:
        from helpdesk_tui.store.errors import HelpdeskError, QueryError

        self._window_busy += 1
        shift = 0
        try:
            if how == "load":
                await window.load(at_end=at_end)
            elif how == "down":
                shift = await window.extend_down()
            elif how == "up":
                shift = await window.extend_up()
            else:
                await window.reload()
        except QueryError as error:
            self.post_message(QueryRefused(generation, error))
            return
        except HelpdeskError as error:
            self.helpdesk.show_error(error)
            return
        finally:
            self._window_busy -= 1
        self.post_message(QueueLoaded(generation, how, keep_id=keep_id, at_end=at_end, shift=shift))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.generation != self.generation or self.window is None:
            return
        rows = self.window.rows
        table = self.table
        if message.how == "load":
            table.show_rows(rows, keep_id=message.keep_id, index=len(rows) - 1 if message.at_end else 0)
        elif message.how == "reload":
            # The ticket under the cursor now (the user may have moved while it loaded).
            table.show_rows(rows, keep_id=table.selected_id or message.keep_id)
        else:
            table.show_rows(rows, keep_id=table.selected_id, index=table.cursor_row + message.shift)
        table.set_marked(set(self.marked))
        self.set_class(not rows, "-empty")
        self.fresh_at = clock()
        self.update_status()
        if not self.first_page_shown.is_set():
            self.call_after_refresh(self.first_page_shown.set)
        self.call_after_refresh(self._check_edges)
        self._request_preview()

    def on_query_refused(self, message: QueryRefused) -> None:
        if message.generation == self.generation:
            self.filter_bar.show_error(message.error.message(_), getattr(message.error, "position", None))

    def _check_edges(self) -> None:
        window = self.window
        if window is None or not window.loaded or self._window_busy:
            return
        table = self.table
        index, count = table.cursor_row, len(table.rows_shown)
        if window.more_below and index >= count - EDGE:
            self._run_window(window, "down")
        elif window.more_above and index < EDGE:
            self._run_window(window, "up")

    @work(group="counts", exclusive=True)
    async def load_counts(self, first: bool = False) -> None:
        store, actor = self.helpdesk.store, self.helpdesk.actor
        if first:
            self._token = await store.session.last_change()
        by_status = await store.tickets.count_by_status(actor)
        mine = await store.tickets.count(actor, self._tab("mine").query)
        unassigned = await store.tickets.count(actor, self._tab("unassigned").query)
        counts = labels.tab_counts(by_status)
        counts.update(mine=mine, unassigned=unassigned, all=sum(by_status.values()))
        self.post_message(CountsLoaded(counts))

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        self.query_one(TabBar).counts = dict(message.counts)
        if not self.filter_text.strip():
            self.total = self.counts.get(self.tab)
        self.update_status()

    def load_total(self) -> None:
        """The status line's total: from the tab counts without a filter, else counted."""
        if not self.filter_text.strip():
            self.total = self.counts.get(self.tab)
            self.update_status()
            return
        self.total = None
        self.run_worker(self._count_total(self.generation, self.query_parts()[0]), group="total", exclusive=True)

    async def _count_total(self, generation: int, query: str) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            total = await self.helpdesk.store.tickets.count(self.helpdesk.actor, query)
        except HelpdeskError:
            total = None
        self.post_message(TotalLoaded(generation, total))

    def on_total_loaded(self, message: TotalLoaded) -> None:
        if message.generation == self.generation:
            self.total = message.total
            self.update_status()

    @staticmethod
    def _tab(tab_id: str) -> TabSpec:
        return next(tab for tab in TABS if tab.id == tab_id)

    # ------------------------------------------------------------ live refresh

    def _poll(self) -> None:
        """Ask whether anything changed; paused while another screen (a dialog) is on top."""
        if self._polling or self.app.screen is not self or self.window is None:
            return
        self._polling = True
        self.run_worker(self._check_for_changes(), group="poll")

    async def _check_for_changes(self) -> None:
        try:
            token = await self.helpdesk.store.session.last_change()
        except Exception:  # a busy or lost database: try again at the next tick
            self._polling = False
            return
        self._polling = False
        if token == self._token:
            self.fresh_at = clock()
            return
        if self._window_busy or self.app.screen is not self:
            return  # the token stays old, so the next tick tries again
        self._token = token
        self.reload()

    def reload(self) -> None:
        """Counts, total and the same stretch of the queue again, cursor on the same ticket."""
        if self.window is None:
            return
        self.load_counts()
        self._run_window(self.window, "reload", keep_id=self.table.selected_id)
        if self.filter_text.strip():
            self.run_worker(self._count_total(self.generation, self.query_parts()[0]), group="total", exclusive=True)

    # ------------------------------------------------------------- the status

    def update_status(self) -> None:
        if not self.is_mounted:
            return
        table = self.table
        window = self.window
        total = self.total
        if table.rows_shown and window is not None:
            position = window.position(table.cursor_row, total)
        else:
            position = 0 if total == 0 or (window and window.loaded) else None
        shown_total = "…" if total is None else labels.number(total)
        parts: list[str | tuple[str, str] | Content] = [
            ("—" if position is None else labels.number(position)) + "/" + shown_total,
        ]
        parts.append(" · " + _("sort {sort}", sort=self.sort))
        if self.marked:
            parts.append(" · ")
            parts.append((labels.nplural(len(self.marked), "{n} marked", "{n} marked"), "bold $text-accent"))
        parts.append(" · " + self.freshness())
        if self.filter_text.strip():
            parts.append(" · ")
            parts.append(Content(strip_controls(self.filter_text, single_line=True)))
        self.query_one(StatusLine).update(Content.assemble(*parts))

    def freshness(self) -> str:
        if self.fresh_at is None:
            return _("loading…")
        seconds = int(clock() - self.fresh_at)
        if seconds < 2:
            return _("updated just now")
        if seconds < 120:
            return _("updated {n} s ago", n=seconds)
        return _("updated {n} min ago", n=seconds // 60)

    # ---------------------------------------------------------------- preview

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.update_status()
        self._check_edges()
        self._request_preview()

    def _request_preview(self) -> None:
        if not self.has_class("-wide"):
            return
        row = self.table.selected
        preview = self.query_one(TicketPreview)
        if row is None:
            preview.clear()
            return
        cached = self._previews.get((row.id, row.version))
        if cached is not None:
            preview.show(cached)
            return
        self.run_worker(self._load_preview(row.id, row.version), group="preview", exclusive=True)

    async def _load_preview(self, ticket_id: int, version: int) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        await asyncio.sleep(0.08)  # let a held j/k settle before asking
        try:
            detail = await self.helpdesk.store.tickets.show(self.helpdesk.actor, ticket_id)
        except HelpdeskError:
            return
        if len(self._previews) > 64:
            self._previews.clear()
        self._previews[(ticket_id, version)] = detail
        self.post_message(PreviewLoaded(ticket_id, detail))

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        if self.table.selected_id == message.ticket_id:
            self.query_one(TicketPreview).show(message.detail)

    def on_resize(self) -> None:
        self.call_after_refresh(self._request_preview)

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        """With --mouse: a click on a column title sorts by it, a second click reverses."""
        event.stop()
        spec = next((spec for spec in self.table.plan if spec.key == str(event.column_key.value)), None)
        if spec is None or spec.sort is None:
            return
        keys = split_sort(self.sort)
        if keys and keys[0][0] == spec.sort:
            self.action_flip_sort()
        else:
            self.set_sort(DEFAULT_SORT if spec.sort == "prio" else join_sort([(spec.sort, spec.sort in DESCENDING_FIRST)]))

    # ------------------------------------------------------------ navigation

    def action_open(self) -> None:
        ticket_id = self.table.selected_id
        if ticket_id is not None:
            self.helpdesk.open_ticket(ticket_id)

    def action_new_case(self) -> None:
        self.helpdesk.action_new_case()

    def action_top(self) -> None:
        if self.window is None:
            return
        if self.window.more_above:
            self.load()
        elif self.table.row_count:
            self.table.move_cursor(row=0)

    def action_bottom(self) -> None:
        if self.window is None:
            return
        if self.window.more_below:
            self.load(at_end=True)
        elif self.table.row_count:
            self.table.move_cursor(row=self.table.row_count - 1)

    def action_tab(self, step: int) -> None:
        ids = [tab.id for tab in TABS]
        self.select_tab(ids[(ids.index(self.tab) + step) % len(ids)])

    def action_select_tab(self, tab_id: str) -> None:
        """A tab clicked (with --mouse)."""
        if tab_id != self.tab and any(tab.id == tab_id for tab in TABS):
            self.select_tab(tab_id)

    def select_tab(self, tab_id: str) -> None:
        self.tab = tab_id
        self.query_one(TabBar).active = tab_id
        self.load()

    def action_refresh(self) -> None:
        self.reload()

    def action_quit(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit(0)

    def action_back(self) -> None:
        if self.marked:
            self.marked.clear()
            self.table.set_marked(set())
            self.update_status()
        elif self.filter_text:
            self.apply_filter("")

    # ------------------------------------------------------------ filter, sort

    def action_filter(self) -> None:
        self.filter_bar.focus_input()

    @on(FilterBar.Applied)
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        event.stop()
        if self.apply_filter(event.text):
            self.table.focus()

    @on(FilterBar.Cancelled)
    def _filter_cancelled(self, event: FilterBar.Cancelled) -> None:
        event.stop()
        self.table.focus()

    def apply_filter(self, text: str) -> bool:
        """Use `text` as the filter line. A filter the store cannot read shows its error inline
        and changes nothing else; returns whether it was applied."""
        from helpdesk_tui.store.errors import QueryError
        from helpdesk_tui.store.query import describe_sort, parse_query

        bar = self.filter_bar
        try:
            parsed = parse_query(text)
        except QueryError as error:
            bar.input.value = text
            bar.show_error(error.message(_), error.position)
            return False
        if parsed.sort:
            self.sort = describe_sort(parsed.sort)
        self.filter_text = text
        bar.set_text(text)
        self.load()
        return True

    def action_view(self, key: str) -> None:
        views = self.helpdesk.settings.views if self.helpdesk.settings else {}
        text = views.get(key)
        if text is None:
            return
        if self.tab != "all":
            self.tab = "all"
            self.query_one(TabBar).active = "all"
        if not self.apply_filter(text):
            self.load()

    def action_sort(self) -> None:
        keys = split_sort(self.sort)
        current = keys[0][0] if keys else None
        fields = list(SORT_FIELDS)
        field = fields[(fields.index(current) + 1) % len(fields)] if current in fields else fields[0]
        self.set_sort(DEFAULT_SORT if field == "prio" else join_sort([(field, field in DESCENDING_FIRST)]))

    def action_flip_sort(self) -> None:
        self.set_sort(join_sort([(field, not desc) for field, desc in split_sort(self.sort)]))

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.load()
        self.update_status()

    # ------------------------------------------------------------------ marks

    def action_mark(self) -> None:
        row = self.table.selected
        if row is None:
            return
        if row.id in self.marked:
            del self.marked[row.id]
        else:
            self.marked[row.id] = row
        self.table.set_marked(set(self.marked))
        self.table.action_cursor_down()
        self.update_status()

    def action_mark_visible(self) -> None:
        rows = self.table.rows_shown
        if rows and all(row.id in self.marked for row in rows):
            for row in rows:
                self.marked.pop(row.id, None)
        else:
            for row in rows:
                self.marked.setdefault(row.id, row)
        self.table.set_marked(set(self.marked))
        self.update_status()

    def targets(self) -> list[TicketRow]:
        """The marked tickets, else the one under the cursor."""
        if self.marked:
            return list(self.marked.values())
        row = self.table.selected
        return [row] if row is not None else []

    # ------------------------------------------------------------ bulk actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.helpdesk.actor
        if action == "assign":
            return actor is not None and actor.can("ticket.assign")
        if action == "take":
            return actor is not None and (actor.can("ticket.assign") or actor.can("ticket.assign_self"))
        if action == "view":
            settings = self.helpdesk.settings
            return bool(settings and settings.views.get(str(parameters[0]) if parameters else ""))
        return True

    def action_assign(self) -> None:
        self.assign_to(None)

    def action_take(self) -> None:
        self._take()

    def action_move(self) -> None:
        self._move()

    def action_comment(self) -> None:
        self._comment()

    @work(group="bulk", exclusive=True)
    async def assign_to(self, username: str | None) -> None:
        """Assign the targets (marked rows or the cursor row) to `username`, asking who when
        not given."""
        rows = self.targets()
        if not rows:
            self.notify(_("No ticket selected."), severity="warning")
            return
        if username is None:
            areas = {row.area for row in rows if row.area}
            people = await self.helpdesk.store.catalog.area_staff(areas.pop() if len(areas) == 1 else None)
            title = labels.nplural(len(rows), "Assign {n} ticket to…", "Assign {n} tickets to…")
            username = await self.app.push_screen_wait(ChoicePicker(title, person_choices(people)))
            if not username:
                return
        name = strip_controls(username, single_line=True)
        question = labels.nplural(len(rows), "Assign {n} ticket to {name}?", "Assign {n} tickets to {name}?", name=name)
        await self._run_bulk(rows, "assign", question, to=username)

    @work(group="bulk", exclusive=True)
    async def _take(self) -> None:
        rows = self.targets()
        if not rows:
            self.notify(_("No ticket selected."), severity="warning")
            return
        question = labels.nplural(len(rows), "Take {n} ticket?", "Take {n} tickets?")
        await self._run_bulk(rows, "take", question)

    @work(group="bulk", exclusive=True)
    async def _move(self) -> None:
        rows = self.targets()
        if not rows:
            self.notify(_("No ticket selected."), severity="warning")
            return
        tickets, actor = self.helpdesk.store.tickets, self.helpdesk.actor
        possible: dict[str, int] = {}
        sample = rows[:MOVE_SAMPLE]
        for row in sample:
            for action in await tickets.available_actions(actor, row.id):
                if action in labels.MOVE_ACTIONS:
                    possible[action] = possible.get(action, 0) + 1
        if not possible:
            self.notify(labels.nplural(len(rows), "This ticket cannot move now.", "None of these tickets can move now."), severity="warning")
            return
        choices = []
        for action in labels.MOVE_ACTIONS:
            if action in possible:
                shown = labels.label(labels.ACTION_LABELS, action)
                hint = _("{n} of {total}", n=possible[action], total=len(sample))
                choices.append(Choice(action, Content.assemble(shown, ("  " + hint, "$text-muted")), shown))
        title = labels.nplural(len(rows), "Move {n} ticket", "Move {n} tickets")
        action = await self.app.push_screen_wait(ChoicePicker(title, choices))
        if not action:
            return
        text = None
        needs = labels.ACTION_TEXT.get(action)
        shown = labels.label(labels.ACTION_LABELS, action)
        if needs:
            text = await self.app.push_screen_wait(
                TextPrompt(shown, label=_(labels.ACTION_PROMPTS[action]), required=needs == "required", button=shown)
            )
            if text is None:
                return
        question = labels.nplural(len(rows), "{action}: {n} ticket?", "{action}: {n} tickets?", action=shown)
        await self._run_bulk(rows, action, question, text=text or None)

    @work(group="bulk", exclusive=True)
    async def _comment(self) -> None:
        rows = self.targets()
        if not rows:
            self.notify(_("No ticket selected."), severity="warning")
            return
        title = labels.nplural(len(rows), "Comment on {n} ticket", "Comment on {n} tickets")
        text = await self.app.push_screen_wait(TextPrompt(title, label=_("Public comment"), required=True, button=_("Add a comment")))
        if not text:
            return
        question = labels.nplural(len(rows), "Add this comment to {n} ticket?", "Add this comment to {n} tickets?")
        await self._run_bulk(rows, "comment", question, text=text)

    async def _run_bulk(self, rows: list[TicketRow], action: str, question: str, *, to: str | None = None, text: str | None = None) -> None:
        """Confirm (counting the tickets), apply through the store, show what happened."""
        if not await self.app.push_screen_wait(ConfirmDialog(question)):
            return
        results = await self.helpdesk.store.tickets.bulk(self.helpdesk.actor, [row.id for row in rows], action, to=to, text=text)
        for result in results:
            if result.applied:
                self.marked.pop(result.ticket_id, None)
        self.table.set_marked(set(self.marked))
        self.reload()
        title = labels.label(labels.ACTION_LABELS, action)
        await self.app.push_screen_wait(BulkResultDialog(title, results))
