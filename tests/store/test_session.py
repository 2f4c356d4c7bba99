"""Presence on a ticket, form drafts, and the change probe used for live refresh."""

from __future__ import annotations

from datetime import timedelta

from helpdesk_tui.store import clock
from tests.conftest import Org
from tests.store.helpers import new_ticket


async def test_presence_shows_other_staff_and_expires(org: Org) -> None:
    ticket_id = await new_ticket(org)
    await org.store.session.heartbeat(org.sup_net, ticket_id, typing=True)
    await org.store.session.heartbeat(org.admin, ticket_id)
    viewers = await org.store.session.viewers(org.admin, ticket_id)
    assert [(v.username, v.typing) for v in viewers] == [("sara", True)]
    assert await org.store.session.viewers(org.acme1, ticket_id) == []  # customers are not told
    with clock.frozen_at(clock.now() + timedelta(seconds=30)):
        assert await org.store.session.viewers(org.admin, ticket_id) == []
    await org.store.session.leave(org.sup_net, ticket_id)
    assert await org.store.session.viewers(org.admin, ticket_id) == []


async def test_drafts_round_trip_per_user(org: Org) -> None:
    await org.store.session.save_draft(org.acme1, "new_ticket", {"subject": "Impresora", "description": "Se atasca"})
    await org.store.session.save_draft(org.acme1, "new_ticket", {"subject": "Impresora", "description": "Se atasca el papel"})
    data, _at = await org.store.session.draft(org.acme1, "new_ticket")
    assert data == {"subject": "Impresora", "description": "Se atasca el papel"}
    assert await org.store.session.draft(org.acme2, "new_ticket") is None
    await org.store.session.discard_draft(org.acme1, "new_ticket")
    assert await org.store.session.draft(org.acme1, "new_ticket") is None


async def test_change_token_moves_on_every_change(org: Org) -> None:
    first = await org.store.session.last_change()
    ticket_id = await new_ticket(org)
    second = await org.store.session.last_change()
    assert second != first
    with clock.frozen_at(clock.now() + timedelta(seconds=1)):
        await org.store.tickets.comment(org.acme1, ticket_id, "más datos")
    assert await org.store.session.last_change() != second
    assert await org.store.session.ticket_version(ticket_id) == 2
