"""S2 in the store: due times recomputed in the same transaction as every change, the clock
explained in `show`, and `sla:breached` finding overdue tickets."""

from __future__ import annotations

from datetime import datetime, timezone

from helpdesk_tui.store import clock
from tests.conftest import Org
from tests.store.helpers import new_ticket

# Wednesday 4 March 2026, 10:00 in Bogotá (UTC-5).
CREATED = datetime(2026, 3, 4, 15, 0, tzinfo=timezone.utc)


async def test_due_times_follow_the_calendar_and_pause_in_waiting(org: Org) -> None:
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org)  # impact medium -> priority normal: 240 / 1440 minutes
        row = (await org.store.tickets.show(org.admin, ticket_id)).ticket
        # 1440 business minutes from Wed 10:00: Wed 420 + Thu 540 = 960, then 480 on Friday
        # from 08:00 -> Fri 16:00 Bogotá = 21:00 UTC.
        assert row.resolution_due_at == datetime(2026, 3, 6, 21, 0, tzinfo=timezone.utc)
        await org.store.tickets.act(org.sup_net, ticket_id, "assign", to="ana")
        await org.store.tickets.act(org.agent_net, ticket_id, "start")
        await org.store.tickets.act(org.agent_net, ticket_id, "wait", text="¿Qué equipo es?")
        detail = await org.store.tickets.show(org.admin, ticket_id)
    assert detail.ticket.resolution_due_at is None  # paused: no due time while waiting
    sla = detail.to_json()["sla"]
    assert sla["resolution"]["state"] == "paused"
    assert sla["response"]["state"] == "met"  # the question to the customer answered first


async def test_breached_filter_finds_overdue_open_tickets(org: Org) -> None:
    with clock.frozen_at(CREATED):
        late = await new_ticket(org, subject="servidor caído")
    fresh_moment = datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc)  # Monday 12:00 Bogotá
    with clock.frozen_at(fresh_moment):
        fresh = await new_ticket(org, subject="servidor lento")
        found = {r.id for r in (await org.store.tickets.page(org.admin, "sla:breached")).rows}
    assert found == {late}
    assert fresh not in found


async def test_due_times_written_at_creation_equal_the_recomputed_ones(org: Org) -> None:
    """The shortcut used when creating gives what the history gives."""
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org, impact="high")
        at_creation = (await org.store.tickets.show(org.admin, ticket_id)).ticket.resolution_due_at
        async with org.store.db.write() as session:
            await org.store.tickets._refresh_sla(session, ticket_id, clock.now())
        recomputed = (await org.store.tickets.show(org.admin, ticket_id)).ticket.resolution_due_at
    assert at_creation == recomputed is not None
