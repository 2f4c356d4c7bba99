"""The case form (SPEC I1–I5): every field of a new case, validation next to each field, and a
draft kept as the person types so a dropped connection loses nothing.

The store decides everything that matters (who may open for whom, which account, what is valid);
the form offers only the choices that make sense for this user, checks the two required texts
before sending, and shows the store's field messages in place when it refuses.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import _
from helpdesk_tui.labels import (
    IMPACTS,
    PRIORITIES,
    PRIORITY_SHORT,
    TYPE_LABELS,
    TYPES,
    moment,
    pgettext,
)
from helpdesk_tui.text import one_line, strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings
from helpdesk_tui.widgets.field import Field
from helpdesk_tui.widgets.kb_suggestions import KbSuggestions

if TYPE_CHECKING:
    from helpdesk_tui.store.catalog import AccountView, AreaView
    from helpdesk_tui.store.permissions import Actor

FORM = "new_ticket"
"""The draft's form name in `store.session`."""
DRAFT_DELAY = 0.6
"""Seconds of quiet typing before the draft is saved."""
SUBJECT_MAX = 200

# The priority a new case gets from its impact until staff set another (the store's rule too).
IMPACT_PRIORITY = {"high": "high", "medium": "normal", "low": "low"}
# Impact needs its own words in Spanish ("Alto" impacto, "Alta" prioridad): context msgids.
IMPACT_WORDS = {"high": "High", "medium": "Medium", "low": "Low"}

# Fields in the order they appear, for "focus the first bad field".
FIELD_ORDER = (
    "account", "contact", "subject", "description", "area", "category", "type", "impact",
    "priority", "environment", "service", "work_window", "attachments",
)  # fmt: skip


def human_size(size: int) -> str:
    if size < 1024:
        return _("{n} bytes", n=size)
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class PendingFile:
    path: str
    size: int

    @property
    def name(self) -> str:
        return Path(self.path).name


class SubjectSuggestions(KbSuggestions):
    """I2: knowledge-base articles matching the subject being typed (widgets/kb_suggestions.py).
    The form calls `subject_changed(subject)` on every edit and `case_opened()` once it is sent."""


