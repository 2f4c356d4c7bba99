"""A labelled form field with an inline error line.

    Field(_("Subject"), Input(id="subject"), key="subject", required=True)

The label sits left of the control, or above it when the screen carries the `-narrow` class
(set it with `HORIZONTAL_BREAKPOINTS`). `set_error()` shows a message right under the control and
marks the field; the control keeps whatever was typed. While any control inside has the focus the
label is shown reversed and a bar marks the field's left edge, so the focused field is visible in
16 colours and with NO_COLOR too.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Widget):
    # Not scoped: the narrow rules below match on a class of the screen, above the field.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    Field {
        layout: horizontal;
        height: auto;
        margin: 0 0 1 0;
        border-left: blank;
    }
    Field:focus-within {
        /* Also makes Textual restyle the label when the focus moves in or out. */
        border-left: thick $accent;
    }
    Field > .field--label {
        width: 18;
        padding: 0 1 0 0;
        color: $text-muted;
    }
    Field:focus-within > .field--label {
        color: $text;
        text-style: bold reverse;
    }
    Field > .field--body {
        width: 1fr;
        height: auto;
    }
    Field .field--error {
        display: none;
        color: $text-error;
        text-style: bold;
    }
    Field.-invalid .field--error {
        display: block;
    }
    Field.-invalid > .field--label {
        color: $text-error;
    }
    Field .field--hint {
        color: $text-muted;
    }
    Field .field--value {
        width: 1fr;
    }
    .-narrow Field {
        layout: vertical;
    }
    .-narrow Field > .field--label {
        width: 1fr;
    }
    """

    def __init__(
        self,
        label: str,
        *controls: Widget,
        key: str,
        required: bool = False,
        hint: str | Content | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id or f"field-{key}", classes=classes)
        self.key = key
        self.label = label
        self.required = required
        self._controls = controls
        self._hint = hint
        self._error_text = ""

    def compose(self) -> ComposeResult:
        text = Content(self.label)
        if self.required:
            text = Content.from_markup("$label [b]*[/b]", label=self.label)
        yield Label(text, classes="field--label")
        with Vertical(classes="field--body"):
            yield from self._controls
            yield Static(Content(self._error_text), classes="field--error", markup=False)
            if self._hint is not None:
                yield Static(self._hint, classes="field--hint", markup=False)

    @property
    def error(self) -> str | None:
        return self._error_text if self.has_class("-invalid") else None

    def set_error(self, message: str | None) -> None:
        """Show `message` under the control (None or "" clears it). The message is our own text,
        or a store message whose parameters may be typed by the user: it is shown literally."""
        if (message or "") == self._error_text:
            return
        self._error_text = message or ""
        self.set_class(bool(message), "-invalid")
        if self.is_mounted:
            self.query_one(".field--error", Static).update(Content(self._error_text))

    def set_hint(self, hint: str | Content, *, layout: bool = True) -> None:
        """Replace the hint line; `layout=False` when it keeps its height (e.g. a counter)."""
        self._hint = hint
        if self.is_mounted:
            for widget in self.query(".field--hint").results(Static):
                widget.update(hint if isinstance(hint, Content) else Content(hint), layout=layout)

    def focus_control(self) -> bool:
        """Move the focus to the first control that can take it."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return True
        return False
