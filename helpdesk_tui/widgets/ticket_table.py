"""The queue's ticket table and the window of rows that feeds it.

The table never holds the whole queue: `TicketWindow` keeps a few keyset pages (at most
`capacity` rows) around the cursor and asks the store for the next or previous page when the
cursor nears an edge. Jumping to the end (G) reads the first page of the *reversed* sort and
shows it upside down, so it costs one page whatever the size of the queue; from there the window
keeps paging in that reversed order. A reload re-reads the same stretch of the queue (used by the
live refresh) so the cursor can stay on the same ticket.

The table (`TicketTable`) is a DataTable with our own cells: untrusted text enters only through
`helpdesk_tui.text`, states always show as words (coloured by theme variables too), and columns
are dropped by priority when the terminal is narrow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Static

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line, safe, strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.views import Page, TicketDetail, TicketRow

    PageFetcher = Callable[..., Awaitable[Page]]

SORT_FIELDS = ("number", "subject", "account", "requester", "area", "prio", "status", "assignee", "age", "sla")
"""Sort names of the query language, in column order (what `s` cycles through)."""
DESCENDING_FIRST = frozenset({"prio", "age", "updated"})
"""Fields whose natural first direction is descending (most urgent, oldest first)."""
NOT_REVERSIBLE = frozenset({"sla"})
"""The store sorts tickets without a due time last in both directions, so reversing such a sort
is not the same order upside down; G then pages forward (bounded) instead."""


def split_sort(sort: str) -> list[tuple[str, bool]]:
    """"-prio,created" -> [("prio", True), ("created", False)]."""
    keys = []
    for part in sort.split(","):
        part = part.strip()
        if part:
            keys.append((part.removeprefix("-"), part.startswith("-")))
    return keys


def join_sort(keys: Sequence[tuple[str, bool]]) -> str:
    return ",".join(("-" if desc else "") + field for field, desc in keys)


def queue_queries(sort: str, *filters: str) -> tuple[str, str | None]:
    """(query, reversed query or None) for a sort and filter terms. The number is appended to
    the sort so that the reversed query is exactly the same order upside down."""
    keys = split_sort(sort)
    if all(field != "number" for field, _ in keys):
        keys.append(("number", False))
    body = " ".join(part for part in filters if part and part.strip())
    forward = f"sort:{join_sort(keys)} {body}".strip()
    if any(field in NOT_REVERSIBLE for field, _ in keys):
        return forward, None
    backward = f"sort:{join_sort([(f, not d) for f, d in keys])} {body}".strip()
    return forward, backward


# ------------------------------------------------------------------------------- the window


@dataclass
class Chunk:
    """Rows in display order, with the keys to continue above and below them."""

    rows: list[TicketRow]
    top_key: Any
    bottom_key: Any
    more_above: bool
    more_below: bool


class TicketFeed:
    """Pages of one queue in display order. `reversed_mode` reads the reversed query: its first
    page is the end of the queue."""

    def __init__(self, fetch: PageFetcher, query: str, reverse_query: str | None) -> None:
        self.fetch = fetch
        self.query = query
        self.reverse_query = reverse_query

    async def down(self, key: Any, limit: int, *, reversed_mode: bool) -> Chunk:
        """Rows below `key` (from the top when key is None and not reversed)."""
        if not reversed_mode:
            page = await self.fetch(self.query, after=key, limit=limit)
            return Chunk(list(page.rows), page.prev_cursor, page.next_cursor, key is not None, page.next_cursor is not None)
        page = await self.fetch(self.reverse_query, before=key, limit=limit)
        return Chunk(list(reversed(page.rows)), page.next_cursor, page.prev_cursor, True, page.prev_cursor is not None)

    async def up(self, key: Any, limit: int, *, reversed_mode: bool) -> Chunk:
        """Rows above `key` (from the bottom when key is None and reversed)."""
        if not reversed_mode:
            page = await self.fetch(self.query, before=key, limit=limit)
            return Chunk(list(page.rows), page.prev_cursor, page.next_cursor, page.prev_cursor is not None, True)
        page = await self.fetch(self.reverse_query, after=key, limit=limit)
        return Chunk(list(reversed(page.rows)), page.next_cursor, page.prev_cursor, page.next_cursor is not None, key is not None)


class TicketWindow:
    """A few pages of the queue around the cursor. Methods fetch first and change the window
    only after the last await, so a cancelled load leaves it as it was."""

    def __init__(self, feed: TicketFeed, *, page_size: int = 100, capacity: int = 300) -> None:
        self.feed = feed
        self.page_size = page_size
        self.capacity = max(capacity, 2 * page_size)  # room for the page being read and the one shown
        self.chunks: list[Chunk] = []
        self.reversed_mode = False
        self.loaded = False
        self.rows_above: int | None = None  # rows of the queue above the window, when known
        self.rows_below: int | None = None

    @property
    def rows(self) -> list[TicketRow]:
        return [row for chunk in self.chunks for row in chunk.rows]

    @property
    def more_above(self) -> bool:
        return bool(self.chunks) and self.chunks[0].more_above

    @property
    def more_below(self) -> bool:
        return bool(self.chunks) and self.chunks[-1].more_below

    @property
    def can_reverse(self) -> bool:
        return self.feed.reverse_query is not None

    def position(self, index: int, total: int | None) -> int | None:
        """1-based position in the whole queue of the window's row `index`."""
        if self.rows_above is not None:
            return self.rows_above + index + 1
        if self.rows_below is not None and total is not None:
            return max(1, total - self.rows_below - (len(self.rows) - index) + 1)
        return None

    # -------------------------------------------------------------- loading

    async def load(self, *, at_end: bool = False, scan_limit: int = 20) -> None:
        """The first page, or with at_end the last one."""
        if not at_end:
            chunk = await self.feed.down(None, self.page_size, reversed_mode=False)
            self._replace([chunk], reversed_mode=False, above=0, below=None if chunk.more_below else 0)
            return
        if self.can_reverse:
            chunk = await self.feed.up(None, self.page_size, reversed_mode=True)
            self._replace([chunk], reversed_mode=True, above=None if chunk.more_above else 0, below=0)
            return
        # Not reversible: page forward, keeping the last pages, a bounded number of times.
        chunks: list[Chunk] = []
        skipped = 0
        key = None
        for _round in range(scan_limit):
            chunk = await self.feed.down(key, self.page_size * 5, reversed_mode=False)
            chunks.append(chunk)
            while sum(len(c.rows) for c in chunks) > self.capacity and len(chunks) > 1:
                skipped += len(chunks.pop(0).rows)
            if not chunk.more_below:
                break
            key = chunk.bottom_key
        self._replace(chunks, reversed_mode=False, above=skipped, below=None if chunks[-1].more_below else 0)

    def _replace(self, chunks: list[Chunk], *, reversed_mode: bool, above: int | None, below: int | None) -> None:
        self.chunks = self._dedupe(chunks)
        self.reversed_mode = reversed_mode
        self.rows_above, self.rows_below = above, below
        self.loaded = True

    @staticmethod
    def _dedupe(chunks: list[Chunk], seen: set[int] | None = None) -> list[Chunk]:
        """A ticket that moved while the pages were read may come twice: keep the first."""
        seen = set() if seen is None else seen
        for chunk in chunks:
            kept = [row for row in chunk.rows if row.id not in seen]
            seen.update(row.id for row in kept)
            chunk.rows = kept
        return chunks

    async def extend_down(self) -> int:
        """Read the page below; returns the change in rows above the old first row (negative
        when pages were dropped off the top to stay within capacity)."""
        if not self.more_below:
            return 0
        chunk = await self.feed.down(self.chunks[-1].bottom_key, self.page_size, reversed_mode=self.reversed_mode)
        self._dedupe([chunk], {row.id for row in self.rows})
        self.chunks.append(chunk)
        if self.rows_below is not None:
            self.rows_below = 0 if not chunk.more_below else max(0, self.rows_below - len(chunk.rows))
        dropped = 0
        while len(self.chunks) > 1 and sum(len(c.rows) for c in self.chunks) > self.capacity:
            dropped += len(self.chunks.pop(0).rows)
        if dropped and self.rows_above is not None:
            self.rows_above += dropped
        return -dropped

    async def extend_up(self) -> int:
        """Read the page above; returns how many rows now sit above the old first row."""
        if not self.more_above:
            return 0
        chunk = await self.feed.up(self.chunks[0].top_key, self.page_size, reversed_mode=self.reversed_mode)
        self._dedupe([chunk], {row.id for row in self.rows})
        self.chunks.insert(0, chunk)
        if self.rows_above is not None:
            self.rows_above = 0 if not chunk.more_above else max(0, self.rows_above - len(chunk.rows))
        dropped = 0
        while len(self.chunks) > 1 and sum(len(c.rows) for c in self.chunks) > self.capacity:
            dropped += len(self.chunks.pop().rows)
        if dropped and self.rows_below is not None:
            self.rows_below += dropped
        return len(chunk.rows)

    async def reload(self) -> None:
        """Re-read the same stretch of the queue (as many rows as the window holds)."""
        if not self.loaded:
            await self.load()
            return
        size = max(self.page_size, len(self.rows))
        if not self.more_above:
            chunk = await self.feed.down(None, size, reversed_mode=False)
            self._replace([chunk], reversed_mode=False, above=0, below=None if chunk.more_below else 0)
            return
        if not self.more_below and self.can_reverse:
            chunk = await self.feed.up(None, size, reversed_mode=True)
            self._replace([chunk], reversed_mode=True, above=None if chunk.more_above else 0, below=0)
            return
        # Somewhere in the middle: find the row just above the window, then read down from it.
        mode = self.reversed_mode
        probe = await self.feed.up(self.chunks[0].top_key, 1, reversed_mode=mode)
        if not probe.rows:
            chunk = await self.feed.down(None, size, reversed_mode=False)
            self._replace([chunk], reversed_mode=False, above=0, below=None if chunk.more_below else 0)
            return
        chunk = await self.feed.down(probe.bottom_key, size, reversed_mode=mode)
        self._replace(
            [chunk],
            reversed_mode=mode,
            above=self.rows_above,
            below=None if chunk.more_below else 0,
        )


