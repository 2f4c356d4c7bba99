"""The outbox (N2): e-mail messages waiting, failed or dead, for admins and supervisors.

The table lists what is not yet delivered, what needs a person first (dead, then failed); the
panel under it shows the highlighted message's subject and its last error, literally (it is the
SMTP server's own words). `r` queues the highlighted message again, `R` every failed and dead one.
The store decides who may see which messages (outbox.view, and the tickets one sees).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from helpdesk_tui.i18n import _
from helpdesk_tui.labels import nplural
from helpdesk_tui.mail.states import STATE_LABELS
from helpdesk_tui.text import one_line, safe
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.outbox import OutboxView

STATE_STYLES = {"dead": "bold", "failed": "", "sending": "", "queued": "dim"}


class OutboxScreen(TranslatedBindings, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="outbox.retry"),
        Binding("R", "retry_all", "Retry all failed", id="outbox.retry_all"),
        Binding("f5", "reload", "Refresh", id="outbox.refresh"),
        Binding("escape,q", "back", "Back", id="outbox.back"),
    ]

    DEFAULT_CSS = """
    OutboxScreen #outbox-summary { height: 1; padding: 0 1; }
    OutboxScreen DataTable { height: 1fr; }
    OutboxScreen #outbox-detail {
        height: auto;
        max-height: 7;
        padding: 0 1;
        border-top: solid $primary;
    }
    OutboxScreen #outbox-empty { display: none; padding: 1 2; color: $text-muted; }
    OutboxScreen.-empty #outbox-empty { display: block; }
    OutboxScreen.-empty DataTable, OutboxScreen.-empty #outbox-detail { display: none; }
    App:nocolor OutboxScreen DataTable > .datatable--cursor { text-style: reverse bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[OutboxView] = []
        self.loaded = False
        """True once the list has been loaded (tests wait on it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="outbox-summary", markup=False)
        table: DataTable[Any] = DataTable(id="outbox-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(_("Nothing waits in the outbox."), id="outbox-empty", markup=False)
        yield Static("", id="outbox-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Outbox")
        table = self.query_one(DataTable)
        for key, title in self._columns():
            table.add_column(title, key=key, width=len(title))
        self.reload()

    def on_resize(self) -> None:
        if self.loaded:
            self._fit_columns()

    @staticmethod
    def _columns() -> tuple[tuple[str, str], ...]:
        return (
            ("id", _("No.")), ("state", _("State")), ("attempts", _("Tries")),
            ("next", _("Next try")), ("ticket", _("Ticket")), ("to", _("To")),
        )  # fmt: skip

    def _fit_columns(self) -> None:
        """Fixed columns as wide as their longest value; the address gets what is left."""
        states = max(len(_(label)) for label in STATE_LABELS.values())
        widths = {"id": max([3, *(len(str(m.id)) for m in self.messages)]), "state": states,
                  "attempts": 2, "next": 11, "ticket": 9}  # fmt: skip
        titles = dict(self._columns())
        widths = {key: max(width, len(titles[key])) for key, width in widths.items()}
        used = sum(widths.values()) + 2 * len(titles) + 2
        widths["to"] = max(len(titles["to"]), max(self.size.width, 40) - used)
        for column_key, column in self.query_one(DataTable).columns.items():
            column.width = widths[str(column_key.value)]
            column.auto_width = False

    # -------------------------------------------------------------- loading

    def reload(self) -> None:
        self.run_worker(self._load(), group="outbox-load", exclusive=True)

    def action_reload(self) -> None:
        self.reload()

    async def _load(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        store, actor = self.app.store, self.app.actor  # type: ignore[attr-defined]
        try:
            messages = await store.outbox.messages(actor)
            counts = await store.outbox.counts(actor)
        except HelpdeskError as error:
            self.app.show_error(error)  # type: ignore[attr-defined]
            return
        self.messages = messages
        self._show(counts)
        self.loaded = True

    def _show(self, counts: dict[str, int]) -> None:
        table = self.query_one(DataTable)
        selected = self.selected
        table.clear()
        self._fit_columns()
        for m in self.messages:
            next_try = m.next_attempt_at.astimezone().strftime("%m-%d %H:%M") if m.state in ("queued", "failed") else "-"
            table.add_row(
                str(m.id), Text(_(STATE_LABELS.get(m.state, m.state)), style=STATE_STYLES.get(m.state, "")),
                str(m.attempts), next_try, m.number, one_line(m.to_address), key=str(m.id),
            )  # fmt: skip
        if selected is not None and any(m.id == selected.id for m in self.messages):
            table.move_cursor(row=table.get_row_index(str(selected.id)), animate=False)
        self.set_class(not self.messages, "-empty")
        parts = [
            f"{_(STATE_LABELS[state])}: {counts.get(state, 0)}" for state in ("queued", "sending", "failed", "dead")
        ]
        self.query_one("#outbox-summary", Static).update(" · ".join(parts))
        self._show_detail()
        self.refresh_bindings()

    # -------------------------------------------------------------- the highlighted one

    @property
    def selected(self) -> OutboxView | None:
        table = self.query_one(DataTable)
        if not self.messages or table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), len(self.messages) - 1)
        return self.messages[index]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#outbox-detail", Static)
        m = self.selected
        if m is None:
            detail.update("")
            return
        width = max(detail.content_size.width, 20)
        text = Text()
        for line in (one_line(m.subject), one_line(f"{m.lang} · {m.message_id}", style="dim")):
            line.truncate(width, overflow="ellipsis")
            text.append_text(line)
            text.append("\n")
        text.append(_("Last error") + ": ", style="bold")
        if m.last_error:
            if m.last_code:
                text.append(f"{m.last_code} ")
            text.append_text(safe(m.last_error))
        else:
            text.append(_("No error"))
        detail.update(text)

    # -------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            m = self.selected if self.is_mounted else None
            return m is not None and m.state in ("failed", "dead", "queued")
        if action == "retry_all":
            return any(m.state in ("failed", "dead") for m in self.messages)
        return True

    def action_retry(self) -> None:
        m = self.selected
        if m is not None:
            self.run_worker(self._retry(m.id), group="outbox-retry")

    def action_retry_all(self) -> None:
        self.run_worker(self._retry(None), group="outbox-retry")

    async def _retry(self, message: int | None) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        store, actor = self.app.store, self.app.actor  # type: ignore[attr-defined]
        try:
            if message is None:
                n = await store.outbox.retry_all(actor)
                self.notify(nplural(n, "{n} message queued again", "{n} messages queued again"))
            else:
                await store.outbox.retry(actor, message)
                self.notify(_("message {id} queued again", id=message))
        except HelpdeskError as error:
            self.app.show_error(error)  # type: ignore[attr-defined]
        await self._load()

    def action_back(self) -> None:
        self.app.pop_screen()