class AttachmentList(TranslatedBindings, OptionList):
    """The files chosen so far; Delete removes the highlighted one."""

    BINDINGS = [
        Binding("delete", "remove", "Remove file", id="new_ticket.remove_file"),
        Binding("backspace", "remove", "Remove file", show=False, id="new_ticket.remove_file_bs"),
    ]

    DEFAULT_CSS = """
    AttachmentList { height: auto; max-height: 6; display: none; }
    AttachmentList.-has-files { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.files: list[PendingFile] = []

    def set_files(self, files: list[PendingFile]) -> None:
        self.files = list(files)
        self.clear_options()
        for index, item in enumerate(self.files):
            prompt = Text.assemble(one_line(item.name), ("  " + human_size(item.size), "dim"))
            self.add_option(Option(prompt, id=str(index)))
        self.set_class(bool(self.files), "-has-files")

    def action_remove(self) -> None:
        if self.highlighted is None or not self.files:
            return
        index = self.highlighted
        del self.files[index]
        self.set_files(self.files)
        if self.files:
            self.highlighted = min(index, len(self.files) - 1)
        self.post_message(AttachmentList.Removed(self))

    class Removed(Message):
        def __init__(self, attachment_list: AttachmentList) -> None:
            super().__init__()
            self.attachment_list = attachment_list


class ChoiceDialog(TranslatedBindings, ModalScreen[str | None]):
    """A small question with a few answers, each a button and a key."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 64; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ChoiceDialog .dialog--title { text-style: bold; margin-bottom: 1; }
    ChoiceDialog .dialog--detail { color: $text-muted; margin-bottom: 1; }
    ChoiceDialog Horizontal { height: auto; align-horizontal: right; }
    ChoiceDialog Button { margin-left: 1; }
    """

    def __init__(
        self,
        title: str,
        detail: Content | str,
        answers: list[tuple[str, str, str]],
        *,
        escape: str | None = None,
    ) -> None:
        """`answers`: (value, label, key); the first one has the focus. Esc answers `escape`."""
        super().__init__()
        self.dialog_title = title
        self.detail = detail
        self.answers = answers
        self.escape = escape

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.dialog_title, classes="dialog--title", markup=False)
            if self.detail:
                yield Static(self.detail, classes="dialog--detail", markup=False)
            with Horizontal():
                for index, (value, label, key) in enumerate(self.answers):
                    variant = "primary" if index == 0 else "default"
                    yield Button(Content(f"{label} ({key})"), id=f"answer-{value}", variant=variant)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.dismiss(self.escape)
            return
        for value, _label, key in self.answers:
            if event.key == key.lower():
                event.stop()
                self.dismiss(value)
                return

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-") or None)


class NewTicketScreen(TranslatedBindings, Screen[None]):
    """Open a case. Reachable with Ctrl+N from every screen (the app routes it)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create case", id="new_ticket.submit", priority=True),
        Binding("escape", "close", "Close", id="new_ticket.close"),
        Binding("q", "close", "Close", show=False, id="new_ticket.close_q"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]

    DEFAULT_CSS = """
    NewTicketScreen #form {
        padding: 1 2 0 2;
        height: 1fr;
    }
    NewTicketScreen.-narrow #form { padding: 0 1; }
    NewTicketScreen #form > Field { max-width: 110; }
    NewTicketScreen #description { height: 8; }
    NewTicketScreen.-narrow #description { height: 6; }
    NewTicketScreen Select, NewTicketScreen Input { width: 1fr; max-width: 80; }
    NewTicketScreen .field--value { height: auto; }
    NewTicketScreen #buttons { height: auto; margin: 0 0 1 18; }
    NewTicketScreen.-narrow #buttons { margin: 0 0 1 0; }
    NewTicketScreen #buttons Button { margin-right: 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        """True once the catalog is in the form and any draft has been offered (tests wait on it)."""
        self.draft_offered = False
        self._accounts: list[AccountView] = []
        self._areas: list[AreaView] = []
        self._options: dict[str, list[str]] = {}
        self._account: str | None = None
        self._area: str | None = None
        self._account_is_select = False
        self._priority_set = False
        self._draft_decided = False
        self._finished = False
        self._submitting = False
        self._edits = 0
        self._saved_edits = 0
        self._save_timer: Timer | None = None
        self._save_lock = asyncio.Lock()
        self._controls: dict[str, Widget] = {}

    @property
    def actor(self) -> Actor:
        assert self.app.actor is not None
        return self.app.actor  # type: ignore[no-any-return]

    @property
    def on_behalf(self) -> bool:
        return self.actor.can("ticket.create_on_behalf")

    # ---------------------------------------------------------------- compose

    def compose(self) -> ComposeResult:
        actor = self.actor
        yield Header()
        with VerticalScroll(id="form"):
            me = f"{actor.name} ({actor.username})" if actor.name else actor.username
            yield Field(_("Reported by"), _value_label(one_line(me), "reported-by"), key="reported_by")
            yield Field(
                _("Account"),
                _value_label(Text(_("Loading…")), "account-value"),
                _select("account", _("Choose the account")),
                key="account", required=True,
            )  # fmt: skip
            if self.on_behalf:
                yield Field(
                    _("On behalf of"),
                    _select("contact", _("Myself"), disabled=True),
                    key="contact",
                    hint=_("The customer this case is for; it follows the account."),
                )
            yield Field(
                _("Subject"),
                Input(
                    id="subject", max_length=SUBJECT_MAX, compact=True, select_on_focus=False,
                    placeholder=_("One line: what is wrong?"),
                ),
                SubjectSuggestions(id="subject-suggestions"),
                key="subject", required=True, hint=f"0/{SUBJECT_MAX}",
            )  # fmt: skip
            yield Field(
                _("Description"),
                TextArea(id="description", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"),
                key="description", required=True,
            )  # fmt: skip
            yield Field(_("Area"), _select("area", _("(none)")), key="area")
            yield Field(_("Category"), _select("category", _("Choose the area first"), disabled=True), key="category")
            types = [(_(TYPE_LABELS[t]), t) for t in TYPES]
            yield Field(_("Type"), _select("type", options=types, value="incident"), key="type")
            impacts = [(pgettext("impact", IMPACT_WORDS[i]), i) for i in IMPACTS]
            yield Field(_("Impact"), _select("impact", options=impacts, value="medium"), key="impact")
            if actor.is_staff:
                priorities = [(_(PRIORITY_SHORT[p]), p) for p in PRIORITIES]
                yield Field(
                    _("Priority"), _select("priority", options=priorities, value="normal"),
                    key="priority", hint=_("Follows the impact until you change it."),
                )  # fmt: skip
            for key, label in (("environment", _("Environment")), ("service", _("Service"))):
                yield Field(label, _select(key, _("Choose the account first"), disabled=True), key=key)
            yield Field(
                _("Work window"),
                Input(id="work-window", compact=True, select_on_focus=False, placeholder=_("Optional: START..END")),
                key="work_window", hint=_("e.g. 2026-03-14T20:00..2026-03-14T23:00; outside business hours, 3 business days ahead"),
            )  # fmt: skip
            yield Field(
                _("Attachments"),
                Input(
                    id="attach-path", compact=True, select_on_focus=False,
                    placeholder=_("Type a file path and press Enter"),
                ),
                AttachmentList(id="attachments"),
                key="attachments", hint=_("Delete removes the highlighted file."),
            )  # fmt: skip
            yield Field(_("Origin"), _value_label(Text(_("console")), "origin"), key="origin")
            with Horizontal(id="buttons"):
                yield Button(_("Create case") + " (ctrl+s)", id="submit", variant="primary")
                yield Button(_("Close") + " (esc)", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("New case")
        self._controls = {
            widget.id: widget
            for widget in self.query("Select, Input, TextArea, AttachmentList")
            if widget.id and widget.id != "attach-path"
        }
        self.query_one("#account", Select).display = False
        # Focus now, not after loading: whatever a fast typist types must land in the subject.
        self.query_one("#subject", Input).focus()
        self.run_worker(self._load(), group="load", exclusive=True)

    async def _load(self) -> None:
        store, actor = self.app.store, self.actor
        accounts = await store.catalog.accounts(actor)
        if not self.on_behalf:
            # Staff without create_on_behalf report only for their own accounts, like customers.
            accounts = [a for a in accounts if a.id in actor.account_ids]
        areas = await store.catalog.areas()
        draft = await store.session.draft(actor, FORM)
        self._accounts, self._areas = accounts, areas
        self._set_options(self.query_one("#area", Select), [(one_line(a.name), a.name) for a in areas])
        account_value = self.query_one("#account-value", Static)
        account_select = self.query_one("#account", Select)
        if len(accounts) > 1:
            self._account_is_select = True
            self._set_options(account_select, [(one_line(a.name), a.name) for a in accounts])
            account_select.display = True
            await account_value.remove()
        else:
            self._controls.pop("account", None)
            await account_select.remove()
            account_value.update(one_line(accounts[0].name) if accounts else Text(_("(none)")))
            if accounts:
                await self._choose_account(accounts[0].name)
        if not self._typed_anything():
            self._focus_first_empty()
        self.loaded = True
        if draft and _has_content(draft[0]):
            self.draft_offered = True
            subject = strip_controls(str(draft[0].get("subject") or ""), single_line=True)
            detail = Content.from_markup(
                "$intro\n[b]$subject[/b]",
                intro=_("You have an unsent case from {time}.", time=moment(draft[1])),
                subject=subject[:80] or _("(no subject)"),
            )
            answers = [("restore", _("Restore"), "r"), ("discard", _("Discard"), "d")]
            self.app.push_screen(
                ChoiceDialog(_("Restore your unsent case?"), detail, answers, escape="restore"),
                lambda answer: self._draft_answer(answer, draft[0]),
            )
        else:
            self._draft_decided = True

    async def _draft_answer(self, answer: str | None, data: dict[str, Any]) -> None:
        if answer == "discard":
            await self.app.store.session.discard_draft(self.actor, FORM)
        else:  # restore, and Esc: never drop typed text without being asked
            await self.restore(data)
        self._draft_decided = True

    def _typed_anything(self) -> bool:
        return bool(
            self.query_one("#subject", Input).value or self.query_one("#description", TextArea).text
        )

    def _focus_first_empty(self) -> None:
        if self._account_is_select and self._account is None:
            self.query_one("#account", Select).focus()
        else:
            self.query_one("#subject", Input).focus()

    # ------------------------------------------------------ choices that follow

    def _set_options(self, select: Select[str], options: list[tuple[Any, str]]) -> None:
        self._options[select.id or ""] = [value for _label, value in options]
        select.set_options(options)

    def _set_select(self, select_id: str, value: str | None) -> None:
        """Choose `value` if it is one of the select's options (a stale draft may name a
        catalog entry that is gone); None clears it."""
        found = self.query(f"#{select_id}").results(Select)
        select = next(iter(found), None)
        if select is None:
            return
        if value is None:
            if select._allow_blank:
                select.clear()
        elif value in self._options.get(select_id, TYPES + IMPACTS + PRIORITIES):
            select.value = value

    async def _choose_account(self, name: str | None) -> None:
        """The account decides the environments, services and contacts on offer."""
        self._account = name
        if self._account_is_select:
            self._set_select("account", name)
        account = next((a for a in self._accounts if a.name == name), None)
        for field in ("environment", "service"):
            select = self.query_one(f"#{field}", Select)
            names = (account.environments if field == "environment" else account.services) if account else ()
            select.prompt = (
                _("Choose the account first") if account is None
                else _("(none)") if names else _("None for this account")
            )  # fmt: skip
            self._set_options(select, [(one_line(n), n) for n in names])
            select.disabled = not names
        if self.on_behalf:
            contact = self.query_one("#contact", Select)
            users = await self.app.store.catalog.account_users(name) if name else []
            self._set_options(
                contact,
                [(one_line(f"{u.name} ({u.username})" if u.name else u.username), u.username)
                 for u in users if u.username != self.actor.username],
            )  # fmt: skip
            contact.disabled = not users

    def _choose_area(self, name: str | None) -> None:
        self._area = name
        area = next((a for a in self._areas if a.name == name), None)
        category = self.query_one("#category", Select)
        names = area.categories if area else ()
        category.prompt = _("Choose the area first") if area is None else _("(none)")
        self._set_options(category, [(one_line(n), n) for n in names])
        category.disabled = not names

    @on(Select.Changed, "#account")
    async def account_changed(self, event: Select.Changed) -> None:
        value = _value(event.value)
        if value != self._account:
            await self._choose_account(value)
        self.edited("account")

    @on(Select.Changed, "#area")
    def area_changed(self, event: Select.Changed) -> None:
        value = _value(event.value)
        if value != self._area:
            self._choose_area(value)
        self.edited("area")

    @on(Select.Changed, "#impact")
    def impact_changed(self, event: Select.Changed) -> None:
        if not self._priority_set and self.actor.is_staff:
            self._set_select("priority", IMPACT_PRIORITY.get(str(event.value), "normal"))
        self.edited("impact")

    @on(Select.Changed, "#priority")
    def priority_changed(self, event: Select.Changed) -> None:
        # A priority that differs from the impact's default was chosen by the person: keep it.
        impact = _value(self.query_one("#impact", Select).value) or "medium"
        self._priority_set = event.value != IMPACT_PRIORITY.get(impact)
        self.edited("priority")

    @on(Select.Changed, "#contact, #environment, #service, #category, #type")
    def other_select_changed(self, event: Select.Changed) -> None:
        self.edited(event.select.id or "")

    @on(Input.Changed, "#work-window")
    def work_window_changed(self) -> None:
        self.edited("work_window")

    @on(Input.Changed, "#subject")
    def subject_changed(self, event: Input.Changed) -> None:
        self.query_one("#field-subject", Field).set_hint(f"{len(event.value)}/{SUBJECT_MAX}", layout=False)
        self.query_one(SubjectSuggestions).subject_changed(event.value)
        self.edited("subject")

    @on(Input.Submitted, "#subject")
    def subject_submitted(self) -> None:
        self.query_one("#description", TextArea).focus()

    @on(TextArea.Changed, "#description")
    def description_changed(self) -> None:
        self.edited("description")

    # ------------------------------------------------------------ attachments

    @on(Input.Submitted, "#attach-path")
    def add_attachment(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value.strip()
        if not raw:
            return
        field = self.query_one("#field-attachments", Field)
        path = os.path.abspath(os.path.expanduser(raw))
        try:
            if not os.path.isfile(path):
                field.set_error(_("{path} is not a file", path=raw))
                return
            size = os.path.getsize(path)
        except OSError as error:
            field.set_error(_("cannot read {path}: {error}", path=raw, error=error.strerror or str(error)))
            return
        attachments = self.query_one(AttachmentList)
        attachments.set_files([*attachments.files, PendingFile(path, size)])
        field.set_error(None)
        event.input.clear()
        self.edited("attachments")

    @on(AttachmentList.Removed)
    def attachment_removed(self) -> None:
        self.edited("attachments")

    # ------------------------------------------------------------------ values

    def values(self) -> dict[str, Any]:
        """Every field as plain data: what a draft stores and what submit sends. Reads the
        widgets kept at mount, so it also works while the screen is being taken down."""
        controls = self._controls

        def select(select_id: str) -> str | None:
            found = controls.get(select_id)
            return _value(found.value) if isinstance(found, Select) else None

        subject, description, files = controls["subject"], controls["description"], controls["attachments"]
        assert isinstance(subject, Input) and isinstance(description, TextArea)
        assert isinstance(files, AttachmentList)
        return {
            "account": self._account,
            "contact": select("contact"),
            "environment": select("environment"),
            "service": select("service"),
            "area": select("area"),
            "category": select("category"),
            "type": select("type") or "incident",
            "impact": select("impact") or "medium",
            "priority": select("priority"),
            "priority_set": self._priority_set,
            "subject": subject.value,
            "description": description.text,
            "attachments": [f.path for f in files.files],
            "work_window": str(getattr(controls.get("work-window"), "value", "") or ""),
        }

    async def restore(self, data: dict[str, Any]) -> None:
        """Put a draft back in every field (entries no longer in the catalog are left empty)."""
        if self._account_is_select and data.get("account"):
            known = data["account"] in self._options.get("account", [])
            await self._choose_account(data["account"] if known else None)
        self._set_select("contact", data.get("contact"))
        self._set_select("environment", data.get("environment"))
        self._set_select("service", data.get("service"))
        if data.get("area") in self._options.get("area", []):
            self._choose_area(data["area"])
            self._set_select("area", data["area"])
            self._set_select("category", data.get("category"))
        self._set_select("type", data.get("type") or "incident")
        self._set_select("impact", data.get("impact") or "medium")
        if self.actor.is_staff:
            self._priority_set = bool(data.get("priority_set"))
            default = IMPACT_PRIORITY.get(data.get("impact") or "medium")
            self._set_select("priority", data.get("priority") or default)
        self.query_one("#subject", Input).value = str(data.get("subject") or "")[:SUBJECT_MAX]
        self.query_one("#description", TextArea).text = str(data.get("description") or "")
        self.query_one("#work-window", Input).value = str(data.get("work_window") or "")
        files = []
        for path in data.get("attachments") or []:
            try:
                files.append(PendingFile(path, os.path.getsize(path)))
            except OSError:
                self.query_one("#field-attachments", Field).set_error(
                    _("{path} is no longer there", path=Path(path).name)
                )
        self.query_one(AttachmentList).set_files(files)
        self.query_one("#description", TextArea).focus()

    # ------------------------------------------------------------------ drafts

    def edited(self, field: str) -> None:
        """Something changed: clear that field's error and save the draft soon."""
        for found in self.query(f"#field-{field}").results(Field):
            if field != "attachments":
                found.set_error(None)
        if not self._draft_decided or self._finished:
            return
        self._edits += 1
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(DRAFT_DELAY, self._autosave)

    def _autosave(self) -> None:
        self.run_worker(self.save_draft(), group="draft")

    async def save_draft(self) -> None:
        async with self._save_lock:
            if self._finished or self._edits == self._saved_edits:
                return
            edits, data = self._edits, self.values()
            if _has_content(data):
                await self.app.store.session.save_draft(self.actor, FORM, data)
            else:
                await self.app.store.session.discard_draft(self.actor, FORM)
            self._saved_edits = edits

    async def on_unmount(self) -> None:
        # The connection may be going away (SSH dropped, app quit): keep what was typed.
        if self._save_timer is not None:
            self._save_timer.stop()
        if self._draft_decided and not self._finished and self.app.store is not None:
            try:
                await self.save_draft()
            except Exception:  # noqa: BLE001 - the app is closing; nothing left to tell
                pass

    # ------------------------------------------------------------------ close

    @on(Button.Pressed, "#close")
    def close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if not _has_content(self.values()):
            self.run_worker(self._leave(keep=False), group="close", exclusive=True)
            return
        answers = [
            ("keep", _("Keep draft"), "k"),
            ("discard", _("Discard"), "d"),
            ("back", _("Back to the form"), "esc"),
        ]
        self.app.push_screen(
            ChoiceDialog(
                _("Keep this case as a draft?"),
                _("It will be offered back the next time you open a case."),
                answers,
                escape="back",
            ),
            self._close_answer,
        )

    async def _close_answer(self, answer: str | None) -> None:
        if answer in ("keep", "discard"):
            await self._leave(keep=answer == "keep")

    async def _leave(self, *, keep: bool) -> None:
        if keep:
            self._edits += 1
            await self.save_draft()
        else:
            await self.app.store.session.discard_draft(self.actor, FORM)
        self._finished = True
        if self.is_current:
            self.app.pop_screen()

    # ----------------------------------------------------------------- submit

    @on(Button.Pressed, "#submit")
    def submit_pressed(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self._submitting or not self.loaded:
            return
        data = self.values()
        errors = {}
        if self._account_is_select and not data["account"]:
            errors["account"] = _("choose the account")
        if not data["subject"].strip():
            errors["subject"] = _("the subject is required")
        if not data["description"].strip():
            errors["description"] = _("the description is required")
        if errors:
            self.show_errors(errors)
            return
        self._submitting = True
        self.query_one("#submit", Button).disabled = True
        self.run_worker(self._submit(data), group="submit", exclusive=True)

    def show_errors(self, messages: dict[str, str]) -> None:
        """Each message next to its field; the focus goes to the first bad one."""
        fields = {f.key: f for f in self.query(Field).results(Field)}
        for field in fields.values():
            field.set_error(messages.get(field.key))
        elsewhere = [m for k, m in messages.items() if k not in fields]
        if elsewhere:
            self.notify("\n".join(elsewhere), severity="error", markup=False)
        for key in FIELD_ORDER:
            if key in messages and key in fields:
                fields[key].focus_control()
                fields[key].scroll_visible()
                break

    async def _submit(self, data: dict[str, Any]) -> None:
        from helpdesk_tui.store.errors import HelpdeskError, ValidationFailed
        from helpdesk_tui.store.views import NewTicket

        store, actor = self.app.store, self.actor
        try:
            try:
                files = await asyncio.to_thread(_read_files, data["attachments"])
            except OSError as error:
                name = Path(error.filename or "").name
                message = _("cannot read {path}: {error}", path=name, error=error.strerror)
                self.show_errors({"attachments": message})
                return
            from helpdesk_tui.store.service_levels import parse_work_window

            try:
                window = parse_work_window(data["work_window"]) if data["work_window"].strip() else None
            except ValidationFailed as error:
                self.show_errors(error.field_messages(_))
                return
            new = NewTicket(
                subject=data["subject"], description=data["description"], account=data["account"],
                contact=data["contact"], environment=data["environment"], service=data["service"],
                area=data["area"], category=data["category"], type=data["type"], impact=data["impact"],
                priority=data["priority"] if actor.is_staff else None, attachments=tuple(files),
                work_window=window,
            )  # fmt: skip
            try:
                row = await store.tickets.create(actor, new, origin="console")
            except ValidationFailed as error:
                self.show_errors(error.field_messages(_))
                return
            except HelpdeskError as error:
                self.app.show_error(error)
                return
        finally:
            self._submitting = False
            self.query_one("#submit", Button).disabled = False
        self._finished = True
        self.query_one(SubjectSuggestions).case_opened()
        if self._save_timer is not None:
            self._save_timer.stop()
        async with self._save_lock:
            await store.session.discard_draft(actor, FORM)
        self.app.notify(_("{number} created", number=row.number))
        if self.is_current:
            self.app.pop_screen()
        self.app.open_ticket(row.id)


def _select(
    select_id: str,
    prompt: str = "",
    *,
    options: list[tuple[str, str]] | None = None,
    value: str | None = None,
    disabled: bool = False,
) -> Select[str]:
    """A one-line select; with a `value` it has no blank choice."""
    if value is not None:
        return Select(options or [], id=select_id, value=value, allow_blank=False, compact=True)
    return Select(options or [], id=select_id, prompt=prompt, compact=True, disabled=disabled)


def _value_label(text: Text, widget_id: str) -> Static:
    """A read-only value in the place of a control."""
    return Static(text, id=widget_id, classes="field--value")


def _value(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _has_content(data: dict[str, Any]) -> bool:
    """Whether a form holds something a person typed (choices alone are not worth a draft)."""
    return bool(
        str(data.get("subject") or "").strip()
        or str(data.get("description") or "").strip()
        or data.get("attachments")
    )


def _read_files(paths: list[str]) -> list[tuple[str, bytes]]:
    return [(Path(p).name, Path(p).read_bytes()) for p in paths]
