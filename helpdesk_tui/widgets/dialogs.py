"""Modal dialogs that return values: the caller awaits `push_screen_wait(dialog)`.

Each dialog is pure presentation: the caller loads what it needs (the area's staff, the
catalogue, the ticket's attachments) and passes it in, and acts on the returned value. A submit
button stays disabled until the required input is present; Escape always cancels with `None`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.bindings import TranslatedBindings
from helpdesk_tui.widgets.bitacora import human_size, value_label

DIALOG_CSS = """
{name} {
    align: center middle;
    background: $background 60%;
    & > #dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-color: $text-primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    & .dialog-prompt { margin-bottom: 1; width: 1fr; }
    & .dialog-hint { color: $text-muted; height: auto; }
    & .dialog-error { color: $text-error; height: auto; }
    & .dialog-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    & .dialog-buttons Button { margin-left: 1; }
}
"""


def _fold(value: str) -> str:
    """Case- and accent-insensitive form for filtering."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Dialog(TranslatedBindings, ModalScreen[Any]):
    """Shared frame: a titled box in the middle, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    DEFAULT_CSS = DIALOG_CSS.replace("{name}", "Dialog")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def buttons(self, submit_label: str, *, disabled: bool = False) -> Horizontal:
        return Horizontal(
            Button(submit_label, variant="primary", id="submit", disabled=disabled, compact=True),
            Button(_("Cancel"), id="cancel", compact=True),
            classes="dialog-buttons",
        )

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- text


class TextDialog(Dialog):
    """A multi-line text for an action (a question, a resolution, a reason).

    With `required`, the submit button stays disabled until something other than blanks is
    typed. Ctrl+S submits from inside the text box.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", id="dialog.submit"),
    ]
    DEFAULT_CSS = """
    TextDialog #dialog-text { height: 8; }
    """

    def __init__(
        self,
        title: str,
        prompt: str | Text,
        *,
        submit_label: str,
        required: bool = True,
        text: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.submit_label = submit_label
        self.required = required
        self.initial = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Static(self.prompt, classes="dialog-prompt")
            yield TextArea(self.initial, id="dialog-text", soft_wrap=True, tab_behavior="focus")
            hint = _("Required.") if self.required else _("Optional.")
            yield Static(hint + " " + _("Ctrl+S to submit, Escape to cancel."), classes="dialog-hint")
            yield self.buttons(self.submit_label, disabled=self._missing(self.initial))

    def on_mount(self) -> None:
        area = self.query_one("#dialog-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _missing(self, text: str) -> bool:
        return self.required and not text.strip()

    @property
    def text(self) -> str:
        return self.query_one("#dialog-text", TextArea).text

    @on(TextArea.Changed, "#dialog-text")
    def _text_changed(self) -> None:
        self.query_one("#submit", Button).disabled = self._missing(self.text)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if not self._missing(self.text):
            self.dismiss(self.text.strip())


class ReasonDialog(TextDialog):
    """A TextDialog whose text is always required (reject, cancel, reopen)."""

    def __init__(self, title: str, prompt: str | Text, *, submit_label: str, text: str = "") -> None:
        super().__init__(title, prompt, submit_label=submit_label, required=True, text=text)


# ------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    username: str
    name: str = ""


class AgentPicker(Dialog):
    """Pick one of the area's agents or supervisors; type to filter, Enter chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]
    DEFAULT_CSS = """
    AgentPicker #picker-list { height: auto; max-height: 12; }
    """

    def __init__(self, people: Sequence[Any], *, title: str, current: str | None = None) -> None:
        super().__init__()
        self.people = [Person(p.username, getattr(p, "name", "") or "") for p in people]
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Input(placeholder=_("Type to filter by name"), id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static("", id="picker-empty", classes="dialog-hint")
            yield Static(_("Enter assigns, Escape cancels."), classes="dialog-hint")
            yield self.buttons(_("Assign"), disabled=not self.people)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, query: str) -> None:
        wanted = _fold(query.strip())
        options = []
        for person in self.people:
            if wanted and wanted not in _fold(person.username) and wanted not in _fold(person.name):
                continue
            label = Text.assemble(one_line(person.username, "bold"), "  ", one_line(person.name), end="")
            if person.username == self.current:
                label.append("  " + _("(current assignee)"), style="italic")
            options.append(Option(label, id=person.username))
        listing = self.query_one("#picker-list", OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0
        self.query_one("#picker-empty", Static).update(
            "" if options else _("Nobody in this area matches.")
        )
        self.query_one("#submit", Button).disabled = not options

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.option_count:
            current = listing.highlighted if listing.highlighted is not None else -1
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def _choose(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        option = listing.highlighted_option
        if option is not None and option.id:
            self.dismiss(option.id)

    @on(Input.Submitted, "#picker-filter")
    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        self._choose()

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self) -> None:
        self._choose()


# ------------------------------------------------------------------- recategorise


class RecategoriseDialog(Dialog):
    """Area → category (the category list follows the area), type, priority, impact.

    Returns only the fields that changed, e.g. {"area": "Service desk", "category": "Printers"}.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", id="dialog.submit"),
    ]
    DEFAULT_CSS = """
    RecategoriseDialog .field { height: auto; }
    RecategoriseDialog .field Label { width: 12; padding-top: 0; }
    RecategoriseDialog .field Select { width: 1fr; }
    """

    def __init__(
        self,
        areas: Mapping[str, Sequence[str]],
        current: Mapping[str, str | None],
        choices: Mapping[str, Sequence[str]],
        *,
        title: str,
    ) -> None:
        super().__init__()
        self.areas = {name: tuple(cats) for name, cats in areas.items()}
        self.current = dict(current)
        self.choices = choices
        self.title_text = title

    def compose(self) -> ComposeResult:
        area = self.current.get("area")
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield self._field(_("Area"), Select(
                [(one_line(name), name) for name in self.areas], value=area or Select.NULL,
                allow_blank=area is None, id="area", compact=True, prompt=_("(no area)"),
            ))  # fmt: skip
            yield self._field(_("Category"), Select(
                self._category_options(area), value=self._category_value(area),
                allow_blank=True, id="category", compact=True, prompt=_("(no category)"),
            ))  # fmt: skip
            for field, label in (("type", _("Type")), ("priority", _("Priority")), ("impact", _("Impact"))):
                yield self._field(label, Select(
                    [(value_label(field, v), v) for v in self.choices.get(field, ())],
                    value=self.current.get(field) or Select.NULL, allow_blank=False,
                    id=field, compact=True,
                ))  # fmt: skip
            yield Static("", id="recat-hint", classes="dialog-hint")
            yield self.buttons(_("Recategorise"), disabled=True)

    @staticmethod
    def _field(label: str, widget: Select[Any]) -> Horizontal:
        return Horizontal(Label(label), widget, classes="field")

    def _category_options(self, area: str | None) -> list[tuple[Text, str]]:
        return [(one_line(c), c) for c in self.areas.get(area or "", ())]

    def _category_value(self, area: str | None) -> Any:
        category = self.current.get("category")
        if area == self.current.get("area") and category in self.areas.get(area or "", ()):
            return category
        return Select.NULL

    def on_mount(self) -> None:
        self.query_one("#area", Select).focus()
        self._refresh_state()

    @on(Select.Changed, "#area")
    def _area_changed(self, event: Select.Changed) -> None:
        area = event.value if event.value is not Select.NULL else None
        category = self.query_one("#category", Select)
        category.set_options(self._category_options(area))
        value = self._category_value(area)
        if value is not Select.NULL:
            category.value = value
        self._refresh_state()

    @on(Select.Changed)
    def _any_changed(self) -> None:
        self._refresh_state()

    def changes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for field in ("area", "category", "type", "priority", "impact"):
            value = self.query_one(f"#{field}", Select).value
            if value is Select.NULL:
                continue
            if value != self.current.get(field):
                out[field] = str(value)
        return out

    def _refresh_state(self) -> None:
        changes = self.changes()
        self.query_one("#submit", Button).disabled = not changes
        hint = self.query_one("#recat-hint", Static)
        hint.update(_("Nothing changed yet.") if not changes else _("Ctrl+S to recategorise."))

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        changes = self.changes()
        if changes:
            self.dismiss(changes)


# --------------------------------------------------------------------------- files


class FilePicker(Dialog):
    """Choose a file to attach: type a path (Enter) or walk the folder tree (Enter on a file)."""

    DEFAULT_CSS = """
    FilePicker #file-tree { height: 12; }
    """

    def __init__(self, *, title: str, folder: Path | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.folder = (folder or Path.cwd()).expanduser()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Input(str(self.folder) + "/", id="file-path", placeholder=_("Path of the file"))
            yield DirectoryTree(self.folder, id="file-tree")
            yield Static("", id="file-error", classes="dialog-error")
            yield Static(
                _("Enter on a path or a file chooses it; Tab moves to the folder tree."),
                classes="dialog-hint",
            )
            yield self.buttons(_("Attach"))

    def on_mount(self) -> None:
        field = self.query_one("#file-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def _error(self, message: str) -> None:
        self.query_one("#file-error", Static).update(message)

    def _try(self, raw: str) -> None:
        path = Path(raw.strip()).expanduser()
        if not raw.strip():
            self._error(_("Type the path of a file."))
        elif path.is_file():
            self.dismiss(path)
        elif path.is_dir():
            self.query_one("#file-tree", DirectoryTree).path = path
            self._error(_("That is a folder; choose a file in it."))
        else:
            self._error(_("No such file: {path}", path=str(path)))

    @on(Input.Submitted, "#file-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)

    @on(Button.Pressed, "#submit")
    def _pressed(self) -> None:
        self._try(self.query_one("#file-path", Input).value)

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(Path(event.path))

    @on(DirectoryTree.DirectorySelected)
    def _dir_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.query_one("#file-path", Input).value = str(event.path) + "/"


@dataclass(frozen=True)
class SaveTarget:
    attachment_id: int
    path: Path


class SaveAttachmentDialog(Dialog):
    """Choose one of the ticket's attachments and where to save it. Refuses to replace an
    existing file unless asked twice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="dialog.submit"),
    ]
    DEFAULT_CSS = """
    SaveAttachmentDialog #save-list { height: auto; max-height: 8; }
    """

    def __init__(
        self, attachments: Sequence[Any], *, title: str, folder: Path | None = None
    ) -> None:
        super().__init__()
        self.attachments = list(attachments)
        self.title_text = title
        self.folder = (folder or Path.cwd()).expanduser()
        self._confirm_replace: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield OptionList(
                *[
                    Option(
                        Text.assemble(one_line(a.filename), f"  ({human_size(a.size)})", end=""),
                        id=str(a.id),
                    )
                    for a in self.attachments
                ],
                id="save-list",
            )
            yield Input(id="save-path", placeholder=_("Where to save it"))
            yield Static("", id="save-error", classes="dialog-error")
            yield Static(_("Enter saves, Escape cancels."), classes="dialog-hint")
            yield self.buttons(_("Save"), disabled=not self.attachments)

    def on_mount(self) -> None:
        listing = self.query_one("#save-list", OptionList)
        if self.attachments:
            listing.highlighted = len(self.attachments) - 1
            self._suggest(self.attachments[-1])
        listing.focus()

    def _selected_attachment(self) -> Any | None:
        listing = self.query_one("#save-list", OptionList)
        if listing.highlighted is None or not self.attachments:
            return None
        return self.attachments[listing.highlighted]

    def _suggest(self, attachment: Any) -> None:
        field = self.query_one("#save-path", Input)
        folder = Path(field.value).expanduser().parent if field.value else self.folder
        field.value = str(folder / attachment.filename)
        self._confirm_replace = None
        self.query_one("#save-error", Static).update("")

    @on(OptionList.OptionHighlighted, "#save-list")
    def _highlighted(self) -> None:
        attachment = self._selected_attachment()
        if attachment is not None:
            self._suggest(attachment)

    @on(OptionList.OptionSelected, "#save-list")
    def _chosen(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Changed, "#save-path")
    def _path_changed(self) -> None:
        self._confirm_replace = None

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        attachment = self._selected_attachment()
        raw = self.query_one("#save-path", Input).value.strip()
        error = self.query_one("#save-error", Static)
        if attachment is None:
            return
        if not raw:
            error.update(_("Type where to save it."))
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            path = path / attachment.filename
        if not path.parent.is_dir():
            error.update(_("No such folder: {path}", path=str(path.parent)))
            return
        if path.exists() and self._confirm_replace != path:
            self._confirm_replace = path
            error.update(_("{path} exists; press Enter again to replace it.", path=str(path)))
            return
        self.dismiss(SaveTarget(attachment.id, path))
