"""Role matrix: which of a fixed set of tickets each role can list, count, show and search.

A customer never sees another account's ticket, and nobody outside staff sees an internal note.
"""

from __future__ import annotations

import pytest

from helpdesk_tui.store.errors import NotFound
from tests.conftest import Org
from tests.store.helpers import new_ticket

SUBJECT = "matriz {n}: el correo no sincroniza"


async def build_matrix(org: Org) -> dict[str, int]:
    t = {}
    t["T1"] = await new_ticket(org, subject=SUBJECT.format(n=1), by="carla", area="Networks")
    t["T2"] = await new_ticket(org, subject=SUBJECT.format(n=2), by="pedro", area="Service desk")
    t["T3"] = await new_ticket(org, subject=SUBJECT.format(n=3), by="gina", area="Networks")
    await org.store.tickets.act(org.sup_net, t["T3"], "assign", to="ana")
    t["T4"] = await new_ticket(org, subject=SUBJECT.format(n=4), by="mario", account="Globex", area=None)
    t["T5"] = await new_ticket(org, subject=SUBJECT.format(n=5), by="ursula", area="Service desk")
    await org.store.tickets.act(org.sup_desk, t["T5"], "assign", to="luis")
    t["T6"] = await new_ticket(org, subject=SUBJECT.format(n=6), by="sara", account="Globex", area="Service desk")
    for ticket_id in t.values():
        await org.store.tickets.comment(org.admin, ticket_id, "nota interna: contraseña del router", internal=True)
        await org.store.tickets.comment(org.admin, ticket_id, "Estamos revisando")
    return t


EXPECTED = {
    "admin": {"T1", "T2", "T3", "T4", "T5", "T6"},
    "sup_net": {"T1", "T3", "T4", "T6"},  # Networks, no-area queue, and her own
    "sup_desk": {"T2", "T4", "T5", "T6"},
    "agent_net": {"T3"},  # assigned to her
    "agent_desk": {"T5"},
    "acme1": {"T1"},
    "acme2": {"T2"},
    "globex": {"T3"},
    "msp": {"T4"},
    "clerk": {"T5"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
async def test_role_matrix(org: Org, who: str) -> None:
    tickets = await build_matrix(org)
    names = {v: k for k, v in tickets.items()}
    actor = getattr(org, who)
    store = org.store.tickets
    expected = EXPECTED[who]

    listed = {names[r.id] for r in (await store.page(actor, limit=100)).rows}
    assert listed == expected
    assert await store.count(actor) == len(expected)
    counts = await store.count_by_status(actor)
    assert sum(counts.values()) == len(expected)
    assert counts == await store.count_by_status(actor, "is:open")
    searched = {names[r.id] for r in (await store.page(actor, "sincroniza", limit=100)).rows}
    assert searched == expected
    for name, ticket_id in tickets.items():
        if name in expected:
            detail = await store.show(actor, ticket_id)
            internal = [e for e in detail.events if e.visibility == "internal"]
            assert bool(internal) == actor.is_staff
            assert any(e.text == "Estamos revisando" for e in detail.events)
        else:
            with pytest.raises(NotFound):
                await store.show(actor, ticket_id)
            with pytest.raises(NotFound):
                await store.comment(actor, ticket_id, "hola")


async def test_view_account_grant_widens_to_the_account(org: Org) -> None:
    tickets = await build_matrix(org)
    await org.store.catalog.grant(None, "carla", "ticket.view_account")
    carla = await org.refresh("acme1")
    seen = {r.id for r in (await org.store.tickets.page(carla, limit=100)).rows}
    assert seen == {tickets["T1"], tickets["T2"], tickets["T5"]}
    assert sum((await org.store.tickets.count_by_status(carla)).values()) == 3
    for ticket_id in seen:
        detail = await org.store.tickets.show(carla, ticket_id)
        assert all(e.visibility == "public" for e in detail.events)


async def test_grant_to_customer_never_reveals_internal_notes(org: Org) -> None:
    tickets = await build_matrix(org)
    await org.store.catalog.grant(None, "carla", "ticket.comment_internal")
    carla = await org.refresh("acme1")
    detail = await org.store.tickets.show(carla, tickets["T1"])
    assert [e for e in detail.events if e.visibility == "internal"] == []
    from helpdesk_tui.store.errors import NotPermitted

    with pytest.raises(NotPermitted):
        await org.store.tickets.comment(carla, tickets["T1"], "x", internal=True)


async def test_attachment_on_internal_note_is_hidden_from_customers(org: Org) -> None:
    ticket_id = await new_ticket(org)
    await org.store.tickets.comment(org.admin, ticket_id, "captura", internal=True, attachments=[("red.png", b"png")])
    staff = await org.store.tickets.show(org.admin, ticket_id)
    assert [a.filename for a in staff.attachments] == ["red.png"]
    customer = await org.store.tickets.show(org.acme1, ticket_id)
    assert customer.attachments == ()
    with pytest.raises(NotFound):
        await org.store.tickets.read_attachment(org.acme1, staff.attachments[0].id)


async def test_counts_from_summary_match_real_counts(org: Org) -> None:
    """The summary table and the indexes give the same numbers as counting rows."""
    await build_matrix(org)
    for who in EXPECTED:
        actor = getattr(org, who)
        summary = await org.store.tickets.count_by_status(actor)
        for status in ("new", "assigned"):
            assert summary.get(status, 0) == await org.store.tickets.count(actor, f"status:{status}")