# -------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str  # msgid; "" for the mark column
    width: int  # 0: takes the rest (the subject)
    drop: int  # 0 never dropped; higher numbers go first when narrow
    sort: str | None = None


def _widest(values: Sequence[str]) -> int:
    return max((len(value) for value in values), default=4)


def column_specs() -> list[ColumnSpec]:
    """The queue's columns in display order (SPEC Q3), sized for the current language."""
    state_width = _widest([_(msgid) for msgid in (*labels.STATE_SHORT.values(), "State")])
    prio_width = _widest([_(msgid) for msgid in labels.PRIORITY_SHORT.values()])
    specs = [
        ColumnSpec("mark", "", 1, 0),
        ColumnSpec("number", "Number", 9, 0, "number"),
        ColumnSpec("subject", "Subject", 0, 0, "subject"),
        ColumnSpec("account", "Account", 12, 3, "account"),
        ColumnSpec("requester", "Requester", 10, 5, "requester"),
        ColumnSpec("area", "Area / category", 18, 4, "area"),
        ColumnSpec("prio", "Prio.", max(prio_width, len(_("Prio.")) + 1), 0, "prio"),
        ColumnSpec("status", "State", state_width, 0, "status"),
        ColumnSpec("assignee", "Assignee", 10, 0, "assignee"),
        ColumnSpec("age", "Age", 4, 1, "age"),
        ColumnSpec("sla", "SLA due", 6, 2, "sla"),
    ]
    # Room for the title and the sort arrow (the subject takes what is left anyway).
    return [replace(spec, width=max(spec.width, len(_(spec.title)) + 1)) if spec.width > 1 else spec for spec in specs]


