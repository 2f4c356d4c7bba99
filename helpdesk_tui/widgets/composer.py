"""The comment box of the ticket screen: text, public/internal for staff, attached files.

The composer only holds what is being written; the screen sends it (Ctrl+S) and clears it on
success only, so nothing typed is lost on an error, a conflict or a live reload. It is hidden
until wanted (`c`) and stays open while it holds anything.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Label, Static, TextArea

from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line

TYPING_WINDOW = 4.0  # seconds after the last keystroke during which others see "writing…"


class Composer(Vertical):
    DEFAULT_CSS = """
    Composer {
        height: auto;
        display: none;
        border-top: solid $primary;
        padding: 0 1;
        &.-open { display: block; }
        &.-internal { border-top: heavy $warning; }
        & #composer-bar { height: 1; }
        & #composer-mode { width: 1fr; color: $text-muted; }
        &.-internal #composer-mode { color: $text-warning; text-style: bold; }
        & #composer-bar Checkbox, & #composer-bar Button { margin-left: 1; width: auto; min-width: 0; }
        & #composer-text { height: 4; }
        & #composer-files { height: auto; color: $text-secondary; }
        & #composer-error { height: auto; color: $text-error; }
        & .-empty { display: none; }
    }
    """

    internal: reactive[bool] = reactive(False)

    class SendRequested(Message):
        """The person asked to send what is in the composer."""

    class AttachRequested(Message):
        """The person asked to attach a file."""

    def __init__(self, *, staff: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.staff = staff
        self.files: list[Path] = []
        self.last_typed = 0.0

    def compose(self) -> ComposeResult:
        with Horizontal(id="composer-bar"):
            yield Label(id="composer-mode")
            if self.staff:
                yield Checkbox(_("Internal"), id="composer-internal", compact=True)
            yield Button(_("Attach…"), id="composer-attach", compact=True)
            yield Button(_("Remove files"), id="composer-unattach", compact=True, classes="-empty")
            yield Button(_("Send"), id="composer-send", variant="primary", compact=True)
        yield TextArea(id="composer-text", soft_wrap=True, tab_behavior="focus", compact=True)
        yield Static("", id="composer-files", classes="-empty")
        yield Static("", id="composer-error", classes="-empty")

    def on_mount(self) -> None:
        self._show_mode()

    # ----------------------------------------------------------------- state

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#composer-text", TextArea)

    @property
    def text(self) -> str:
        return self.text_area.text

    @text.setter
    def text(self, value: str) -> None:
        self.text_area.load_text(value)
        self.text_area.move_cursor(self.text_area.document.end)

    @property
    def has_content(self) -> bool:
        return bool(self.text.strip() or self.files)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def typing(self) -> bool:
        """Writing now: the text box has focus and changed in the last few seconds."""
        return self.text_area.has_focus and time.monotonic() - self.last_typed < TYPING_WINDOW

    def open(self, *, focus: bool = True) -> None:
        self.add_class("-open")
        if focus:
            self.text_area.focus()

    def close_if_empty(self) -> bool:
        if not self.has_content:
            self.remove_class("-open")
            return True
        return False

    def add_file(self, path: Path) -> None:
        if path not in self.files:
            self.files.append(path)
        self._show_files()

    def remove_files(self) -> None:
        self.files.clear()
        self._show_files()

    def clear(self) -> None:
        """After a successful send only."""
        self.text_area.clear()
        self.files.clear()
        self.internal = False
        self._show_files()
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#composer-error", Static)
        error.update(message or "")
        error.set_class(not message, "-empty")

    # ---------------------------------------------------------------- display

    def watch_internal(self, internal: bool) -> None:
        if not self.is_mounted:
            return
        self.set_class(internal, "-internal")
        if self.staff:
            box = self.query_one("#composer-internal", Checkbox)
            if box.value != internal:
                box.value = internal
        self._show_mode()

    def _show_mode(self) -> None:
        mode = (
            _("Internal note, staff only")
            if self.internal
            else _("Public comment")
        )
        self.query_one("#composer-mode", Label).update(mode)

    def _show_files(self) -> None:
        listing = self.query_one("#composer-files", Static)
        if self.files:
            names = Text(", ", end="").join(one_line(p.name) for p in self.files)
            listing.update(Text.assemble(_("Files") + ": ", names, end=""))
        else:
            listing.update("")
        listing.set_class(not self.files, "-empty")
        self.query_one("#composer-unattach", Button).set_class(not self.files, "-empty")

    # ----------------------------------------------------------------- events

    @on(TextArea.Changed, "#composer-text")
    def _typed(self) -> None:
        self.last_typed = time.monotonic()

    @on(Checkbox.Changed, "#composer-internal")
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.internal = event.value

    @on(Button.Pressed, "#composer-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.SendRequested())

    @on(Button.Pressed, "#composer-attach")
    def _attach_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.AttachRequested())

    @on(Button.Pressed, "#composer-unattach")
    def _unattach_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove_files()
