"""The five-stage lifecycle's working papers (seed 003): the analysis checklist and work plans.

In Análisis the engineer ticks the four items of the analysis (identification, validation,
structure, alarm type) and proposes a work plan (an objective and dated activities); the
requester or the contact approves or rejects it. The lifecycle's `solve` action (Análisis ->
Solución) is guarded by both: `lifecycle_facts` gives the guards what they test.

Who may do what is data here too (`Who` rows, as in store/lifecycle.py), and every change is
written to the bitácora in its own transaction, bumping the ticket's version so that everyone
looking at the ticket reloads. Checklist entries are internal (staff only); plan events are
public, since the customer decides on the plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from helpdesk_tui.i18n import N_
from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import (
    InvalidTransition,
    Label,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from helpdesk_tui.store.lifecycle import (
    ADMIN,
    CONTACT,
    REQUESTER,
    STATE_LABELS,
    Lifecycle,
    TicketFacts,
    Who,
    lifecycle_named,
)
from helpdesk_tui.store.models import Account, Area, ChecklistItem, Ticket, User, WorkPlan
from helpdesk_tui.store.permissions import Actor, visible_tickets
from helpdesk_tui.store.views import parse_ticket_ref
from helpdesk_tui.text import strip_controls

# Who may do what with the working papers (the ticket must also be in one of the lifecycle's
# `stage_states`, i.e. Análisis).
STAFF_OF_AREA = (Who("area_staff", "ticket.work"), ADMIN)
REQUESTER_OR_CONTACT = (REQUESTER, CONTACT)

OBJECTIVE_MAX = 2000
ACTIVITY_MAX = 500
ACTIVITIES_MAX = 50
_ACTIVITY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$", re.S)

Proposer = aliased(User, name="proposer")
Decider = aliased(User, name="decider")


# ------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ChecklistEntry:
    item: str
    done: bool
    note: str = ""
    by: str | None = None
    at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "done": self.done,
            "note": self.note,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
        }


@dataclass(frozen=True)
class Activity:
    date: date
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "text": self.text}


@dataclass(frozen=True)
class PlanView:
    id: int
    objective: str
    activities: tuple[Activity, ...]
    status: str  # proposed | approved | rejected | superseded
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "objective": self.objective,
            "activities": [a.to_json() for a in self.activities],
            "status": self.status,
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class StageView:
    """The working papers of a five-stage ticket as this actor may see them."""

    lifecycle: str
    checklist: tuple[ChecklistEntry, ...]  # staff only; empty for customers
    checklist_done: int
    checklist_total: int
    plan: PlanView | None  # the current (newest) plan
    # What this actor may do with them now: check, propose_plan, decide_plan.
    abilities: tuple[str, ...] = ()

    @property
    def checklist_complete(self) -> bool:
        return self.checklist_done >= self.checklist_total

    @property
    def plan_approved(self) -> bool:
        return self.plan is not None and self.plan.status == "approved"

    def to_json(self) -> dict[str, Any]:
        return {
            "lifecycle": self.lifecycle,
            "checklist": [c.to_json() for c in self.checklist],
            "checklist_done": self.checklist_done,
            "checklist_total": self.checklist_total,
            "checklist_complete": self.checklist_complete,
            "plan": self.plan.to_json() if self.plan else None,
            "plan_approved": self.plan_approved,
            "abilities": list(self.abilities),
        }


# ----------------------------------------------------------- hooks for TicketStore


async def lifecycle_for(session: AsyncSession, area_id: int | None, account_id: int | None) -> Lifecycle:
    """A new ticket's lifecycle: its area's, else its account's, else the standard one."""
    if area_id is not None:
        named = await session.scalar(select(Area.lifecycle).where(Area.id == area_id))
        if named:
            return lifecycle_named(named)
    if account_id is not None:
        named = await session.scalar(select(Account.lifecycle).where(Account.id == account_id))
        if named:
            return lifecycle_named(named)
    return lifecycle_named("standard")


