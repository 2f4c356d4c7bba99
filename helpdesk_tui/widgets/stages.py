"""The five-stage lifecycle on the ticket screen (seed 003): the analysis checklist and the
current work plan, and the dialogs to tick an item, propose a plan and approve or reject it.

`StagePanel` is a few lines between the header and the bitácora, shown only for tickets whose
lifecycle has working papers (`TicketDetail.stages`). `StageActions` is mixed into the ticket
screen: its actions (`checklist`, `work_plan`, `sla_clock`) ask the store and reload; what each
actor may do comes from `StageView.abilities`, as the lifecycle actions come from
`TicketDetail.actions`. Untrusted text (objectives, activities, notes) goes through text.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui import labels
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.text import one_line, safe
from helpdesk_tui.widgets.dialogs import Dialog
from helpdesk_tui.widgets.sla_clock import SlaClockDialog

if TYPE_CHECKING:
    from helpdesk_tui.store.views import TicketDetail

STAGE_ACTIONS = ("sla_clock", "checklist", "work_plan")
PLAN_STATES = {
    "proposed": N_("waiting for the customer"),
    "approved": N_("approved by the customer"),
    "rejected": N_("rejected by the customer"),
    "superseded": N_("replaced"),
}


def _item(name: str) -> str:
    return labels.label(labels.CHECKLIST_LABELS, name)


def plan_lines(plan: Any) -> Text:
    """Objective, then one line per dated activity, then the decision."""
    out = Text(end="")
    out.append(_("Objective") + ": ", "bold")
    out.append_text(safe(plan.objective))
    for activity in plan.activities:
        out.append("\n  " + activity.date.isoformat() + "  ")
        out.append_text(one_line(activity.text))
    out.append("\n")
    out.append(_("Proposed by {username}", username=one_line(plan.proposed_by).plain), "dim")
    out.append(" · ")
    out.append(_(PLAN_STATES.get(plan.status, plan.status)), "bold")
    if plan.decided_by:
        out.append(" (" + one_line(plan.decided_by).plain + ")")
    if plan.comment:
        out.append("\n" + _("Comment") + ": ")
        out.append_text(safe(plan.comment))
    return out


class StagePanel(Static):
    """Checklist progress and the current plan, in two or three lines (hidden without them)."""

    DEFAULT_CSS = """
    StagePanel {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $boost;
        display: none;
        &.-shown { display: block; }
    }
    """

    def show(self, detail: TicketDetail) -> None:
        stages = detail.stages
        self.set_class(stages is not None, "-shown")
        if stages is not None:
            self.update(self.describe(stages))

    @staticmethod
    def describe(stages: Any) -> Text:
        out = Text(end="")
        done, total = stages.checklist_done, stages.checklist_total
        out.append(_("Checklist {done}/{total}", done=done, total=total), "bold")
        if stages.checklist:
            for entry in stages.checklist:
                out.append(" " + ("[x] " if entry.done else "[ ] ") + _item(entry.item))
        else:
            out.append("  " + (_("complete") if done >= total else _("in progress")))
        out.append("\n")
        out.append(_("Work plan") + ": ", "bold")
        plan = stages.plan
        if plan is None:
            out.append(_("none yet"))
        else:
            out.append(_(PLAN_STATES.get(plan.status, plan.status)))
            out.append(" — ")
            objective = one_line(plan.objective)
            objective.truncate(40, overflow="ellipsis")
            out.append_text(objective)
        hints = []
        if "check" in stages.abilities:
            hints.append(_("b tick the checklist"))
        if "propose_plan" in stages.abilities:
            hints.append(_("p propose a plan"))
        if "decide_plan" in stages.abilities:
            hints.append(_("p approve or reject the plan"))
        if hints:
            out.append("\n" + " · ".join(hints), "dim")
        return out


# ----------------------------------------------------------------------------- dialogs


class ChecklistDialog(Dialog):
    """Pick an item to tick or untick, with an optional note; returns (item, done, note)."""

    DEFAULT_CSS = """
    ChecklistDialog #checklist-items { height: auto; max-height: 8; }
    """

    def __init__(self, entries: Sequence[Any], *, title: str) -> None:
        super().__init__()
        self.entries = list(entries)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            options = []
            for entry in self.entries:
                prompt = Text(("[x] " if entry.done else "[ ] ") + _item(entry.item), end="")
                if entry.note:
                    prompt.append(" — ")
                    prompt.append_text(one_line(entry.note, "dim"))
                options.append(Option(prompt, id=entry.item))
            yield OptionList(*options, id="checklist-items")
            yield Input(placeholder=_("Note (optional)"), id="checklist-note")
            yield Static(_("Enter ticks or unticks the chosen item. Escape cancels."), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#checklist-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        item = str(event.option.id)
        entry = next(e for e in self.entries if e.item == item)
        note = self.query_one("#checklist-note", Input).value.strip()
        self.dismiss((item, not entry.done, note))


class ProposePlanDialog(Dialog):
    """An objective and one dated activity per line ("2026-12-01 text"); returns
    (objective, lines). Submit stays disabled until both are there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", id="plan.submit"),
    ]
    DEFAULT_CSS = """
    ProposePlanDialog #plan-activities { height: 6; }
    ProposePlanDialog #plan-current { max-height: 5; color: $text-muted; }
    """

    def __init__(self, *, title: str, objective: str = "", activities: str = "", current: Any = None) -> None:
        super().__init__()
        self.title_text = title
        self.objective = objective
        self.activities = activities
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            if self.current is not None:
                yield Static(plan_lines(self.current), id="plan-current")
            yield Input(self.objective, placeholder=_("Objective of the plan"), id="plan-objective")
            yield Static(_("Activities, one per line: a date (YYYY-MM-DD) and what will be done."), classes="dialog-hint")
            yield TextArea(self.activities, id="plan-activities", tab_behavior="focus")
            yield self.buttons(_("Propose plan"), disabled=self._missing())

    def on_mount(self) -> None:
        self.query_one("#plan-objective", Input).focus()

    def _values(self) -> tuple[str, list[str]]:
        objective = self.query_one("#plan-objective", Input).value.strip()
        lines = [line.strip() for line in self.query_one("#plan-activities", TextArea).text.splitlines()]
        return objective, [line for line in lines if line]

    def _missing(self) -> bool:
        if not self.is_mounted:
            return not (self.objective.strip() and self.activities.strip())
        objective, lines = self._values()
        return not (objective and lines)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.query_one("#submit", Button).disabled = self._missing()

    @on(Input.Submitted, "#plan-objective")
    def _next_field(self) -> None:
        self.query_one("#plan-activities", TextArea).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if not self._missing():
            self.dismiss(self._values())


