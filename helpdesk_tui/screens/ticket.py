"""The ticket screen: the fields, the bitácora as a timeline, and only the actions this user may
take now, each a key and a button (SPEC sections 4 and 5, issue 3 item 4).

The store decides everything: which actions are offered (`TicketDetail.actions`), why another is
refused (`explain`), and whether a change is stale (`Conflict`, on the version shown). The
screen polls the ticket's version every second and reloads in place when someone else changes
it; the composer is never rebuilt, so what is being typed survives reloads, conflicts and
errors. Presence: a heartbeat every two seconds, and "Also here" for staff.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, HorizontalGroup, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static, TextArea

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.bindings import TranslatedBindings
from helpdesk_tui.widgets.bitacora import (
    Bitacora,
    entries_from,
    local_time,
    value_label,
)
from helpdesk_tui.widgets.composer import Composer
from helpdesk_tui.widgets.stages import STAGE_ACTIONS, StageActions, StagePanel
from helpdesk_tui.widgets.dialogs import (
    AgentPicker,
    FilePicker,
    RecategoriseDialog,
    SaveAttachmentDialog,
    TextDialog,
)

if TYPE_CHECKING:
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.errors import Conflict, HelpdeskError
    from helpdesk_tui.store.permissions import Actor
    from helpdesk_tui.store.views import TicketDetail

HEARTBEAT_EVERY = 2.0
DRAFT_DELAY = 1.0

# Buttons: the lifecycle's actions (labels shared with the queue), then the screen's own.
ACTION_LABELS = {
    **labels.ACTION_LABELS,
    "recategorise": "Recategorise",
    "comment": "Add comment",
    "save_attachment": "Save attachment",
    "answer_survey": "Answer survey",
}
LIFECYCLE_ACTIONS = (
    "assign", "take", "start", "wait", "resume", "resolve", "accept", "reject", "close",
    "cancel", "reopen", "solve",
)  # fmt: skip
CLOSED_STATES = ("closed", "cancelled")


@dataclass(frozen=True)
class TextSpec:
    title: str
    prompt: str
    submit: str
    required: bool = True


TEXT_ACTIONS = {
    "wait": TextSpec(
        "Wait on customer: {number}",
        "The question for the customer (they will see it):",
        "Ask and wait",
    ),
    "resolve": TextSpec(
        "Resolve {number}", "The resolution (the requester will see it):", "Resolve"
    ),
    "reject": TextSpec(
        "Reject the resolution of {number}",
        "Why does the resolution not solve the problem?",
        "Reject",
    ),
    "close": TextSpec(
        "Close {number}", "A closing comment (optional):", "Close", required=False
    ),
    "cancel": TextSpec(
        "Cancel {number}", "Why is the ticket cancelled?", "Cancel ticket", required=False
    ),
    "reopen": TextSpec("Reopen {number}", "Why is the ticket reopened?", "Reopen"),
}

_ACT_PARAM = re.compile(r"""^act\(['"](\w+)['"]\)$""")


class TicketHeader(Vertical):
    """Number, state (text and colour), priority and subject; then the people and the
    catalogue; then where and when. Two to four lines, so the timeline keeps the screen."""

    DEFAULT_CSS = """
    TicketHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
        & > HorizontalGroup { height: 1; }
        & Label { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & #ticket-number { text-style: bold; margin-right: 1; }
        & #ticket-state { text-style: bold; padding: 0 1; margin-right: 1; }
        & #ticket-priority { margin-right: 1; }
        & #ticket-subject { width: 1fr; text-style: bold; }
        & .facts { width: 1fr; color: $text-muted; }
        & #ticket-resolution { width: 1fr; color: $text-success; }
        & #ticket-presence { width: 1fr; color: $text-accent; }
        & .-hidden { display: none; }
        & .-state-new { background: $accent-muted; color: $text; }
        & .-state-assigned { background: $primary-muted; color: $text; }
        & .-state-in_progress { background: $warning-muted; color: $text; }
        & .-state-waiting { background: $secondary-muted; color: $text; }
        & .-state-resolved { background: $success-muted; color: $text; }
        & .-state-closed { background: $boost; color: $text-muted; }
        & .-state-cancelled { background: $error-muted; color: $text; }
        & .-state-opened { background: $accent-muted; color: $text; }
        & .-state-analysis, & .-state-solution { background: $warning-muted; color: $text; }
        & .-state-testing { background: $success-muted; color: $text; }
        & .-prio-urgent { color: $text-error; text-style: bold reverse; }
        & .-prio-high { color: $text-warning; text-style: bold; }
        & .-prio-normal, & .-prio-low { color: $text-muted; }
    }
    """

    def compose(self) -> ComposeResult:
        with HorizontalGroup():
            yield Label(id="ticket-number")
            yield Label(id="ticket-state")
            yield Label(id="ticket-priority")
            yield Label(id="ticket-subject")
        yield Label(id="ticket-people", classes="facts")
        yield Label(id="ticket-where", classes="facts")
        yield Label(id="ticket-resolution", classes="-hidden")
        yield Label(id="ticket-solution", classes="facts -hidden")  # K3, from screens/kb.py
        yield Label(id="ticket-presence", classes="-hidden")

    def show(self, detail: TicketDetail) -> None:
        ticket = detail.ticket
        self.query_one("#ticket-number", Label).update(ticket.number)
        state = self.query_one("#ticket-state", Label)
        state.update(_(labels.STATE_LABELS.get(ticket.status, ticket.status)))
        for name in labels.STATE_LABELS:
            state.set_class(name == ticket.status, f"-state-{name}")
        priority = self.query_one("#ticket-priority", Label)
        priority.update(value_label("priority", ticket.priority))
        for name in ("low", "normal", "high", "urgent"):
            priority.set_class(name == ticket.priority, f"-prio-{name}")
        self.query_one("#ticket-subject", Label).update(one_line(ticket.subject))
        self.query_one("#ticket-people", Label).update(self._people(detail))
        self.query_one("#ticket-where", Label).update(self._where(detail))
        resolution = self.query_one("#ticket-resolution", Label)
        resolution.set_class(not detail.resolution, "-hidden")
        if detail.resolution:
            resolution.update(Text.assemble(_("Resolution") + ": ", one_line(detail.resolution), end=""))
        from helpdesk_tui.screens.kb import solution_line

        solution = self.query_one("#ticket-solution", Label)
        solution.set_class(not detail.solution, "-hidden")
        solution.update(solution_line(detail) or "")

    @staticmethod
    def _people(detail: TicketDetail) -> Text:
        ticket = detail.ticket
        bits = [
            Text.assemble(one_line(ticket.account, "bold"), end=""),
            Text.assemble(_("requester") + " ", one_line(ticket.requester, "bold"), end=""),
        ]
        if ticket.contact:
            bits.append(Text.assemble(_("contact") + " ", one_line(ticket.contact, "bold"), end=""))
        assignee = one_line(ticket.assignee, "bold") if ticket.assignee else Text(_("nobody"))
        bits.append(Text.assemble(_("assignee") + " ", assignee, end=""))
        area = one_line(ticket.area) if ticket.area else Text(_("no area"))
        if ticket.category:
            area = Text.assemble(area, " / ", one_line(ticket.category), end="")
        bits.append(area)
        bits.append(Text(value_label("type", ticket.type)))
        bits.append(Text(value_label("impact", ticket.impact)))
        return Text(" · ", end="").join(bits)

    @staticmethod
    def _where(detail: TicketDetail) -> Text:
        ticket = detail.ticket
        bits = [one_line(value) for value in (detail.environment, detail.service) if value]
        created, updated = local_time(ticket.created_at), local_time(ticket.updated_at)
        if updated[:10] == created[:10]:
            updated = updated[11:]
        bits.append(Text(_("created {at}", at=created)))
        bits.append(Text(_("updated {at}", at=updated)))
        bits.append(Text(_("version {n}", n=ticket.version)))
        if detail.work_window:
            start, end = (local_time(moment) for moment in detail.work_window)
            bits.append(Text(_("work window {start}–{end}", start=start, end=end[11:] if end[:10] == start[:10] else end)))
        count = len(detail.attachments)
        if count:
            bits.append(Text(_("1 attachment") if count == 1 else _("{n} attachments", n=count)))
        return Text(" · ", end="").join(bits)

    def show_presence(self, viewers: list[Any]) -> None:
        label = self.query_one("#ticket-presence", Label)
        label.set_class(not viewers, "-hidden")
        if not viewers:
            return
        people = []
        for viewer in viewers:
            person = one_line(viewer.username, "bold")
            if viewer.typing:
                person = Text.assemble(person, " (", _("writing…"), ")", end="")
            people.append(person)
        label.update(Text.assemble(_("Also here") + ": ", Text(", ", end="").join(people), end=""))


class TicketScreen(StageActions, TranslatedBindings, Screen[None]):
    """One ticket: header, timeline, action bar, composer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "act('assign')", "Assign", id="ticket.assign"),
        Binding("t", "act('take')", "Take", id="ticket.take"),
        Binding("s", "act('start')", "Start", id="ticket.start"),
        Binding("w", "act('wait')", "Wait", id="ticket.wait"),
        Binding("u", "act('resume')", "Resume", id="ticket.resume"),
        Binding("v", "act('resolve')", "Resolve", id="ticket.resolve"),
        Binding("y", "act('accept')", "Accept", id="ticket.accept"),
        Binding("x", "act('reject')", "Reject", id="ticket.reject"),
        Binding("l", "act('close')", "Close", id="ticket.close"),
        Binding("K", "act('cancel')", "Cancel ticket", id="ticket.cancel", show=False),
        Binding("o", "act('reopen')", "Reopen", id="ticket.reopen"),
        Binding("m", "act('solve')", "Start solution", id="ticket.solve"),
        Binding("C", "sla_clock", "SLA clock", id="ticket.sla_clock"),
        Binding("b", "checklist", "Checklist", id="ticket.checklist", show=False),
        Binding("p", "work_plan", "Work plan", id="ticket.work_plan", show=False),
        Binding("e", "recategorise", "Recategorise", id="ticket.recategorise", show=False),
        Binding("c", "comment", "Add comment", id="ticket.comment"),
        Binding("ctrl+s", "send", "Send", id="ticket.send"),
        Binding("i", "toggle_internal", "Internal note", id="ticket.internal", show=False),
        Binding("f", "attach", "Attach file", id="ticket.attach", show=False),
        Binding("d", "save_attachment", "Save attachment", id="ticket.save_attachment", show=False),
        Binding("r", "reload", "Reload", id="ticket.reload", show=False),
        Binding("L", "link_solution", "Link solution", id="ticket.link_solution", show=False),
        Binding("R", "read_solution", "Read solution", id="ticket.read_solution"),
        Binding("S", "answer_survey", "Answer survey", id="ticket.survey"),
        Binding("q", "back", "Back", id="ticket.back"),
        Binding("escape", "back", "Back", id="ticket.escape", show=False),
    ]

    DEFAULT_CSS = """
    TicketScreen {
        layout: vertical;
        & #ticket-notice { height: auto; max-height: 2; padding: 0 1; color: $text-warning;
                           background: $warning-muted; }
        & #ticket-notice.-empty { display: none; }
        & #ticket-actions { height: 1; padding: 0 1; background: $panel;
                            overflow-x: auto; scrollbar-size-horizontal: 0; }
        & #ticket-actions Button { margin-right: 1; width: auto; min-width: 0; }
    }
    """

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.survey: Any = None  # this person's open survey invitation for the ticket (V2)
        self._viewers: list[Any] = []
        self._unsent: dict[str, str] = {}  # dialog text of an action that failed, offered back
        self._loading = False
        self._ticking = False
        self._last_heartbeat = 0.0
        self._last_typing_sent = False
        self._draft_timer: Any = None
        self._draft_saved = ""
        self._typed = ""
        self._left = False
        self._actions_lock = asyncio.Lock()  # loads from several workers must not interleave

    # ------------------------------------------------------------------ setup

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined,no-any-return]

    @property
    def actor(self) -> Actor:
        return self.app.actor  # type: ignore[attr-defined,no-any-return]

    @property
    def draft_form(self) -> str:
        return f"comment:{self.ticket_id}"

    def compose(self) -> ComposeResult:
        yield TicketHeader(id="ticket-header")
        yield StagePanel(id="ticket-stages")
        yield Bitacora(id="bitacora")
        yield Static("", id="ticket-notice", classes="-empty")
        yield Horizontal(id="ticket-actions")
        yield Composer(staff=self.actor.is_staff, id="composer")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Bitacora).focus()
        self.run_worker(self._first_load(), group="load", exclusive=True)
        interval = min(float(getattr(self.app, "refresh_interval", 1.0) or 1.0), 1.0)
        self.set_interval(interval, self._tick)

    @property
    def _going_away(self) -> bool:
        return self._left or not self.is_attached

    async def on_unmount(self) -> None:
        self._left = True
        try:
            await asyncio.wait_for(self._save_draft_now(), timeout=2)
            await asyncio.wait_for(self.store.session.leave(self.actor, self.ticket_id), timeout=2)
        except Exception:  # the store may already be closing with the app
            pass

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def bitacora(self) -> Bitacora:
        return self.query_one(Bitacora)

    # ---------------------------------------------------------------- loading

    async def _first_load(self) -> None:
        await self._load()
        await self._restore_draft()
        await self._heartbeat()

    async def _load(self) -> bool:
        """Read the ticket and show it; False if it cannot be read."""
        from helpdesk_tui.store.errors import HelpdeskError, NotFound

        self._loading = True
        try:
            detail = await self.store.tickets.show(self.actor, self.ticket_id)
            had_survey, self.survey = self.survey, await self.store.surveys.pending_for_ticket(self.actor, self.ticket_id)
        except NotFound as error:
            await self._gone(error)
            return False
        except HelpdeskError as error:
            self.app.show_error(error)  # type: ignore[attr-defined]
            return False
        finally:
            self._loading = False
        await self._show(detail)
        if (had_survey is None) != (self.survey is None):
            await self._rebuild_actions()
        return True

    async def _gone(self, error: HelpdeskError) -> None:
        self.detail = None
        self.notice(error.message(_) + " — " + _("press q to go back"))
        await self._rebuild_actions()
        self.refresh_bindings()

    async def _show(self, detail: TicketDetail) -> None:
        if self._going_away:
            return
        previous = self.detail
        if previous is not None and detail.ticket.version < previous.ticket.version:
            return  # an older read that finished late
        self.detail = detail
        self.query_one(TicketHeader).show(detail)
        self.query_one(StagePanel).show(detail)
        self.bitacora.set_entries(entries_from(detail.events, detail.attachments, detail.description))
        if previous is None or self._offered(previous) != self._offered(detail):
            await self._rebuild_actions()
        if not self._may("comment") and not self.composer.has_content:
            self.composer.remove_class("-open")
        self.refresh_bindings()

    def _offered(self, detail: TicketDetail) -> tuple[str, ...]:
        extra = ("recategorise", "comment", "save_attachment", "answer_survey")
        return (*detail.actions, *(name for name in extra if self._may(name, detail)))

    async def _rebuild_actions(self) -> None:
        async with self._actions_lock:
            bar = self.query_one("#ticket-actions", Horizontal)
            had_focus = self.focused is not None and self.focused.parent is bar
            await bar.remove_children()
            if self.detail is None:
                return
            buttons = []
            for name in self._offered(self.detail):
                label = _(ACTION_LABELS.get(name, name))
                key = self._key_for(name)
                content = Content.assemble(label, (f" {key}", "dim")) if key else Content(label)
                buttons.append(Button(content, id=f"do-{name}", compact=True))
            await bar.mount_all(buttons)
            if had_focus:
                self.bitacora.focus()

    def _key_for(self, name: str) -> str:
        action = f"act('{name}')" if name in LIFECYCLE_ACTIONS else name
        for key, bindings in self._bindings.key_to_bindings.items():
            for binding in bindings:
                if binding.action == action:
                    keymap = getattr(self.app, "_keymap", {})
                    shown = keymap.get(binding.id, key) if binding.id else key
                    return self.app.get_key_display(Binding(shown.split(",")[0], action))
        return ""

    # ----------------------------------------------------------- availability

    def _may(self, name: str, detail: TicketDetail | None = None) -> bool:
        """What this actor may do now, as the store answered: lifecycle actions and the other
        abilities (comment, recategorise). The store still decides when asked to do it."""
        detail = detail or self.detail
        if detail is None:
            return False
        if name == "save_attachment":
            return bool(detail.attachments)
        if name == "answer_survey":
            return self.survey is not None
        return name in detail.actions or name in detail.abilities

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            return bool(parameters) and self._may(str(parameters[0]))
        if action in ("recategorise", "comment", "save_attachment", "answer_survey"):
            return self._may(action)
        if action in STAGE_ACTIONS:
            return self.stage_action_available(action)
        if action in ("send",):
            return self.is_mounted and self.composer.is_open
        if action == "toggle_internal":
            return self._may("comment_internal")
        if action == "attach":
            return self._may("attach")
        if action == "link_solution":  # K3: staff who resolve link a knowledge-base article
            return self.detail is not None and self.actor.is_staff and self.actor.can("ticket.resolve")
        if action == "read_solution":
            return self.detail is not None and bool(self.detail.solution)
        return True

    def action_link_solution(self) -> None:
        from helpdesk_tui.screens.kb import link_solution

        self.run_worker(link_solution(self), group="dialog", exclusive=True)

    def action_read_solution(self) -> None:
        from helpdesk_tui.screens.kb import read_solution

        read_solution(self.app, self.detail)

    def on_key(self, event: Key) -> None:
        """A key whose action is unavailable now (hidden from the footer) explains why."""
        if isinstance(self.focused, (Input, TextArea)) or self.detail is None:
            return
        for namespace, bindings in self._binding_chain:
            if namespace is not self:
                continue
            for binding in bindings.key_to_bindings.get(event.key, ()):
                match = _ACT_PARAM.match(binding.action)
                name = match.group(1) if match else binding.action
                if name in ("recategorise", "comment") or match:
                    if not self._may(name):
                        event.stop()
                        event.prevent_default()
                        self.explain(name)
                        return

    def explain(self, name: str) -> None:
        """Tell why `name` is not possible now (the store's explanation)."""
        self.run_worker(self._explain(name), group="explain", exclusive=True)

    async def _explain(self, name: str) -> None:
        from helpdesk_tui.store.errors import InvalidTransition, NotPermitted

        refusal: HelpdeskError | None
        if name in LIFECYCLE_ACTIONS:
            refusal = await self.store.tickets.explain(self.actor, self.ticket_id, name)
        elif self.detail is not None and self.detail.ticket.status in CLOSED_STATES:
            refusal = InvalidTransition(
                "comment: the ticket is closed; reopen it to comment"
                if name == "comment"
                else "recategorise: the ticket is no longer open"
            )
        elif name == "comment":
            refusal = NotPermitted("you may not comment on tickets")
        else:
            refusal = NotPermitted("recategorise: only staff may recategorise a ticket")
        if refusal is None:
            # Allowed after all: the screen was behind. Show the ticket as it is now.
            await self._load()
            self.notify(_("The ticket had changed; it is shown as it is now."))
            return
        self.notify(refusal.message(_), severity="warning", timeout=6)

    # ----------------------------------------------------------------- notice

    def notice(self, message: str | None) -> None:
        line = self.query_one("#ticket-notice", Static)
        line.update(message or "")
        line.set_class(not message, "-empty")

    # --------------------------------------------------------------- actions

    def action_act(self, name: str) -> None:
        self.request(name)

    def request(self, name: str, *, to: str | None = None, text: str | None = None) -> None:
        """Take a lifecycle action, e.g. from the palette or `:assign ana`. What is not given
        (the agent, the text) is asked for in a dialog; a refused action is explained."""
        if not self._may(name):
            self.explain(name)
            return
        self.run_worker(self._act(name, to=to, text=text), group="act", exclusive=True)

    def assign_to(self, username: str) -> None:
        """`:assign NAME` from the command line: on the version shown, explained if refused."""
        self.request("assign", to=username)

    def action_take(self) -> None:
        """`:take` from the command line."""
        self.request("take")

    @on(Button.Pressed, "#ticket-actions Button")
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("do-")
        if name in LIFECYCLE_ACTIONS:
            self.action_act(name)
        elif name == "recategorise":
            self.action_recategorise()
        elif name == "comment":
            self.action_comment()
        elif name == "save_attachment":
            self.action_save_attachment()
        elif name == "answer_survey":
            self.action_answer_survey()

    def action_answer_survey(self) -> None:
        """V2: the survey of this ticket, for its requester; the ticket reloads afterwards."""
        from helpdesk_tui.screens.survey import open_survey

        done = lambda _answered: self.action_reload()  # noqa: E731
        self.run_worker(open_survey(self.app, self.ticket_id, done), group="dialog", exclusive=True)

    async def _act(self, name: str, *, to: str | None = None, text: str | None = None) -> None:
        """Ask what the action needs (an agent, a text), then take it on the version shown."""
        from helpdesk_tui.store.errors import Conflict, HelpdeskError

        detail = self.detail
        if detail is None:
            return
        ticket = detail.ticket
        version = ticket.version
        if name == "assign" and not to:
            staff = await self.store.catalog.area_staff(ticket.area_id)
            to = await self.app.push_screen_wait(
                AgentPicker(staff, title=_("Assign {number}", number=ticket.number), current=ticket.assignee)
            )
            if to is None:
                return
        elif name in TEXT_ACTIONS and text is None:
            spec = TEXT_ACTIONS[name]
            required = spec.required or (name == "cancel" and self.actor.is_staff)
            prompt = Text.assemble(_(spec.prompt), "\n", one_line(ticket.subject, "italic"), end="")
            text = await self.app.push_screen_wait(
                TextDialog(
                    _(spec.title, number=ticket.number), prompt, submit_label=_(spec.submit),
                    required=required, text=self._unsent.get(name, ""),
                )  # fmt: skip
            )
            if text is None:
                return
        try:
            row = await self.store.tickets.act(
                self.actor, self.ticket_id, name, version=version, to=to, text=text
            )
        except Conflict as error:
            if text:
                self._unsent[name] = text
            await self._conflict(error)
            return
        except HelpdeskError as error:
            if text:
                self._unsent[name] = text
            self.app.show_error(error)  # type: ignore[attr-defined]
            await self._load()
            return
        self._unsent.pop(name, None)
        self.notice(None)
        state = _(labels.STATE_LABELS.get(row.status, row.status))
        self.notify(_("{number} is now {state}", number=row.number, state=state))
        await self._load()

    async def _conflict(self, error: Conflict) -> None:
        """Someone changed the ticket since it was shown: say so and show it as it is now.
        The composer is left alone, so nothing being typed is lost."""
        message = error.message(_)
        self.notice(message)
        self.notify(message, severity="warning", title=_("Changed meanwhile"), timeout=6)
        await self._load()

    def action_recategorise(self) -> None:
        if not self._may("recategorise"):
            self.explain("recategorise")
            return
        self.run_worker(self._recategorise(), group="act", exclusive=True)

    async def _recategorise(self) -> None:
        from helpdesk_tui.store.errors import Conflict, HelpdeskError
        from helpdesk_tui.store.lifecycle import IMPACTS, PRIORITIES, TYPES

        detail = self.detail
        if detail is None:
            return
        ticket = detail.ticket
        version = ticket.version
        areas = {area.name: area.categories for area in await self.store.catalog.areas()}
        current = {
            "area": ticket.area, "category": ticket.category, "type": ticket.type,
            "priority": ticket.priority, "impact": ticket.impact,
        }  # fmt: skip
        choices = {"type": TYPES, "priority": PRIORITIES, "impact": IMPACTS}
        changes = await self.app.push_screen_wait(
            RecategoriseDialog(areas, current, choices, title=_("Recategorise {number}", number=ticket.number))
        )
        if not changes:
            return
        try:
            await self.store.tickets.recategorise(self.actor, self.ticket_id, version=version, **changes)
        except Conflict as error:
            await self._conflict(error)
            return
        except HelpdeskError as error:
            self.app.show_error(error)  # type: ignore[attr-defined]
            await self._load()
            return
        self.notice(None)
        self.notify(_("{number} recategorised", number=ticket.number))
        await self._load()

    # ---------------------------------------------------------------- comment

    def action_comment(self) -> None:
        if not self._may("comment"):
            self.explain("comment")
            return
        self.composer.open()
        self.refresh_bindings()

    def action_toggle_internal(self) -> None:
        if self.actor.is_staff:
            self.composer.internal = not self.composer.internal
            self.composer.open(focus=False)
            self.refresh_bindings()

    def action_attach(self) -> None:
        if not self._may("comment"):
            self.explain("comment")
            return
        self.run_worker(self._pick_file(), group="dialog", exclusive=True)

    @on(Composer.AttachRequested)
    def _attach_requested(self) -> None:
        self.action_attach()

    async def _pick_file(self) -> None:
        path = await self.app.push_screen_wait(FilePicker(title=_("Attach a file")))
        if path is not None:
            self.composer.add_file(path)
            self.composer.open()
            self.refresh_bindings()

    def action_send(self) -> None:
        if self.composer.is_open:
            self.run_worker(self._send(), group="send", exclusive=True)

    @on(Composer.SendRequested)
    def _send_requested(self) -> None:
        self.action_send()

    async def _send(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        composer = self.composer
        text, internal, files = composer.text, composer.internal, list(composer.files)
        if not text.strip() and not files:
            composer.show_error(_("Write a comment or attach a file."))
            return
        attachments = []
        for path in files:
            try:
                attachments.append((path.name, await asyncio.to_thread(path.read_bytes)))
            except OSError as error:
                reason = error.strerror or str(error)
                composer.show_error(_("Cannot read {name}: {reason}", name=path.name, reason=reason))
                return
        try:
            await self.store.tickets.comment(
                self.actor, self.ticket_id, text, internal=internal, attachments=attachments
            )
        except HelpdeskError as error:
            composer.show_error(error.message(_))
            return
        if composer.text == text:
            composer.clear()
        else:  # more was typed while sending: keep it, drop only what went out
            composer.remove_files()
            composer.show_error(None)
        self.notify(_("Internal note added") if internal else _("Comment added"))
        await self._discard_draft()
        if composer.close_if_empty():
            self.bitacora.focus()
        await self._load()
        self.refresh_bindings()

    # ------------------------------------------------------------- attachments

    def action_save_attachment(self) -> None:
        if self.detail is None or not self.detail.attachments:
            self.notify(_("This ticket has no attachments."), severity="warning")
            return
        self.run_worker(self._save_attachment(), group="dialog", exclusive=True)

    async def _save_attachment(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        assert self.detail is not None
        target = await self.app.push_screen_wait(
            SaveAttachmentDialog(self.detail.attachments, title=_("Save an attachment"))
        )
        if target is None:
            return
        try:
            name, data = await self.store.tickets.read_attachment(self.actor, target.attachment_id)
            await asyncio.to_thread(target.path.write_bytes, data)
        except HelpdeskError as error:
            self.app.show_error(error)  # type: ignore[attr-defined]
            return
        except OSError as error:
            self.notify(
                _("Cannot write {path}: {reason}", path=str(target.path), reason=error.strerror or str(error)),
                severity="error",
            )
            return
        self.notify(_("Saved {name} to {path}", name=name, path=str(target.path)))

    # ------------------------------------------------------------- navigation

    def action_reload(self) -> None:
        self.notice(None)
        self.run_worker(self._load(), group="load", exclusive=True)

    action_refresh = action_reload  # `:refresh` from the command line

    async def action_back(self) -> None:
        composer = self.composer
        focused = self.focused
        if focused is not None and composer in focused.ancestors_with_self:
            composer.close_if_empty()
            self.bitacora.focus()
            self.refresh_bindings()
            return
        if len(self.app.screen_stack) > 2:
            self.dismiss()
        else:
            await self.app.go_home()  # type: ignore[attr-defined]

    # ---------------------------------------------------- live refresh, presence

    def _tick(self) -> None:
        if self._ticking or self._left:
            return
        self._ticking = True
        self.run_worker(self._live, group="live", exit_on_error=False)  # background: never fatal

    async def _live(self) -> None:
        try:
            if self.detail is not None and not self._loading:
                version = await self.store.session.ticket_version(self.ticket_id)
                if version != self.detail.ticket.version:
                    await self._load()
            typing = self.composer.typing()
            due = time.monotonic() - self._last_heartbeat >= HEARTBEAT_EVERY
            if due or typing != self._last_typing_sent:
                await self._heartbeat()
            elif self.actor.is_staff:
                await self._show_viewers()
        except NoMatches:
            if not self._going_away:  # widgets only go missing while the screen closes
                raise
        finally:
            self._ticking = False

    async def _heartbeat(self) -> None:
        typing = self.composer.typing()
        self._last_heartbeat = time.monotonic()
        self._last_typing_sent = typing
        await self.store.session.heartbeat(self.actor, self.ticket_id, typing=typing)
        await self._show_viewers()

    async def _show_viewers(self) -> None:
        viewers = await self.store.session.viewers(self.actor, self.ticket_id)
        if viewers != self._viewers:
            self._viewers = viewers
            self.query_one(TicketHeader).show_presence(viewers)

    # ------------------------------------------------------------------ drafts

    @on(TextArea.Changed, "#composer-text")
    def _composer_changed(self, event: TextArea.Changed) -> None:
        self._typed = event.text_area.text
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._draft_due)

    def _draft_due(self) -> None:
        self.run_worker(self._save_draft_now(), group="draft", exclusive=True, exit_on_error=False)

    async def _save_draft_now(self) -> None:
        text = self._typed  # the composer may already be gone when the screen closes
        if text == self._draft_saved:
            return
        self._draft_saved = text
        if text.strip():
            await self.store.session.save_draft(self.actor, self.draft_form, {"text": text})
        else:
            await self.store.session.discard_draft(self.actor, self.draft_form)

    async def _discard_draft(self) -> None:
        self._draft_saved = self.composer.text
        if not self._draft_saved.strip():
            await self.store.session.discard_draft(self.actor, self.draft_form)

    async def _restore_draft(self) -> None:
        found = await self.store.session.draft(self.actor, self.draft_form)
        if not found or self.composer.text.strip() or not self._may("comment"):
            return
        text = str(found[0].get("text") or "")
        if text.strip():
            self._draft_saved = text
            self.composer.text = text
            self.composer.open(focus=False)
            self.notice(_("Your unsent comment is back in the comment box."))
            self.refresh_bindings()
