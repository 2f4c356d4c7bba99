"""Every row of SPEC section 4, performed through the store, with its refusals."""

from __future__ import annotations

import itertools

import pytest

from helpdesk_tui.store.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.lifecycle import STANDARD
from helpdesk_tui.store.permissions import Actor
from tests.conftest import Org
from tests.store.helpers import actor, event_count, status_of, ticket_in

# (action, from state, actor, options, expected state, expected assignee)
ALLOWED = [
    *[("assign", s, "sara", {"to": "ana"}, "assigned", "ana") for s in ("new", "assigned", "in_progress", "waiting")],
    ("assign", "in_progress", "root", {"to": "sara"}, "assigned", "sara"),
    ("take", "new", "sara", {}, "assigned", "sara"),
    ("take", "assigned", "root", {}, "assigned", "root"),
    ("start", "assigned", "ana", {}, "in_progress", "ana"),
    ("wait", "in_progress", "ana", {"text": "¿Qué modelo de equipo es?"}, "waiting", "ana"),
    ("wait", "in_progress", "sara", {"text": "¿Qué modelo de equipo es?"}, "waiting", "ana"),
    ("resume", "waiting", "ana", {}, "in_progress", "ana"),
    ("resume", "waiting", "sara", {}, "in_progress", "ana"),
    *[("resolve", s, "ana", {"text": "Cambiado el cable"}, "resolved", "ana") for s in ("assigned", "in_progress", "waiting")],
    ("resolve", "in_progress", "sara", {"text": "Cambiado el cable"}, "resolved", "ana"),
    ("resolve", "waiting", "root", {"text": "Cambiado el cable"}, "resolved", "ana"),
    ("accept", "resolved", "carla", {}, "closed", "ana"),
    ("reject", "resolved", "carla", {"text": "Sigue sin conectar"}, "in_progress", "ana"),
    *[("close", s, "carla", {}, "closed", None) for s in ("new",)],
    *[("close", s, "carla", {"text": "Ya funciona"}, "closed", "ana") for s in ("assigned", "in_progress", "waiting", "resolved")],
    ("cancel", "new", "carla", {}, "cancelled", None),
    ("cancel", "assigned", "carla", {"text": "Lo abrí por error"}, "cancelled", "ana"),
    *[("cancel", s, "sara", {"text": "Duplicado de otro caso"}, "cancelled", "ana") for s in ("assigned", "in_progress", "waiting")],
    ("cancel", "new", "root", {"text": "Duplicado"}, "cancelled", None),
    ("reopen", "closed", "carla", {"text": "Volvió a fallar"}, "in_progress", "ana"),
    ("reopen", "closed", "sara", {"text": "Volvió a fallar"}, "in_progress", "ana"),
    ("reopen", "closed", "root", {"text": "Volvió a fallar"}, "in_progress", "ana"),
    ("reopen", "resolved", "ana", {"text": "La solución no era completa"}, "in_progress", "ana"),
    ("reopen", "resolved", "sara", {"text": "La solución no era completa"}, "in_progress", "ana"),
]


@pytest.mark.parametrize(
    "action,state,who,options,target,assignee", ALLOWED,
    ids=[f"{a}-{s}-{w}" for a, s, w, *_ in ALLOWED],
)  # fmt: skip
async def test_allowed_row(org: Org, action, state, who, options, target, assignee) -> None:
    ticket_id = await ticket_in(org, state)
    before = await event_count(org, ticket_id)
    row = await org.store.tickets.act(actor(org, who), ticket_id, action, **options)
    assert row.status == target
    assert row.assignee == assignee
    detail = await org.store.tickets.show(org.admin, ticket_id)
    assert len(detail.events) == before + 1, "one bitácora entry per action"
    last = detail.events[-1]
    assert (last.kind, last.actor, last.text) == (action, who, options.get("text", ""))
    assert last.data["from"] == state and last.data["to"] == target