async def lifecycle_facts(
    session: AsyncSession, lifecycle: Lifecycle, ticket_id: int
) -> dict[str, Any] | None:
    """What the lifecycle's guards test; None (and no query) for a lifecycle without guards."""
    if not lifecycle.guarded:
        return None
    done = await _checklist_done(session, lifecycle, ticket_id)
    plan = await session.scalar(
        select(WorkPlan.status)
        .where(WorkPlan.ticket_id == ticket_id)
        .order_by(WorkPlan.id.desc())
        .limit(1)
    )
    total = len(lifecycle.checklist)
    return {
        "checklist_done": done,
        "checklist_total": total,
        "checklist_complete": done >= total,
        "plan_status": plan,
        "plan_approved": plan == "approved",
    }


async def stage_view(
    session: AsyncSession, actor: Actor, ticket: TicketFacts, lifecycle: Lifecycle
) -> StageView | None:
    """The working papers shown with a ticket; None for lifecycles without them."""
    if not lifecycle.checklist:
        return None
    ticket_id = ticket.id  # type: ignore[attr-defined]
    entries = await _checklist(session, lifecycle, ticket_id)
    done = sum(1 for entry in entries if entry.done)
    plan = await _current_plan(session, ticket_id)
    abilities = []
    if ticket.status in lifecycle.stage_states:
        if _holds(STAFF_OF_AREA, actor, ticket):
            abilities += ["check", "propose_plan"]
        if plan is not None and plan.status == "proposed" and _holds(REQUESTER_OR_CONTACT, actor, ticket):
            abilities.append("decide_plan")
    return StageView(
        lifecycle.name,
        entries if actor.sees_internal else (),
        done,
        len(lifecycle.checklist),
        plan,
        tuple(abilities),
    )


# ------------------------------------------------------------------------------ store