def plan_columns(width: int, *, padding: int = 1, subject_min: int = 24) -> list[ColumnSpec]:
    """Columns that fit `width` cells: drop the highest `drop` first while the subject would be
    narrower than subject_min."""
    specs = column_specs()
    kept = list(specs)
    for level in sorted({spec.drop for spec in specs if spec.drop}, reverse=True):
        fixed = sum(spec.width + 2 * padding for spec in kept if spec.width) + 2 * padding
        if width - fixed >= subject_min:
            break
        kept = [spec for spec in kept if spec.drop != level]
    return kept


class TicketTable(TranslatedBindings, DataTable[Any], inherit_bindings=False):
    """The queue's rows. Movement keys only; the screen owns the actions on tickets."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next ticket", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Previous ticket", show=False, id="table.up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
    ]

    DEFAULT_CSS = """
    TicketTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, show_row_labels=False, **kwargs)
        self.rows_shown: list[TicketRow] = []
        self.plan: list[ColumnSpec] = []
        self.subject_width = 20
        self.marked: set[int] = set()
        self.sort_keys: list[tuple[str, bool]] = []
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------------ columns

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.width)

    def _theme_changed(self) -> None:
        self._styles.clear()
        self.redraw()

    def fit(self, width: int) -> bool:
        """Choose the columns for this width; True when they changed (the rows are redrawn)."""
        if width <= 0:
            return False
        plan = plan_columns(width - 1, padding=self.cell_padding)  # 1: the scrollbar
        fixed = sum(spec.width + 2 * self.cell_padding for spec in plan if spec.width)
        subject = max(8, width - 1 - fixed - 2 * self.cell_padding)
        if [s.key for s in plan] == [s.key for s in self.plan] and subject == self.subject_width and self.columns:
            return False
        self.plan, self.subject_width = plan, subject
        self.redraw()
        return True

    def set_sort(self, sort: str) -> None:
        keys = split_sort(sort)
        if keys != self.sort_keys:
            self.sort_keys = keys
            self.redraw()

    def _header(self, spec: ColumnSpec) -> Text:
        title = _(spec.title) if spec.title else ""
        if self.sort_keys and spec.sort == self.sort_keys[0][0]:
            title += "▼" if self.sort_keys[0][1] else "▲"
        return Text(title, no_wrap=True, end="")

    # --------------------------------------------------------------------- rows

    def show_rows(
        self,
        rows: Sequence[TicketRow],
        *,
        keep_id: int | None = None,
        index: int | None = None,
    ) -> None:
        """Replace the rows; the cursor goes to `keep_id` if present, else to `index` (clamped),
        keeping the cursor's place on the screen when it can."""
        old_index = self.cursor_row
        from_top = old_index - int(self.scroll_y)
        if keep_id is None and index is None:
            keep_id = self.selected_id
        same_ids = [r.id for r in rows] == [r.id for r in self.rows_shown] and self.columns
        if same_ids:
            changed = [i for i, (a, b) in enumerate(zip(self.rows_shown, rows, strict=True)) if a != b]
            self.rows_shown = list(rows)
            for i in changed:
                self._update_row(i)
            target = self._index_of(keep_id, index, old_index)
            if target != self.cursor_row:
                self.move_cursor(row=target)
            return
        self.rows_shown = list(rows)
        target = self._index_of(keep_id, index, old_index)
        self._rebuild()
        if self.row_count:
            self.move_cursor(row=target, scroll=False)
            top = max(0, target - max(0, min(from_top, self.size.height - 2)))
            self.call_after_refresh(self._restore_scroll, top, target)

    def _restore_scroll(self, top: int, target: int) -> None:
        self.scroll_to(y=top, animate=False, immediate=True)
        if target < self.row_count:
            self.move_cursor(row=target)

    def _index_of(self, keep_id: int | None, index: int | None, old_index: int) -> int:
        if keep_id is not None:
            for i, row in enumerate(self.rows_shown):
                if row.id == keep_id:
                    return i
        wanted = old_index if index is None else index
        return max(0, min(wanted, len(self.rows_shown) - 1))

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        index = self.cursor_row
        self._rebuild()
        if self.row_count:
            self.move_cursor(row=min(index, self.row_count - 1))

    def _rebuild(self) -> None:
        self.clear(columns=True)
        for spec in self.plan:
            width = self.subject_width if spec.key == "subject" else spec.width
            self.add_column(self._header(spec), width=width, key=spec.key)
        if self.plan:
            self.add_rows_with_keys()

    def add_rows_with_keys(self) -> None:
        now = labels.now()
        for row in self.rows_shown:
            self.add_row(*self.cells(row, now), key=str(row.id))

    def _update_row(self, index: int) -> None:
        row = self.rows_shown[index]
        now = labels.now()
        for spec, cell in zip(self.plan, self.cells(row, now), strict=True):
            self.update_cell(str(row.id), spec.key, cell)

    def set_marked(self, marked: set[int]) -> None:
        """Redraw the mark cells that changed."""
        changed = marked ^ self.marked
        self.marked = set(marked)
        if not any(spec.key == "mark" for spec in self.plan):
            return
        for row in self.rows_shown:
            if row.id in changed:
                self.update_cell(str(row.id), "mark", self._mark(row.id))

    @property
    def selected(self) -> TicketRow | None:
        if not self.rows_shown or not (0 <= self.cursor_row < len(self.rows_shown)):
            return None
        return self.rows_shown[self.cursor_row]

    @property
    def selected_id(self) -> int | None:
        row = self.selected
        return row.id if row else None

    # -------------------------------------------------------------------- cells

    def style(self, name: str) -> Style:
        """A theme variable as a Rich style ("muted" is dim text)."""
        if name not in self._styles:
            if not name:
                self._styles[name] = Style()
            elif name == "muted":
                self._styles[name] = Style(dim=True)
            else:
                value = self.app.theme_variables.get(name)
                try:
                    self._styles[name] = Style(color=value) if value else Style()
                except Exception:  # a theme value Rich cannot read: plain text
                    self._styles[name] = Style()
        return self._styles[name]

    def _mark(self, ticket_id: int) -> Text:
        return Text("●" if ticket_id in self.marked else " ", style=self.style("text-accent"), end="")

    def cells(self, row: TicketRow, now: datetime) -> list[Text]:
        return [self.cell(spec, row, now) for spec in self.plan]

    def cell(self, spec: ColumnSpec, row: TicketRow, now: datetime) -> Text:
        width = self.subject_width if spec.key == "subject" else spec.width
        key = spec.key
        if key == "mark":
            return self._mark(row.id)
        if key == "number":
            text = Text(row.number, end="")
        elif key == "subject":
            text = one_line(row.subject)
        elif key == "account":
            text = one_line(row.account)
        elif key == "requester":
            text = one_line(row.requester)
        elif key == "area":
            text = one_line(" / ".join(part for part in (row.area, row.category) if part))
        elif key == "prio":
            text = Text(labels.label(labels.PRIORITY_SHORT, row.priority), style=self.style(labels.PRIORITY_STYLES.get(row.priority, "")), end="")
            if row.priority == "urgent":
                text.stylize("bold")
        elif key == "status":
            text = Text(labels.label(labels.STATE_SHORT, row.status), style=self.style(labels.STATE_STYLES.get(row.status, "")), end="")
            if row.status in labels.STATE_BOLD:
                text.stylize("bold")
        elif key == "assignee":
            text = one_line(row.assignee) if row.assignee else Text("—", style=self.style("muted"), end="")
        elif key == "age":
            text = Text(labels.age(row.created_at, now), end="")
        elif key == "sla":
            risk = labels.sla_risk(row.resolution_due_at, now, row.status)
            if risk is None or row.resolution_due_at is None:
                text = Text("", end="")
            else:
                text = Text(labels.due_in(row.resolution_due_at, now), style=self.style(labels.RISK_STYLES[risk]), end="")
                if risk == "breached":
                    text.stylize("bold")
        else:  # pragma: no cover - every column is handled above
            text = Text("", end="")
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis")
        return text