# (action, from state, actor, options, error, message)
REFUSED = [
    ("assign", "assigned", "ana", {"to": "ana"}, NotPermitted, "assign: only a supervisor of the ticket's area or an admin may assign"),
    ("assign", "new", "diego", {"to": "ana"}, NotFound, "not found"),  # another area: invisible
    ("assign", "new", "carla", {"to": "ana"}, NotPermitted, "assign: only"),
    ("assign", "resolved", "sara", {"to": "ana"}, InvalidTransition, "assign: not possible while the ticket is"),
    ("assign", "new", "sara", {}, ValidationFailed, "choose the agent"),
    ("assign", "new", "sara", {"to": "luis"}, ValidationFailed, "does not work in this area"),
    ("assign", "new", "sara", {"to": "carla"}, ValidationFailed, "is not an agent or supervisor"),
    ("take", "new", "ana", {}, NotFound, "not found"),  # agents do not see the area queue
    ("take", "in_progress", "sara", {}, InvalidTransition, "take: not possible"),
    ("start", "assigned", "sara", {}, NotPermitted, "start: only the assignee may start work"),
    ("start", "new", "sara", {}, InvalidTransition, "start: not possible"),
    ("wait", "in_progress", "ana", {}, ValidationFailed, "write the question"),
    ("wait", "in_progress", "carla", {"text": "x"}, NotPermitted, "wait: only"),
    ("wait", "assigned", "ana", {"text": "x"}, InvalidTransition, "wait: not possible"),
    ("resume", "in_progress", "ana", {}, InvalidTransition, "resume: not possible"),
    ("resume", "waiting", "carla", {}, NotPermitted, "resume: only"),
    ("resolve", "in_progress", "ana", {"text": "   "}, ValidationFailed, "write the resolution"),
    ("resolve", "in_progress", "carla", {"text": "x"}, NotPermitted, "resolve: only"),
    ("resolve", "new", "sara", {"text": "x"}, InvalidTransition, "resolve: not possible"),
    ("resolve", "in_progress", "luis", {"text": "x"}, NotFound, "not found"),
    ("accept", "resolved", "ana", {}, NotPermitted, "accept: only the requester or the contact may accept"),
    ("accept", "resolved", "pedro", {}, NotFound, "not found"),
    ("accept", "in_progress", "carla", {}, InvalidTransition, "accept: not possible"),
    ("reject", "resolved", "ana", {"text": "no"}, NotPermitted, "reject: only the requester or the contact may reject"),
    ("reject", "resolved", "carla", {}, ValidationFailed, "write why"),
    ("reject", "closed", "carla", {"text": "no"}, InvalidTransition, "reject: not possible"),
    ("close", "in_progress", "sara", {}, NotPermitted, "close: only the requester or the contact may close"),
    ("close", "closed", "carla", {}, InvalidTransition, "close: not possible"),
    ("cancel", "in_progress", "carla", {}, NotPermitted, "cancel: only"),
    ("cancel", "assigned", "sara", {}, ValidationFailed, "write why"),
    ("cancel", "resolved", "sara", {"text": "x"}, InvalidTransition, "cancel: not possible"),
    ("cancel", "assigned", "ana", {"text": "x"}, NotPermitted, "cancel: only"),
    ("reopen", "closed", "ana", {"text": "x"}, NotPermitted, "reopen: only"),
    ("reopen", "resolved", "carla", {"text": "x"}, NotPermitted, "reopen: only the assignee"),
    ("reopen", "closed", "carla", {}, ValidationFailed, "write why"),
    ("reopen", "in_progress", "sara", {"text": "x"}, InvalidTransition, "reopen: not possible"),
    ("fly", "new", "root", {}, InvalidTransition, "fly: no such action"),
]


@pytest.mark.parametrize(
    "action,state,who,options,error,message", REFUSED,
    ids=[f"{a}-{s}-{w}-{e.__name__}" for a, s, w, _, e, _m in REFUSED],
)  # fmt: skip
async def test_refused_row(org: Org, action, state, who, options, error, message) -> None:
    ticket_id = await ticket_in(org, state)
    before = await event_count(org, ticket_id)
    with pytest.raises(error) as refusal:
        await org.store.tickets.act(actor(org, who), ticket_id, action, **options)
    assert message in refusal.value.message()
    assert await status_of(org, ticket_id) == state
    assert await event_count(org, ticket_id) == before, "a refusal writes nothing"


async def test_agent_may_take_with_grant(org: Org) -> None:
    ticket_id = await ticket_in(org, "new")
    await org.store.catalog.grant(None, "ana", "ticket.view_area")
    ana = await org.refresh("agent_net")
    with pytest.raises(NotPermitted, match="take: your permissions do not include ticket.assign_self"):
        await org.store.tickets.act(ana, ticket_id, "take")
    await org.store.catalog.grant(None, "ana", "ticket.assign_self")
    ana = await org.refresh("agent_net")
    row = await org.store.tickets.act(ana, ticket_id, "take")
    assert (row.status, row.assignee) == ("assigned", "ana")