class PlanDecisionDialog(Dialog):
    """The plan as proposed; the customer approves (comment optional) or rejects (reason
    required). Returns ("approve" | "reject", text); read-only when `deciding` is False."""

    DEFAULT_CSS = """
    PlanDecisionDialog #plan-text { max-height: 12; }
    """

    def __init__(self, plan: Any, *, title: str, deciding: bool) -> None:
        super().__init__()
        self.plan = plan
        self.title_text = title
        self.deciding = deciding

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Static(plan_lines(self.plan), id="plan-text")
            if self.deciding:
                yield Input(placeholder=_("Comment (required to reject)"), id="plan-comment")
                yield Horizontal(
                    Button(_("Approve plan"), variant="primary", id="approve", compact=True),
                    Button(_("Reject plan"), variant="error", id="reject", disabled=True, compact=True),
                    Button(_("Cancel"), id="cancel", compact=True),
                    classes="dialog-buttons",
                )
            else:
                yield Horizontal(Button(_("Close"), id="cancel", compact=True), classes="dialog-buttons")

    def on_mount(self) -> None:
        if self.deciding:
            self.query_one("#plan-comment", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    @on(Input.Changed, "#plan-comment")
    def _comment(self, event: Input.Changed) -> None:
        self.query_one("#reject", Button).disabled = not event.value.strip()

    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        self.dismiss(("approve", self.query_one("#plan-comment", Input).value.strip()))

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        text = self.query_one("#plan-comment", Input).value.strip()
        if text:
            self.dismiss(("reject", text))


# ----------------------------------------------------------------- the screen's part


class StageActions:
    """Mixed into TicketScreen: the SLA clock (every ticket) and the five-stage papers."""

    detail: TicketDetail | None
    ticket_id: int
    _plan_draft: tuple[str, str] | None = None

    def stage_action_available(self, action: str) -> bool:
        detail = self.detail
        if detail is None:
            return False
        if action == "sla_clock":
            return True
        stages = detail.stages
        if stages is None:
            return False
        if action == "checklist":
            return "check" in stages.abilities
        return bool({"propose_plan", "decide_plan"} & set(stages.abilities)) or stages.plan is not None

    def action_sla_clock(self) -> None:
        if self.detail is None:
            return
        title = _("SLA clock: {number}", number=self.detail.ticket.number)
        self.app.push_screen(SlaClockDialog(self.detail.sla, title=title))  # type: ignore[attr-defined]

    def action_checklist(self) -> None:
        if self.stage_action_available("checklist"):
            self.run_worker(self._checklist(), group="act", exclusive=True)  # type: ignore[attr-defined]

    def action_work_plan(self) -> None:
        if self.stage_action_available("work_plan"):
            self.run_worker(self._work_plan(), group="act", exclusive=True)  # type: ignore[attr-defined]

    async def _checklist(self) -> None:
        assert self.detail is not None and self.detail.stages is not None
        screen: Any = self
        title = _("Analysis checklist: {number}", number=self.detail.ticket.number)
        chosen = await screen.app.push_screen_wait(ChecklistDialog(self.detail.stages.checklist, title=title))
        if chosen is None:
            return
        item, done, note = chosen
        await self._stage_call(lambda store, actor: store.stages.check(actor, self.ticket_id, item, done=done, note=note),
                               _("{item}: done") if done else _("{item}: not done"), item=_item(item))

    async def _work_plan(self) -> None:
        assert self.detail is not None and self.detail.stages is not None
        screen: Any = self
        stages, number = self.detail.stages, self.detail.ticket.number
        if "propose_plan" in stages.abilities:
            objective, activities = self._plan_draft or self._plan_text(stages.plan)
            values = await screen.app.push_screen_wait(ProposePlanDialog(
                title=_("Work plan: {number}", number=number), objective=objective,
                activities=activities, current=stages.plan,
            ))  # fmt: skip
            if values is None:
                return
            objective, lines = values
            self._plan_draft = (objective, "\n".join(lines))
            if await self._stage_call(
                lambda store, actor: store.stages.propose_plan(actor, self.ticket_id, objective, lines),
                _("Work plan proposed"),
            ):
                self._plan_draft = None
            return
        deciding = "decide_plan" in stages.abilities
        decision = await screen.app.push_screen_wait(
            PlanDecisionDialog(stages.plan, title=_("Work plan: {number}", number=number), deciding=deciding)
        )
        if not decision:
            return
        verb, text = decision
        if verb == "approve":
            await self._stage_call(lambda store, actor: store.stages.approve_plan(actor, self.ticket_id, text),
                                   _("Work plan approved"))
        else:
            await self._stage_call(lambda store, actor: store.stages.reject_plan(actor, self.ticket_id, text),
                                   _("Work plan rejected"))

    @staticmethod
    def _plan_text(plan: Any) -> tuple[str, str]:
        if plan is None:
            return "", ""
        lines = [f"{a.date.isoformat()} {a.text}" for a in plan.activities]
        return plan.objective, "\n".join(lines)

    async def _stage_call(self, call: Any, done: str, **params: Any) -> bool:
        from helpdesk_tui.store.errors import HelpdeskError

        screen: Any = self
        try:
            await call(screen.store, screen.actor)
        except HelpdeskError as error:
            screen.app.show_error(error)
            await screen._load()
            return False
        screen.notify(done.format(**params) if params else done)
        await screen._load()
        return True


__all__ = [
    "STAGE_ACTIONS", "ChecklistDialog", "PlanDecisionDialog", "ProposePlanDialog", "StageActions",
    "StagePanel",
]  # fmt: skip