# ------------------------------------------------------------------------------ the preview


class TicketPreview(Widget):
    """The selected ticket at a glance: subject, fields, the start of the description and the
    latest entries of the bitácora. Hidden by the queue when the terminal is narrow."""

    DEFAULT_CSS = """
    TicketPreview {
        width: 34%;
        min-width: 38;
        height: 1fr;
        border-left: vkey $panel-lighten-2;
        padding: 0 1;
        overflow-y: auto;
    }
    TicketPreview #preview-body {
        width: 1fr;
        height: auto;
    }
    """

    DESCRIPTION_LINES = 8
    EVENTS = 3

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ticket_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(_("No ticket selected.")), id="preview-body")

    def clear(self, message: str = "") -> None:
        self.ticket_id = None
        self.query_one("#preview-body", Static).update(Content(message or _("No ticket selected.")))

    def show(self, detail: TicketDetail) -> None:
        self.ticket_id = detail.ticket.id
        self.query_one("#preview-body", Static).update(preview_content(detail, labels.now()))


def theme_style(name: str) -> str:
    """A labels.py style name as a Content style: "$text-error", or "dim" for "muted"."""
    if not name:
        return ""
    return "dim" if name == "muted" else "$" + name


def _field(name: str, value: Content | str) -> Content:
    shown = value if isinstance(value, Content) else Content(value or "—")
    return Content.assemble((_(name) + ": ", "$text-muted"), shown)