async def test_revoked_permission_is_explained(org: Org) -> None:
    ticket_id = await ticket_in(org, "in_progress")
    await org.store.catalog.grant(None, "ana", "ticket.resolve", granted=False)
    ana = await org.refresh("agent_net")
    with pytest.raises(NotPermitted, match="resolve: your permissions do not include ticket.resolve"):
        await org.store.tickets.act(ana, ticket_id, "resolve", text="x")
    assert "resolve" not in await org.store.tickets.available_actions(ana, ticket_id)


async def test_requester_comment_resumes_waiting(org: Org) -> None:
    ticket_id = await ticket_in(org, "waiting")
    await org.store.tickets.comment(org.acme1, ticket_id, "Desde el lunes")
    detail = await org.store.tickets.show(org.admin, ticket_id)
    assert detail.ticket.status == "in_progress"
    kinds = [(e.kind, e.actor) for e in detail.events[-2:]]
    assert kinds == [("comment", "carla"), ("resume", "system")]


async def test_staff_comment_does_not_resume(org: Org) -> None:
    ticket_id = await ticket_in(org, "waiting")
    await org.store.tickets.comment(org.agent_net, ticket_id, "¿Alguna novedad?")
    assert await status_of(org, ticket_id) == "waiting"


async def test_available_actions_per_role(org: Org) -> None:
    resolved = await ticket_in(org, "resolved")
    tickets = org.store.tickets
    assert await tickets.available_actions(org.acme1, resolved) == ["accept", "reject", "close"]
    assert await tickets.available_actions(org.agent_net, resolved) == ["reopen"]
    assert await tickets.available_actions(org.sup_net, resolved) == ["reopen"]
    fresh = await ticket_in(org, "new")
    assert await tickets.available_actions(org.sup_net, fresh) == ["assign", "take", "cancel"]
    assert await tickets.available_actions(org.acme1, fresh) == ["close", "cancel"]
    refusal = await tickets.explain(org.agent_net, resolved, "reject")
    assert refusal is not None and refusal.message() == "reject: only the requester or the contact may reject"
    assert await tickets.explain(org.acme1, resolved, "reject") is None


async def test_cancelled_is_final_for_everyone(org: Org) -> None:
    ticket_id = await ticket_in(org, "cancelled")
    for name in ("admin", "sup_net", "acme1"):  # everyone who can see it
        who: Actor = getattr(org, name)
        assert await org.store.tickets.available_actions(who, ticket_id) == []
        for action in STANDARD.actions:
            with pytest.raises((InvalidTransition, NotPermitted, ValidationFailed, NotFound)):
                await org.store.tickets.act(who, ticket_id, action, to="ana", text="x")
    assert await status_of(org, ticket_id) == "cancelled"


class _Facts:
    def __init__(self, status: str, requester: int, contact: int | None, assignee: int | None, area: int | None) -> None:
        self.status, self.requester_id, self.contact_id = status, requester, contact
        self.assignee_id, self.area_id = assignee, area


def test_nothing_returns_to_new_and_cancelled_is_final() -> None:
    """Over every state, relation and role: no transition targets `new`, none leaves `cancelled`."""
    perms = frozenset({"ticket.assign", "ticket.assign_self", "ticket.work", "ticket.resolve",
                       "ticket.cancel", "ticket.reopen"})  # fmt: skip
    actors = [Actor(1, "x", role, perms, (1,), (1,)) for role in ("admin", "supervisor", "agent", "customer", "user")]
    people = (1, 2, None)
    for state, who, requester, contact, assignee, area in itertools.product(
        STANDARD.states, actors, people[:2], people, people, (1, 2, None)
    ):
        facts = _Facts(state, requester or 2, contact, assignee, area)
        for action in STANDARD.available_actions(who, facts):
            assert STANDARD.check(who, facts, action).target != "new"
            assert state != "cancelled"
    assert all(t.target != "new" for t in STANDARD.transitions)
    assert all("cancelled" not in t.sources for t in STANDARD.transitions)
