"""Dialogs for actions on many tickets: a confirmation that counts them, a searchable picker
(agents, lifecycle moves), a text prompt whose button waits for the text an action needs, and
the per-ticket result summary.

Each is a `ModalScreen[T]` that returns its answer through `dismiss`; callers await it with
`push_screen_wait` from a worker. Untrusted text (names, reasons' parameters) only enters
through `helpdesk_tui.text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line, strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.views import BulkResult

DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $primary;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog-title {{
    text-style: bold;
    width: 1fr;
    margin-bottom: 1;
}}
{name} .dialog-buttons {{
    height: auto;
    align-horizontal: right;
    margin-top: 1;
}}
{name} .dialog-buttons Button {{
    margin-left: 1;
    min-width: 10;
}}
"""


def _css(name: str, extra: str = "") -> str:
    return DIALOG_CSS.format(name=name) + extra


def translate_reason(msgid: str, params: dict[str, Any]) -> str:
    """A store refusal (msgid + params) in the reader's language; parameters that are labels
    themselves (a state name) are translated too."""
    values = {key: (_(value.msgid) if hasattr(value, "msgid") else value) for key, value in params.items()}
    try:
        return _(msgid).format(**values)
    except (KeyError, IndexError, ValueError):
        return _(msgid)


class ConfirmDialog(TranslatedBindings, ModalScreen[bool]):
    """A question with Yes / No. Enter or y confirms; Esc or n declines."""

    DEFAULT_CSS = _css("ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str | Content, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question if isinstance(question, Content) else Content(question)
        self.yes, self.no = yes or _("Yes"), no or _("No")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, classes="dialog-title", id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="confirm-no")
                yield Button(self.yes, id="confirm-yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


@dataclass(frozen=True)
class Choice:
    value: str
    prompt: Text | Content  # what is shown (safe text)
    search: str  # what typing matches


class ChoicePicker(TranslatedBindings, ModalScreen[str | None]):
    """A list with a search line: typing narrows it, Enter picks, Esc cancels."""

    DEFAULT_CSS = _css(
        "ChoicePicker",
        """
        ChoicePicker Input { margin-bottom: 1; background: $boost; }
        ChoicePicker OptionList { height: auto; max-height: 14; border: none; padding: 0; }
        ChoicePicker #picker-empty { color: $text-muted; display: none; }
        ChoicePicker.-empty #picker-empty { display: block; }
        """,
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(self, title: str, choices: Sequence[Choice], *, placeholder: str | None = None, initial: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.placeholder = placeholder or _("Type to search")
        self.initial = initial
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(self.initial, placeholder=self.placeholder, id="picker-search", compact=True)
            yield OptionList(id="picker-options")
            yield Static(_("Nothing matches."), id="picker-empty")

    def on_mount(self) -> None:
        self._filter(self.initial)
        self.query_one("#picker-search", Input).focus()

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        self.shown = [c for c in self.choices if all(w in c.search.casefold() for w in words)]
        options = self.query_one("#picker-options", OptionList)
        options.set_options(Option(choice.prompt, id=str(i)) for i, choice in enumerate(self.shown))
        if self.shown:
            options.highlighted = 0
        self.set_class(not self.shown, "-empty")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#picker-options", OptionList)
        if self.shown and options.highlighted is not None:
            self.dismiss(self.shown[options.highlighted].value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.shown[event.option_index].value)

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


def person_choices(people: Sequence[Any]) -> list[Choice]:
    """Choices for UserView-like objects (username, name, role)."""
    out = []
    width = max((len(strip_controls(p.username, single_line=True)) for p in people), default=0)
    for person in people:
        username = one_line(person.username, style="bold")
        username.pad_right(width - len(username))
        prompt = Text.assemble(username)
        if person.name:
            prompt.append("  ")
            prompt.append_text(one_line(person.name))
        prompt.append("  " + labels.label(labels.ROLE_LABELS, person.role), style="dim")
        out.append(Choice(person.username, prompt, f"{person.username} {person.name}"))
    return out


class TextPrompt(TranslatedBindings, ModalScreen[str | None]):
    """A multi-line text for an action. With required=True the button stays disabled until
    something is typed. Ctrl+S (or the button) sends; Esc cancels."""

    DEFAULT_CSS = _css(
        "TextPrompt",
        """
        TextPrompt TextArea { height: 6; }
        TextPrompt .dialog-hint { color: $text-muted; }
        """,
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="prompt.send", priority=True),
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: str, *, label: str = "", required: bool = True, button: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.label_text = label
        self.required = required
        self.button = button or _("Send")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            if self.label_text:
                yield Label(Content(self.label_text))
            yield TextArea(id="prompt-text", soft_wrap=True, tab_behavior="focus")
            yield Static(_("Ctrl+S sends, Esc cancels."), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="prompt-cancel")
                yield Button(self.button, id="prompt-send", variant="primary", disabled=self.required)

    def on_mount(self) -> None:
        self.query_one("#prompt-text", TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one("#prompt-text", TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.query_one("#prompt-send", Button).disabled = self.required and not self.text.strip()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "prompt-send":
            self.action_send()
        else:
            self.dismiss(None)

    def action_send(self) -> None:
        if self.required and not self.text.strip():
            self.notify(_("Write the text first."), severity="warning")
            return
        self.dismiss(self.text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkResultDialog(TranslatedBindings, ModalScreen[None]):
    """What happened to each ticket: applied, or skipped with the store's reason."""

    DEFAULT_CSS = _css(
        "BulkResultDialog",
        """
        BulkResultDialog > Vertical { width: 90; }
        BulkResultDialog VerticalScroll { height: auto; max-height: 16; }
        BulkResultDialog .bulk-applied { color: $text-success; }
        BulkResultDialog .bulk-skipped { color: $text-warning; }
        """,
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", id="bulk.close"),
    ]

    def __init__(self, title: str, results: Sequence[BulkResult]) -> None:
        super().__init__()
        self.title_text = title
        self.results = list(results)

    @property
    def applied(self) -> list[BulkResult]:
        return [r for r in self.results if r.applied]

    @property
    def skipped(self) -> list[BulkResult]:
        return [r for r in self.results if not r.applied]

    def lines(self) -> list[str]:
        """One plain line per ticket (also what tests read)."""
        out = []
        for result in self.results:
            if result.applied:
                out.append(f"{result.number}  {_('applied')}")
            else:
                reason = strip_controls(translate_reason(result.reason, result.params), single_line=True)
                out.append(f"{result.number}  {_('skipped')}: {reason}")
        return out

    def compose(self) -> ComposeResult:
        summary = _("{applied} applied, {skipped} skipped", applied=len(self.applied), skipped=len(self.skipped))
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(summary), id="bulk-summary")
            with VerticalScroll():
                for result, line in zip(self.results, self.lines(), strict=True):
                    mark = "✓ " if result.applied else "✗ "
                    yield Static(Content(mark + line), classes="bulk-applied" if result.applied else "bulk-skipped")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="bulk-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#bulk-close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