def _literal(value: str | None) -> Content:
    return Content.from_rich_text(one_line(value)) if value else Content("—")


def preview_content(detail: TicketDetail, now: datetime) -> Content:
    ticket = detail.ticket
    lines: list[Content] = []
    lines.append(Content.assemble((ticket.number + "  ", "bold $text-primary"), Content.from_rich_text(one_line(ticket.subject)).stylize("bold")))
    state = Content.styled(labels.label(labels.STATE_LABELS, ticket.status), theme_style(labels.STATE_STYLES.get(ticket.status, "")))
    lines.append(Content(" · ").join([_field("State", state), _field("Priority", labels.label(labels.PRIORITY_SHORT, ticket.priority))]))
    lines.append(Content(" · ").join([
        _field("Type", labels.label(labels.TYPE_LABELS, ticket.type)),
        _field("Impact", labels.pgettext("impact", labels.IMPACT_SHORT.get(ticket.impact, ticket.impact))),
    ]))
    account = _literal(" · ".join(part for part in (ticket.account, detail.environment, detail.service) if part))
    lines.append(_field("Account", account))
    lines.append(Content(" · ").join([_field("Requester", _literal(ticket.requester)), _field("Contact", _literal(ticket.contact))]))
    lines.append(_field("Area", _literal(" / ".join(part for part in (ticket.area, ticket.category) if part))))
    lines.append(_field("Assignee", _literal(ticket.assignee)))
    created = f"{labels.moment(ticket.created_at)} ({labels.age(ticket.created_at, now)})"
    lines.append(_field("Created", created))
    risk = labels.sla_risk(ticket.resolution_due_at, now, ticket.status)
    if ticket.resolution_due_at is not None and risk is not None:
        due = Content.styled(
            f"{labels.moment(ticket.resolution_due_at)} ({labels.due_in(ticket.resolution_due_at, now)})",
            theme_style(labels.RISK_STYLES[risk]),
        )
        lines.append(_field("SLA due", due))
    lines.append(Content(""))
    description = strip_controls(detail.description).split("\n")
    excerpt = description[: TicketPreview.DESCRIPTION_LINES]
    lines.extend(Content.from_rich_text(safe(line)) for line in excerpt)
    if len(description) > len(excerpt):
        lines.append(Content.styled("…", "$text-muted"))
    events = detail.events[-TicketPreview.EVENTS :]
    if events:
        lines.append(Content(""))
        lines.append(Content.styled(_("Latest activity"), "bold"))
        for event in events:
            head = Content.assemble(
                (labels.moment(event.at) + " ", "$text-muted"),
                Content.from_rich_text(one_line(event.actor_name or event.actor)).stylize("bold"),
                " · " + labels.label(labels.EVENT_LABELS, event.kind),
            )
            if event.visibility == "internal":
                head = Content.assemble(head, (" [" + _("internal") + "]", "$text-warning"))
            lines.append(head)
            if event.text:
                text = strip_controls(event.text, single_line=True)
                lines.append(Content.assemble("  ", Content.from_rich_text(safe(text[:160] + ("…" if len(text) > 160 else "")))))
    return Content("\n").join(lines)
