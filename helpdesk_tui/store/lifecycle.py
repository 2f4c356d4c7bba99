"""The ticket lifecycle as data: states, and transitions with who, needs and effects.

Screens and the command line ask `available_actions` what to offer and `check` (or `explain`)
why something is refused. Deny by default: an action that no row allows is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from helpdesk_tui.i18n import N_
from helpdesk_tui.store.errors import HelpdeskError, InvalidTransition, Label, NotPermitted
from helpdesk_tui.store.permissions import Actor, leads_area


class TicketFacts(Protocol):
    status: str
    requester_id: int
    contact_id: int | None
    assignee_id: int | None
    area_id: int | None


@dataclass(frozen=True)
class Who:
    """A relation between actor and ticket, optionally with a permission the actor must hold."""

    relation: str
    permission: str | None = None

    def holds(self, actor: Actor, ticket: TicketFacts) -> bool:
        if self.permission and not actor.can(self.permission):
            return False
        return RELATIONS[self.relation](actor, ticket)


RELATIONS = {
    "requester": lambda a, t: t.requester_id == a.user_id,
    "contact": lambda a, t: t.contact_id is not None and t.contact_id == a.user_id,
    "assignee": lambda a, t: t.assignee_id is not None and t.assignee_id == a.user_id,
    "area_supervisor": lambda a, t: leads_area(a, t.area_id),
    "admin": lambda a, t: a.role == "admin",
    "area_staff": lambda a, t: a.is_staff and (t.area_id is None or t.area_id in a.area_ids),
}


@dataclass(frozen=True)
class Guard:
    """A condition on facts the ticket row does not hold (the five-stage checklist and work
    plan, from store/stages.py): `fact` must be truthy; else `message`, formatted with the facts."""

    fact: str
    message: str


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    who: tuple[Who, ...]
    who_message: str
    text: str = "none"  # none | optional | required
    needs_to: bool = False
    effects: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()

    def allows(self, actor: Actor, ticket: TicketFacts) -> bool:
        return ticket.status in self.sources and any(w.holds(actor, ticket) for w in self.who)

    def unmet(self, facts: Mapping[str, Any] | None) -> InvalidTransition | None:
        """The first guard that does not hold (every guard fails when no facts are known)."""
        for guard in self.guards:
            if facts is None or not facts.get(guard.fact):
                return InvalidTransition(guard.message, **dict(facts or {}))
        return None


@dataclass(frozen=True)
class Lifecycle:
    name: str
    states: tuple[str, ...]
    initial: str
    open_states: frozenset[str]
    final_states: frozenset[str]
    transitions: tuple[Transition, ...]
    # Silence rules: state -> the action the system takes when the requester has said nothing
    # for the account's number of business days (standard: a resolved ticket is closed).
    silence: tuple[tuple[str, str], ...] = ()
    # The state of a new ticket routed at once to the account's primary agent (I4).
    routed: str = ""
    # Five-stage extras: the analysis checklist's items, and the states in which the checklist
    # may be ticked and work plans proposed and decided (store/stages.py).
    checklist: tuple[str, ...] = ()
    stage_states: frozenset[str] = frozenset()

    @property
    def actions(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for row in self.transitions:
            seen.setdefault(row.action, None)
        return tuple(seen)

    def rows(self, action: str) -> list[Transition]:
        return [row for row in self.transitions if row.action == action]

    @property
    def guarded(self) -> bool:
        return any(row.guards for row in self.transitions)

    def available_actions(
        self, actor: Actor, ticket: TicketFacts, facts: Mapping[str, Any] | None = None
    ) -> list[str]:
        return [
            action
            for action in self.actions
            if any(
                row.allows(actor, ticket) and row.unmet(facts) is None
                for row in self.rows(action)
            )
        ]

    def check(
        self,
        actor: Actor,
        ticket: TicketFacts,
        action: str,
        facts: Mapping[str, Any] | None = None,
    ) -> Transition:
        """The row that lets this actor take this action now, or the reason why not.
        `facts` feed the guards of the lifecycles that have them (see store/stages.py)."""
        rows = self.rows(action)
        if not rows:
            raise InvalidTransition("{action}: no such action", action=action)
        unmet: InvalidTransition | None = None
        for row in rows:
            if row.allows(actor, ticket):
                refusal = row.unmet(facts)
                if refusal is None:
                    return row
                unmet = unmet or refusal
        if unmet is not None:
            raise unmet
        in_state = [row for row in rows if ticket.status in row.sources]
        if not in_state:
            raise InvalidTransition(
                "{action}: not possible while the ticket is {state}",
                action=action,
                state=Label(STATE_LABELS.get(ticket.status, ticket.status)),
            )
        for row in in_state:
            for who in row.who:
                if who.permission and RELATIONS[who.relation](actor, ticket):
                    raise NotPermitted(
                        "{action}: your permissions do not include {permission}",
                        action=action,
                        permission=who.permission,
                    )
        raise NotPermitted(in_state[0].who_message)

    def explain(
        self,
        actor: Actor,
        ticket: TicketFacts,
        action: str,
        facts: Mapping[str, Any] | None = None,
    ) -> HelpdeskError | None:
        try:
            self.check(actor, ticket, action, facts)
        except HelpdeskError as refusal:
            return refusal
        return None


STATE_LABELS = {
    "new": N_("New"),
    "assigned": N_("Assigned"),
    "in_progress": N_("In progress"),
    "waiting": N_("Waiting on customer"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}

ACTION_LABELS = {
    "assign": N_("Assign"),
    "take": N_("Take"),
    "start": N_("Start"),
    "wait": N_("Wait on customer"),
    "resume": N_("Resume"),
    "resolve": N_("Resolve"),
    "accept": N_("Accept resolution"),
    "reject": N_("Reject resolution"),
    "close": N_("Close"),
    "cancel": N_("Cancel ticket"),
    "reopen": N_("Reopen"),
}


def _rows(*rows: Transition) -> tuple[Transition, ...]:
    return rows


def _states(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names)


REQUESTER = Who("requester")
CONTACT = Who("contact")
ASSIGNEE_WORK = Who("assignee", "ticket.work")
ASSIGNEE_RESOLVE = Who("assignee", "ticket.resolve")
ADMIN = Who("admin")
OPEN_WORK = _states(["new", "assigned", "in_progress", "waiting"])

STANDARD = Lifecycle(
    name="standard",
    states=tuple(STATE_LABELS),
    initial="new",
    open_states=OPEN_WORK,
    final_states=frozenset({"cancelled"}),
    transitions=_rows(
        Transition(
            "assign", OPEN_WORK, "assigned",
            (Who("area_supervisor", "ticket.assign"), ADMIN),
            N_("assign: only a supervisor of the ticket's area or an admin may assign"),
            needs_to=True, effects=("assign_to",),
        ),
        Transition(
            "take", _states(["new", "assigned"]), "assigned",
            (Who("area_supervisor"), ADMIN, Who("area_staff", "ticket.assign_self")),
            N_("take: only a supervisor of the ticket's area, an admin or an agent allowed to "
               "assign themselves may take it"),
            effects=("assign_self",),
        ),
        Transition(
            "start", _states(["assigned"]), "in_progress", (ASSIGNEE_WORK,),
            N_("start: only the assignee may start work"),
        ),
        Transition(
            "wait", _states(["in_progress"]), "waiting",
            (ASSIGNEE_WORK, Who("area_supervisor", "ticket.work")),
            N_("wait: only the assignee or a supervisor of the area may wait on the customer"),
            text="required",
        ),
        Transition(
            "resume", _states(["waiting"]), "in_progress",
            (ASSIGNEE_WORK, Who("area_supervisor", "ticket.work")),
            N_("resume: only the assignee or a supervisor of the area may resume"),
        ),
        Transition(
            "resolve", _states(["assigned", "in_progress", "waiting"]), "resolved",
            (ASSIGNEE_RESOLVE, Who("area_supervisor", "ticket.resolve"), ADMIN),
            N_("resolve: only the assignee, a supervisor of the area or an admin may resolve"),
            text="required", effects=("resolution",),
        ),
        Transition(
            "accept", _states(["resolved"]), "closed", (REQUESTER, CONTACT),
            N_("accept: only the requester or the contact may accept"),
            effects=("closed",),
        ),
        Transition(
            "reject", _states(["resolved"]), "in_progress", (REQUESTER, CONTACT),
            N_("reject: only the requester or the contact may reject"),
            text="required", effects=("unresolved",),
        ),
        Transition(
            "close", OPEN_WORK | {"resolved"}, "closed", (REQUESTER, CONTACT),
            N_("close: only the requester or the contact may close"),
            text="optional", effects=("closed",),
        ),
        Transition(
            "cancel", _states(["new", "assigned"]), "cancelled",
            (Who("requester", "ticket.cancel"),),
            N_("cancel: only the requester, a supervisor of the area or an admin may cancel"),
            text="optional", effects=("closed",),
        ),
        Transition(
            "cancel", OPEN_WORK, "cancelled",
            (Who("area_supervisor", "ticket.cancel"), ADMIN),
            N_("cancel: only the requester, a supervisor of the area or an admin may cancel"),
            text="required", effects=("closed",),
        ),
        Transition(
            "reopen", _states(["closed"]), "in_progress",
            (Who("requester", "ticket.reopen"), Who("area_supervisor", "ticket.reopen"), ADMIN),
            N_("reopen: only the requester, a supervisor of the area or an admin may reopen"),
            text="required", effects=("reopened",),
        ),
        Transition(
            "reopen", _states(["resolved"]), "in_progress",
            (Who("assignee", "ticket.reopen"), Who("area_supervisor", "ticket.reopen"), ADMIN),
            N_("reopen: only the assignee, a supervisor of the area or an admin may reopen"),
            text="required", effects=("reopened",),
        ),
    ),
    silence=(("resolved", "close"),),
    routed="assigned",
)

# ------------------------------------------------------------------ five-stage (seed 003)
# Abierto -> Análisis -> Solución -> Pruebas -> Cerrada. The solution starts only with the
# analysis checklist complete and a work plan the customer approved (guards on facts that
# store/stages.py reads); testing waits on the customer, whose silence is acceptance.

STAGE_LABELS = {
    "opened": N_("Opened"),
    "analysis": N_("Analysis"),
    "solution": N_("Solution"),
    "testing": N_("Testing"),
}
STATE_LABELS.update(STAGE_LABELS)
ACTION_LABELS["solve"] = N_("Start solution")
CHECKLIST_ITEMS = ("identification", "validation", "structure", "alarm_type")
STAGE_WORK = _states(["opened", "analysis", "solution"])


def _stay(action: str, states: Iterable[str], who: tuple[Who, ...], message: str, **kw: Any) -> tuple[Transition, ...]:
    """One row per state for an action that keeps the ticket where it is (e.g. assign)."""
    return tuple(Transition(action, _states([s]), s, who, message, **kw) for s in states)


FIVE_STAGE = Lifecycle(
    name="five_stage",
    states=(*STAGE_LABELS, "closed", "cancelled"),
    initial="opened",
    open_states=STAGE_WORK,
    final_states=frozenset({"cancelled"}),
    transitions=_rows(
        *_stay(
            "assign", STAGE_WORK, (Who("area_supervisor", "ticket.assign"), ADMIN),
            N_("assign: only a supervisor of the ticket's area or an admin may assign"),
            needs_to=True, effects=("assign_to",),
        ),
        *_stay(
            "take", ["opened"],
            (Who("area_supervisor"), ADMIN, Who("area_staff", "ticket.assign_self")),
            N_("take: only a supervisor of the ticket's area, an admin or an agent allowed to "
               "assign themselves may take it"),
            effects=("assign_self",),
        ),
        Transition(
            "start", _states(["opened"]), "analysis", (ASSIGNEE_WORK,),
            N_("start: only the assignee may start the analysis"),
        ),
        Transition(
            "solve", _states(["analysis"]), "solution",
            (ASSIGNEE_WORK, Who("area_supervisor", "ticket.work")),
            N_("solve: only the assignee or a supervisor of the area may start the solution"),
            guards=(
                Guard("checklist_complete", N_(
                    "solve: the analysis checklist is not complete "
                    "({checklist_done} of {checklist_total} items)")),
                Guard("plan_approved", N_(
                    "solve: the customer has not approved a work plan yet")),
            ),
        ),
        Transition(
            "resolve", _states(["solution"]), "testing",
            (ASSIGNEE_RESOLVE, Who("area_supervisor", "ticket.resolve"), ADMIN),
            N_("resolve: only the assignee, a supervisor of the area or an admin may resolve"),
            text="required", effects=("resolution",),
        ),
        Transition(
            "accept", _states(["testing"]), "closed", (REQUESTER, CONTACT),
            N_("accept: only the requester or the contact may accept"),
            effects=("closed",),
        ),
        Transition(
            "reject", _states(["testing"]), "solution", (REQUESTER, CONTACT),
            N_("reject: only the requester or the contact may reject"),
            text="required", effects=("unresolved",),
        ),
        Transition(
            "close", STAGE_WORK | {"testing"}, "closed", (REQUESTER, CONTACT),
            N_("close: only the requester or the contact may close"),
            text="optional", effects=("closed",),
        ),
        Transition(
            "cancel", _states(["opened"]), "cancelled", (Who("requester", "ticket.cancel"),),
            N_("cancel: only the requester, a supervisor of the area or an admin may cancel"),
            text="optional", effects=("closed",),
        ),
        Transition(
            "cancel", STAGE_WORK, "cancelled", (Who("area_supervisor", "ticket.cancel"), ADMIN),
            N_("cancel: only the requester, a supervisor of the area or an admin may cancel"),
            text="required", effects=("closed",),
        ),
        Transition(
            "reopen", _states(["closed"]), "analysis",
            (Who("requester", "ticket.reopen"), Who("area_supervisor", "ticket.reopen"), ADMIN),
            N_("reopen: only the requester, a supervisor of the area or an admin may reopen"),
            text="required", effects=("reopened",),
        ),
        Transition(
            "reopen", _states(["testing"]), "solution",
            (Who("assignee", "ticket.reopen"), Who("area_supervisor", "ticket.reopen"), ADMIN),
            N_("reopen: only the assignee, a supervisor of the area or an admin may reopen"),
            text="required", effects=("reopened",),
        ),
    ),
    silence=(("testing", "accept"),),
    routed="opened",
    checklist=CHECKLIST_ITEMS,
    stage_states=_states(["analysis"]),
)

LIFECYCLES: dict[str, Lifecycle] = {STANDARD.name: STANDARD, FIVE_STAGE.name: FIVE_STAGE}
# Open work in any lifecycle (`is:open`, overdue): what someone still has to act on.
OPEN_STATES = frozenset().union(*(lc.open_states for lc in LIFECYCLES.values()))


def lifecycle_named(name: str | None) -> Lifecycle:
    return LIFECYCLES.get(name or "standard", STANDARD)


PRIORITIES = ("low", "normal", "high", "urgent")
# Ascending rank is "most urgent first", so the queue's default sort walks one index forwards.
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
IMPACTS = ("high", "medium", "low")
IMPACT_PRIORITY = {"high": "high", "medium": "normal", "low": "low"}
TYPES = ("question", "problem", "improvement", "incident", "request")
ORIGINS = ("console", "cli", "email", "web", "phone", "import")
