"""The queue's bars: the tab bar with live counts, the filter line with its inline error, and the
status line.

All three are one line high (the filter's error takes a second line only while there is one) so
the queue fits 80x24. Colours come from theme variables; the active tab is also reversed, so it
shows without colour (NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings


@dataclass(frozen=True)
class TabSpec:
    id: str
    label: str  # msgid, translated with the "tab" context (Spanish plurals: "Registrados")
    query: str  # the query prefix this tab ANDs with the filter line


class TabBar(Widget):
    """One line of tabs with counts; scrolls sideways to keep the active tab in sight."""

    DEFAULT_CSS = """
    TabBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        link-style: none;
        link-color: $foreground;
        link-background: transparent;
        link-style-hover: bold;
        link-background-hover: $boost;
    }
    """

    active: reactive[str] = reactive("", layout=False)
    counts: reactive[dict[str, int]] = reactive(dict, always_update=True)

    def __init__(self, tabs: Sequence[TabSpec], active: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tabs = list(tabs)
        self.set_reactive(TabBar.active, active)

    def label_of(self, tab: TabSpec) -> str:
        return labels.pgettext("tab", tab.label)

    def pieces(self) -> list[tuple[str, str]]:
        """(text, tab id) per tab, as shown."""
        out = []
        for tab in self.tabs:
            count = self.counts.get(tab.id)
            text = self.label_of(tab) + ("" if count is None else f" {labels.number(count)}")
            out.append((f" {text} ", tab.id))
        return out

    def render(self) -> Content:
        pieces = self.pieces()
        width = max(1, self.content_region.width or self.size.width)
        index = next((i for i, (_t, tab_id) in enumerate(pieces) if tab_id == self.active), 0)
        start = 0

        def used(first: int, last: int) -> int:
            return sum(len(t) for t, _i in pieces[first : last + 1]) + (2 if first else 0) + 2

        # Show as many tabs as fit, starting early enough to include the active one.
        while start < index and used(start, index) > width:
            start += 1
        end = start
        while end + 1 < len(pieces) and used(start, end + 1) <= width:
            end += 1
        parts: list[str | tuple[str, str] | Content] = []
        if start:
            parts.append(("‹ ", "$text-muted"))
        for i in range(start, end + 1):
            text, tab_id = pieces[i]
            # With --mouse a click selects the tab (ids are ours; the label is a variable).
            piece = Content.from_markup(f"[@click=screen.select_tab('{tab_id}')]$text[/]", text=text)
            parts.append(piece.stylize("reverse bold") if tab_id == self.active else piece)
        if end + 1 < len(pieces):
            parts.append((" ›", "$text-muted"))
        return Content.assemble(*parts)


class FilterBar(TranslatedBindings, Widget):
    """`/` focuses it; Enter applies, Esc goes back to the table and restores what was applied.
    A filter the store cannot read shows its message on a second line; the table keeps the
    results of the last good filter."""

    DEFAULT_CSS = """
    FilterBar {
        height: auto;
        width: 1fr;
    }
    FilterBar > Horizontal {
        height: 1;
    }
    FilterBar #filter-prompt {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    FilterBar Input, FilterBar Input:focus {
        height: 1;
        border: none;
        padding: 0 1 0 0;
        width: 1fr;
        background: $surface;
    }
    FilterBar Input:focus {
        background: $boost;
    }
    FilterBar #filter-error {
        display: none;
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $text-error;
    }
    FilterBar.-error #filter-error {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to the table", show=False, id="filter.cancel"),
    ]

    @dataclass
    class Applied(Message):
        text: str

    @dataclass
    class Cancelled(Message):
        pass

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.applied = text

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(_("Filter:"), id="filter-prompt")
            yield Input(
                self.applied,
                placeholder=_("/ to filter, e.g. is:open prio:>=high assignee:none"),
                id="filter-input",
                select_on_focus=False,
            )
        yield Static(id="filter-error")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def error_text(self) -> str:
        return str(self.query_one("#filter-error", Static).content) if self.has_class("-error") else ""

    def focus_input(self) -> None:
        self.input.focus()
        self.input.cursor_position = len(self.input.value)

    def set_text(self, text: str) -> None:
        """Show `text` as the applied filter (a saved view, a command)."""
        self.applied = text
        self.input.value = text
        self.clear_error()

    def show_error(self, message: str, position: int | None = None) -> None:
        where = "" if position is None else " " + _("(at column {column})", column=position + 1)
        self.query_one("#filter-error", Static).update(Content("✗ " + strip_controls(message, single_line=True) + where))
        self.add_class("-error")

    def clear_error(self) -> None:
        self.remove_class("-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Applied(event.value.strip()))

    def action_cancel(self) -> None:
        self.input.value = self.applied
        self.clear_error()
        self.post_message(self.Cancelled())


class StatusLine(Static):
    """Position/total, filter, sort, marks and freshness: built by the screen."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