class StageStore:
    """The checklist and work plans of five-stage tickets."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def show(self, actor: Actor, ref: int | str) -> StageView | None:
        ticket_id = _ticket_id(ref)
        async with self.db.read() as session:
            ticket = await _visible_ticket(session, actor, ticket_id)
            return await stage_view(session, actor, ticket, lifecycle_named(ticket.lifecycle))

    async def check(
        self,
        actor: Actor,
        ref: int | str,
        item: str,
        *,
        done: bool = True,
        note: str = "",
    ) -> StageView:
        """Tick (or untick) one item of the analysis checklist, with an optional note."""
        ticket_id = _ticket_id(ref)
        note = strip_controls(note or "").strip()
        async with self.db.write() as session:
            ticket = await _visible_ticket(session, actor, ticket_id, lock=True)
            lifecycle = _working(ticket, "checklist")
            _require(STAFF_OF_AREA, actor, ticket, N_(
                "checklist: only staff of the ticket's area may tick the analysis checklist"))
            _require_state(ticket, lifecycle, "checklist")
            if item not in lifecycle.checklist:
                raise ValidationFailed(
                    {"item": ("no such checklist item: {item}; one of {items}",
                              {"item": item, "items": ", ".join(lifecycle.checklist)})}
                )  # fmt: skip
            now = clock.now()
            row = await session.get(ChecklistItem, (ticket_id, item))
            if row is None:
                row = ChecklistItem(ticket_id=ticket_id, item=item)
                session.add(row)
            row.done, row.note, row.by_id, row.at = done, note, actor.user_id, now
            await _touch(session, ticket, now)
            await log_event(
                session, ticket_id, actor.user_id, "checklist", now, text=note,
                data={"item": item, "done": done}, visibility="internal", flush=False,
            )  # fmt: skip
            await session.flush()
            return await stage_view(session, actor, ticket, lifecycle)  # type: ignore[return-value]

    async def propose_plan(
        self,
        actor: Actor,
        ref: int | str,
        objective: str,
        activities: Sequence[tuple[date | str, str] | str],
    ) -> PlanView:
        """Propose a work plan; it replaces a proposal still waiting for the customer."""
        ticket_id = _ticket_id(ref)
        objective = strip_controls(objective or "").strip()
        steps = _activities(activities)
        errors: dict[str, Any] = {}
        if not objective:
            errors["objective"] = "write the objective of the plan"
        elif len(objective) > OBJECTIVE_MAX:
            errors["objective"] = ("at most {max} characters", {"max": OBJECTIVE_MAX})
        if isinstance(steps, tuple):
            errors["activities"] = steps
        elif not steps:
            errors["activities"] = "give at least one dated activity"
        async with self.db.write() as session:
            ticket = await _visible_ticket(session, actor, ticket_id, lock=True)
            lifecycle = _working(ticket, "plan")
            _require(STAFF_OF_AREA, actor, ticket, N_(
                "plan: only staff of the ticket's area may propose a work plan"))
            _require_state(ticket, lifecycle, "plan")
            if errors:
                raise ValidationFailed(errors)
            assert isinstance(steps, list)
            now = clock.now()
            await session.execute(
                update(WorkPlan)
                .where(WorkPlan.ticket_id == ticket_id, WorkPlan.status == "proposed")
                .values(status="superseded")
            )
            plan = WorkPlan(
                ticket_id=ticket_id, objective=objective,
                activities=[{"date": a.date.isoformat(), "text": a.text} for a in steps],
                status="proposed", proposed_by=actor.user_id, proposed_at=now, comment="",
            )  # fmt: skip
            session.add(plan)
            await session.flush()
            await _touch(session, ticket, now)
            body = "\n".join([objective, *(f"{a.date.isoformat()}  {a.text}" for a in steps)])
            await log_event(
                session, ticket_id, actor.user_id, "plan_proposed", now, text=body,
                data={"plan": plan.id, "activities": len(steps)},
            )  # fmt: skip
            found = await _current_plan(session, ticket_id)
        assert found is not None
        return found

    async def approve_plan(self, actor: Actor, ref: int | str, text: str = "") -> PlanView:
        return await self.decide_plan(actor, ref, approve=True, text=text)

    async def reject_plan(self, actor: Actor, ref: int | str, text: str = "") -> PlanView:
        return await self.decide_plan(actor, ref, approve=False, text=text)

    async def decide_plan(
        self, actor: Actor, ref: int | str, *, approve: bool, text: str = ""
    ) -> PlanView:
        """The requester or the contact approves the current plan, or rejects it saying why."""
        ticket_id = _ticket_id(ref)
        body = strip_controls(text or "").strip()
        async with self.db.write() as session:
            ticket = await _visible_ticket(session, actor, ticket_id, lock=True)
            lifecycle = _working(ticket, "plan")
            verb = "approve" if approve else "reject"
            _require(REQUESTER_OR_CONTACT, actor, ticket, N_(
                "plan: only the requester or the contact may approve or reject the work plan"))
            _require_state(ticket, lifecycle, "plan")
            plan = await session.scalar(
                select(WorkPlan)
                .where(WorkPlan.ticket_id == ticket_id)
                .order_by(WorkPlan.id.desc())
                .limit(1)
            )
            if plan is None or plan.status != "proposed":
                raise InvalidTransition("plan: there is no work plan waiting for your decision")
            if not approve and not body:
                raise ValidationFailed({"text": "write why the work plan is rejected"})
            now = clock.now()
            plan.status = "approved" if approve else "rejected"
            plan.decided_by, plan.decided_at, plan.comment = actor.user_id, now, body
            await _touch(session, ticket, now)
            await log_event(
                session, ticket_id, actor.user_id, f"plan_{plan.status}", now, text=body,
                data={"plan": plan.id, "decision": verb},
            )  # fmt: skip
            found = await _current_plan(session, ticket_id)
        assert found is not None
        return found


# ---------------------------------------------------------------------------- helpers


def _ticket_id(ref: int | str) -> int:
    ticket_id = parse_ticket_ref(ref)
    if ticket_id is None:
        raise NotFound("ticket {ticket} not found", ticket=ref)
    return ticket_id


async def _visible_ticket(
    session: AsyncSession, actor: Actor, ticket_id: int, *, lock: bool = False
) -> Ticket:
    stmt = select(Ticket).where(Ticket.id == ticket_id, visible_tickets(actor))
    if lock:
        stmt = stmt.with_for_update(of=Ticket)
    ticket = await session.scalar(stmt)
    if ticket is None:
        raise NotFound("ticket {ticket} not found", ticket=ticket_id)
    return ticket


def _working(ticket: Ticket, what: str) -> Lifecycle:
    lifecycle = lifecycle_named(ticket.lifecycle)
    if not lifecycle.checklist:
        raise InvalidTransition(
            "{what}: this ticket's lifecycle has no analysis checklist nor work plans", what=what
        )
    return lifecycle


def _holds(who: tuple[Who, ...], actor: Actor, ticket: TicketFacts) -> bool:
    return any(w.holds(actor, ticket) for w in who)


def _require(who: tuple[Who, ...], actor: Actor, ticket: TicketFacts, message: str) -> None:
    if not _holds(who, actor, ticket):
        raise NotPermitted(message)


def _require_state(ticket: Ticket, lifecycle: Lifecycle, what: str) -> None:
    if ticket.status not in lifecycle.stage_states:
        raise InvalidTransition(
            "{what}: only while the ticket is in analysis, not while it is {state}",
            what=what, state=Label(STATE_LABELS.get(ticket.status, ticket.status)),
        )  # fmt: skip


async def _touch(session: AsyncSession, ticket: Ticket, now: datetime) -> None:
    """Bump the version so that every screen showing the ticket reloads it."""
    await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id)
        .values(version=Ticket.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _activities(given: Sequence[tuple[date | str, str] | str]) -> list[Activity] | tuple[str, dict[str, Any]]:
    """Dated activities from (date, text) pairs or "YYYY-MM-DD text" lines; the first error
    as a (msgid, params) field message."""
    if len(given) > ACTIVITIES_MAX:
        return (N_("at most {max} activities"), {"max": ACTIVITIES_MAX})
    out = []
    for entry in given:
        if isinstance(entry, str):
            found = _ACTIVITY.match(strip_controls(entry, single_line=True))
            if not found:
                return (N_("write each activity as a date and a text: {example}"),
                        {"example": "2026-12-01 " + "…"})  # fmt: skip
            when, text = found.group(1), found.group(2)
        else:
            when, text = entry
        try:
            day = when if isinstance(when, date) else date.fromisoformat(str(when).strip())
        except ValueError:
            return (N_("not a date: {value}"), {"value": str(when)})
        text = strip_controls(text or "", single_line=True).strip()
        if not text:
            return (N_("each activity needs a text"), {})
        if len(text) > ACTIVITY_MAX:
            return (N_("at most {max} characters"), {"max": ACTIVITY_MAX})
        out.append(Activity(day, text))
    return out


async def _checklist_done(session: AsyncSession, lifecycle: Lifecycle, ticket_id: int) -> int:
    found = await session.scalar(
        select(func.count()).select_from(ChecklistItem).where(
            ChecklistItem.ticket_id == ticket_id,
            ChecklistItem.done.is_(True),
            ChecklistItem.item.in_(lifecycle.checklist),
        )
    )
    return int(found or 0)


async def _checklist(
    session: AsyncSession, lifecycle: Lifecycle, ticket_id: int
) -> tuple[ChecklistEntry, ...]:
    rows = (
        await session.execute(
            select(ChecklistItem.item, ChecklistItem.done, ChecklistItem.note, User.username, ChecklistItem.at)
            .outerjoin(User, User.id == ChecklistItem.by_id)
            .where(ChecklistItem.ticket_id == ticket_id)
        )
    ).all()
    known: Mapping[str, Any] = {row[0]: row for row in rows}
    return tuple(
        ChecklistEntry(*known[item]) if item in known else ChecklistEntry(item, False)
        for item in lifecycle.checklist
    )


async def _current_plan(session: AsyncSession, ticket_id: int) -> PlanView | None:
    found = (
        await session.execute(
            select(
                WorkPlan.id, WorkPlan.objective, WorkPlan.activities, WorkPlan.status,
                func.coalesce(Proposer.username, "system"), WorkPlan.proposed_at,
                Decider.username, WorkPlan.decided_at, WorkPlan.comment,
            )
            .outerjoin(Proposer, Proposer.id == WorkPlan.proposed_by)
            .outerjoin(Decider, Decider.id == WorkPlan.decided_by)
            .where(WorkPlan.ticket_id == ticket_id)
            .order_by(WorkPlan.id.desc())
            .limit(1)
        )
    ).first()  # fmt: skip
    if found is None:
        return None
    plan_id, objective, activities, status, proposer, at, decider, decided_at, comment = found
    steps = tuple(Activity(date.fromisoformat(a["date"]), a["text"]) for a in activities or ())
    return PlanView(plan_id, objective, steps, status, proposer, at, decider, decided_at, comment or "")


__all__ = [
    "Activity", "ChecklistEntry", "PlanView", "StageStore", "StageView", "lifecycle_facts",
    "lifecycle_for", "stage_view",
]  # fmt: skip
