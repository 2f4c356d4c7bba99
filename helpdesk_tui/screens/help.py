"""`?` shows every binding of the screen it was opened from (the focused widget's, the screen's
and the app's, after the user's keymap), each with its key and translated description. `:` opens
the command line (`:t 123`, `:assign ana`, `:q`, ...) run by helpdesk_tui.commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Static

from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.bindings import TranslatedBindings


@dataclass(frozen=True)
class HelpLine:
    keys: str  # as displayed, e.g. "j / down"
    description: str  # translated
    section: str  # translated: "This screen" or "Everywhere"
    action: str


def binding_lines(app: App[object], screen: Screen[object]) -> list[HelpLine]:
    """Every active binding of `screen`, one line per action, screen ones first."""
    grouped: dict[tuple[int, str], tuple[list[str], HelpLine, bool]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        node = active.node
        order = 2 if isinstance(node, App) else 0 if isinstance(node, Screen) else 1
        section = _("Everywhere") if order == 2 else _("This screen")
        group = (order, f"{id(node)}:{binding.action}")
        shown = app.get_key_display(binding)
        if group in grouped:
            keys, _line, _named = grouped[group]
            if shown not in keys:
                keys.append(shown)
            continue
        grouped[group] = ([shown], HelpLine("", binding.description, section, binding.action), bool(binding.id))
    lines = []
    # Screen, then focused widget, then app; within each, our own (named) bindings before
    # Textual's generic ones (focus next, copy).
    for (_order, _name), (keys, line, _named) in sorted(grouped.items(), key=lambda item: (item[0][0], not item[1][2])):
        lines.append(HelpLine(" / ".join(keys), line.description, line.section, line.action))
    return lines


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """Keys of the screen below, in a table. Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        text-style: bold;
        width: 1fr;
    }
    HelpScreen DataTable {
        height: auto;
    }
    HelpScreen #help-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.target = screen
        self.lines: list[HelpLine] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(_("Keys")), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(Content(_("Esc closes. Ctrl+P finds any action; : runs a command.")), id="help-hint")

    def on_mount(self) -> None:
        self.lines = binding_lines(self.app, self.target)
        table = self.query_one("#help-keys", DataTable)
        table.add_column(_("Key"), key="key")
        table.add_column(_("Action"), key="action")
        table.add_column(_("Where"), key="where")
        for line in self.lines:
            table.add_row(Text(line.keys, style="bold"), Text(line.description), Text(line.section, style="dim"))
        table.styles.height = max(3, min(len(self.lines) + 1, self.size.height - 6))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


COMMANDS = ("ticket ", "t ", "assign ", "take", "filter ", "sort ", "view ", "new", "help", "quit", "password", "refresh", "surveys")


class CommandLine(TranslatedBindings, ModalScreen[str | None]):
    """A one-line prompt at the bottom: Enter runs, Esc cancels."""

    DEFAULT_CSS = """
    CommandLine {
        align: left bottom;
        background: $background 0%;
    }
    CommandLine > Vertical {
        height: auto;
        width: 1fr;
        background: $panel;
    }
    CommandLine Horizontal {
        height: 1;
    }
    CommandLine #command-prompt {
        width: 2;
        padding-left: 1;
        text-style: bold;
    }
    CommandLine Input, CommandLine Input:focus {
        height: 1;
        border: none;
        padding: 0;
        width: 1fr;
        background: $panel;
    }
    CommandLine #command-hint {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="command.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Content(_("t 123 opens a ticket · assign ana · take · filter … · sort -prio · new · help · q")),
                id="command-hint",
            )
            with Horizontal():
                yield Label(":", id="command-prompt")
                yield Input(id="command-input", suggester=SuggestFromList(COMMANDS, case_sensitive=False))

    def on_mount(self) -> None:
        self.query_one("#command-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
