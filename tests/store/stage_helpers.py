"""Put areas or accounts on the five-stage lifecycle and drive its tickets through the store."""

from __future__ import annotations

from sqlalchemy import update

from helpdesk_tui.store import Store
from helpdesk_tui.store.models import Account, Area
from tests.conftest import Org
from tests.store.helpers import actor, new_ticket

ITEMS = ("identification", "validation", "structure", "alarm_type")
PLAN = ("Restablecer la wifi de la sala 3", ["2026-03-03 Revisar el punto de acceso", "2026-03-04 Cambiar el cableado"])


async def use_lifecycle(store: Store, name: str | None, *, area: str | None = None, account: str | None = None) -> None:
    async with store.db.write() as session:
        if area is not None:
            await session.execute(update(Area).where(Area.name == area).values(lifecycle=name))
        if account is not None:
            await session.execute(update(Account).where(Account.name == account).values(lifecycle=name))


async def five_stage_ticket(org: Org, state: str = "opened", **fields) -> int:
    """A Networks ticket of carla's on the five-stage lifecycle, driven to `state`."""
    await use_lifecycle(org.store, "five_stage", area="Networks")
    ticket_id = await new_ticket(org, **fields)
    tickets, stages = org.store.tickets, org.store.stages
    if state == "opened":
        return ticket_id
    await tickets.act(org.sup_net, ticket_id, "assign", to="ana")
    await tickets.act(org.agent_net, ticket_id, "start")
    if state == "analysis":
        return ticket_id
    for item in ITEMS:
        await stages.check(org.agent_net, ticket_id, item)
    await stages.propose_plan(org.agent_net, ticket_id, PLAN[0], PLAN[1])
    await stages.approve_plan(org.acme1, ticket_id)
    await tickets.act(org.agent_net, ticket_id, "solve")
    if state == "solution":
        return ticket_id
    await tickets.act(org.agent_net, ticket_id, "resolve", text="Cambiado el cable del punto de acceso")
    assert state == "testing"
    return ticket_id


__all__ = ["ITEMS", "PLAN", "actor", "five_stage_ticket", "use_lifecycle"]
