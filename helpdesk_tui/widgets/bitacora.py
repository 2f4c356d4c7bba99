"""The bitácora (ticket log) as a timeline, newest last.

A Line-API `ScrollView` rather than a widget per event: a ticket may carry thousands of events,
and mounting thousands of widgets costs layout time and memory, while `RichLog` cannot re-wrap
what it has written when the width changes. Here each entry is wrapped into rows of segments
once per width (plain strings, about 30 µs an entry: 3,000 events in about 0.1 s) and kept;
`render_line` makes a `Strip` only for the rows on screen. A live refresh that merely appends
events renders the new entries alone, and the view stays at the bottom if it was there.

Internal notes are marked three ways: an "Internal note" tag in the entry's head, a heavy
gutter (`┃` instead of `│`) and the `bitacora--internal` colours (theme variables). Untrusted
text (names, comments, file names) only enters through `helpdesk_tui.text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from helpdesk_tui import labels
from helpdesk_tui.automation_text import event_body
from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line, safe
from helpdesk_tui.widgets.bindings import TranslatedBindings

FIELD_LABELS = {
    "area": "area",
    "category": "category",
    "type": "type",
    "priority": "priority",
    "impact": "impact",
}


def value_label(field: str, value: Any) -> str:
    """A translated label for a field value, or the value itself (e.g. an area's name)."""
    if value is None or value == "":
        return "—"
    table = {
        "type": labels.TYPE_LABELS,
        "priority": labels.PRIORITY_LABELS,
        "impact": labels.IMPACT_LABELS,
    }.get(field)
    if table and value in table:
        return _(table[value])
    return str(value)


def wrap_plain(text: str, width: int) -> list[str]:
    """Word-wrap plain text to `width` cells (folding words longer than a row)."""
    rows: list[str] = []
    for paragraph in text.expandtabs(4).split("\n"):
        if cell_len(paragraph) <= width:
            rows.append(paragraph)
            continue
        offsets = divide_line(paragraph, width, fold=True)
        for start, end in zip([0, *offsets], [*offsets, len(paragraph)], strict=True):
            rows.append(paragraph[start:end].rstrip())
    return rows


def human_size(size: int) -> str:
    if size < 1024:
        return _("{n} B", n=size)
    if size < 1024 * 1024:
        return _("{n} KB", n=f"{size / 1024:.1f}")
    return _("{n} MB", n=f"{size / (1024 * 1024):.1f}")


local_time = labels.moment

Row = tuple[list[Segment], int]  # the segments of one row and its width in cells


@dataclass(frozen=True)
class Entry:
    """One bitácora entry as the timeline shows it."""

    id: int
    at: datetime
    actor: str
    kind: str
    internal: bool
    text: str
    data: Mapping[str, Any]
    attachments: tuple[tuple[str, int], ...] = ()


def entries_from(
    events: Sequence[Any], attachments: Iterable[Any] = (), description: str | None = None
) -> list[Entry]:
    """Timeline entries from the store's EventView/AttachmentView. The description is shown as
    the body of the "created" entry (the bitácora's first line tells what was reported)."""
    files: dict[int, list[tuple[str, int]]] = {}
    for attachment in attachments:
        files.setdefault(attachment.event_id, []).append((attachment.filename, attachment.size))
    out = []
    for event in events:
        text = event_body(event.actor, event.kind, event.data, event.text)  # system: translated
        if event.kind == "created" and description and not text:
            text = description
        out.append(
            Entry(
                event.id, event.at, event.actor, event.kind, event.visibility == "internal",
                text, event.data or {}, tuple(files.get(event.id, ())),
            )  # fmt: skip
        )
    return out


class Bitacora(TranslatedBindings, ScrollView, can_focus=True):
    """Scrollable timeline of bitácora entries; only the visible rows are drawn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="bitacora.down"),
        Binding("k", "scroll_up", "Up", show=False, id="bitacora.up"),
        Binding("g", "scroll_home", "First entry", show=False, id="bitacora.first"),
        Binding("G", "scroll_end", "Last entry", show=False, id="bitacora.last"),
        Binding("space", "page_down", "Page down", show=False, id="bitacora.page_down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bitacora--time",
        "bitacora--actor",
        "bitacora--kind",
        "bitacora--detail",
        "bitacora--gutter",
        "bitacora--internal",
        "bitacora--internal-tag",
        "bitacora--attachment",
    }

    DEFAULT_CSS = """
    Bitacora {
        height: 1fr;
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        &:focus { background-tint: $foreground 3%; }
        & > .bitacora--time { color: $text-muted; }
        & > .bitacora--actor { text-style: bold; }
        & > .bitacora--kind { color: $text-accent; text-style: bold; }
        & > .bitacora--detail { color: $text-muted; }
        & > .bitacora--gutter { color: $primary; }
        & > .bitacora--internal { color: $text-warning; text-style: bold; }
        & > .bitacora--internal-tag { color: $text-warning; background: $warning-muted; text-style: bold; }
        & > .bitacora--attachment { color: $text-secondary; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entries: list[Entry] = []
        # Rendered rows per entry, for the width in _rendered_width. Strips are only made for the
        # rows on screen (a Strip carries caches; thousands of them cost more than the text).
        self._blocks: list[list[Row]] = []
        self._lines: list[Row] = []
        self._rendered_width = 0
        self._stick_to_end = True

    # ------------------------------------------------------------------ data

    @property
    def entries(self) -> Sequence[Entry]:
        return self._entries

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def set_entries(self, entries: Sequence[Entry]) -> None:
        """Show these entries; keep what is already rendered when the list only grew."""
        entries = list(entries)
        at_end = self._stick_to_end or not self._entries
        appended = len(entries) >= len(self._entries) and entries[: len(self._entries)] == self._entries
        if appended and self._rendered_width:
            new = entries[len(self._entries) :]
            self._entries = entries
            for entry in new:
                block = self._render_entry(entry, self._rendered_width)
                self._blocks.append(block)
                self._lines.extend(block)
            self._update_virtual_size()
        else:
            self._entries = entries
            self._rerender()
        if at_end:
            self._scroll_to_end()
        self.refresh()

    def plain_lines(self) -> list[str]:
        """The rendered rows as plain text (tests and accessibility)."""
        return ["".join(segment.text for segment in row).rstrip() for row, _width in self._lines]

    # ------------------------------------------------------------- rendering

    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width, 20)

    def _rerender(self) -> None:
        width = self._text_width() if self.is_mounted and self.size.width else 0
        self._rendered_width = width
        self._blocks = [self._render_entry(e, width) for e in self._entries] if width else []
        self._lines = [strip for block in self._blocks for strip in block]
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(0, len(self._lines))

    def _scroll_to_end(self) -> None:
        # Synchronous on purpose: the virtual size is known now, and a deferred scroll_end
        # could run after the first paint (the ticket would open at its oldest entry).
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self._stick_to_end = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._stick_to_end = round(new_value) >= self.max_scroll_y

    def on_resize(self) -> None:
        at_end = self._stick_to_end
        if self._text_width() != self._rendered_width:
            self._rerender()
        if at_end:
            self._scroll_to_end()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._rendered_width:
            self._rerender()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render_entry(self, entry: Entry, width: int) -> list[Row]:
        """An entry as rows of segments. Plain strings with one style per row (no Rich Text on
        the common path): a ticket with thousands of events renders in a fraction of a second.
        Untrusted strings are cleaned by text.py (safe/one_line) and never parsed as markup."""
        gutter = Segment(
            "┃ " if entry.internal else "│ ",
            self._style("bitacora--internal" if entry.internal else "bitacora--gutter"),
        )
        inner = max(width - 2, 10)
        rows: list[list[Segment]] = [self._head(entry, inner)]
        detail = self._detail(entry)
        if detail:
            rows.extend([Segment(line, self._style("bitacora--detail"))] for line in wrap_plain(detail, inner))
        if entry.text:
            rows.extend([Segment(line)] for line in wrap_plain(safe(entry.text).plain, inner))
        attachment_style = self._style("bitacora--attachment")
        for name, size in entry.attachments:
            line = f"{_('Attachment')}: {one_line(name).plain} ({human_size(size)})"
            rows.extend([Segment(part, attachment_style)] for part in wrap_plain(line, inner))
        out: list[Row] = [
            ([gutter, *row], 2 + sum(cell_len(segment.text) for segment in row)) for row in rows
        ]
        out.append(([], 0))
        return out

    def _head(self, entry: Entry, width: int) -> list[Segment]:
        """Time, actor, kind and the internal tag on one row (cropped if it cannot fit)."""
        actor = one_line(entry.actor if entry.actor != "system" else _("system")).plain
        segments = [
            Segment(local_time(entry.at), self._style("bitacora--time")),
            Segment("  "),
            Segment(actor, self._style("bitacora--actor")),
            Segment("  "),
            Segment(_(labels.EVENT_LABELS.get(entry.kind, entry.kind)), self._style("bitacora--kind")),
        ]
        if entry.internal:
            segments.append(Segment("  "))
            segments.append(Segment(f" {_('Internal note')} ", self._style("bitacora--internal-tag")))
        if sum(cell_len(segment.text) for segment in segments) > width:
            segments = list(Segment.adjust_line_length(segments, width))
        return segments

    def _detail(self, entry: Entry) -> str:
        """The structured part of an entry: transition, assignee, changes, routing reason."""
        data = entry.data
        bits: list[str] = []
        source, target = data.get("from"), data.get("to")
        if source and target and source != target:
            state = labels.STATE_LABELS
            bits.append(f"{_(state.get(source, source))} → {_(state.get(target, target))}")
        if data.get("assignee"):
            bits.append(f"{_('assignee')}: {one_line(str(data['assignee'])).plain}")
        for field, change in (data.get("changes") or {}).items():
            try:
                old, new = change
            except (TypeError, ValueError):
                continue
            old_label, new_label = (one_line(value_label(field, v)).plain for v in (old, new))
            bits.append(f"{_(FIELD_LABELS.get(field, field))}: {old_label} → {new_label}")
        if entry.kind == "checklist" and data.get("item"):  # five-stage analysis checklist
            item = labels.label(labels.CHECKLIST_LABELS, str(data["item"]))
            bits.append(_("{item}: done" if data.get("done") else "{item}: not done", item=item))
        if data.get("reason"):
            bits.append(f"{_('reason')}: {one_line(_(str(data['reason']))).plain}")
        return " · ".join(bits)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if self._rendered_width == 0 and self._entries and self.size.width:
            self._rerender()
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        base = self.rich_style
        segments, length = self._lines[index]
        return Strip(segments, length).crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
