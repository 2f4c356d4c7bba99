"""N1, N2: bitácora events become outbox rows in the same transaction, for the right people, in
their language; leases give each due message to one worker; admins and supervisors manage it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from helpdesk_tui.store import clock
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.errors import InvalidTransition, NotFound, NotPermitted
from helpdesk_tui.store.models import Event, OutboxMessage
from helpdesk_tui.store.outbox import RetryPolicy, outbox_muted
from helpdesk_tui.store.views import NewTicket
from tests.conftest import Org
from tests.mail.conftest import give_addresses
from tests.store.helpers import new_ticket, ticket_in

POLICY = RetryPolicy(base=60, cap=3600, max_attempts=3, lease=120)


@pytest.fixture
async def morg(org: Org) -> Org:
    await give_addresses(org)
    return org


async def rows(org: Org, ticket_id: int | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if ticket_id is not None:
        stmt = stmt.where(OutboxMessage.ticket_id == ticket_id)
    async with org.store.db.read() as session:
        return list(await session.scalars(stmt))


async def mailed(org: Org, ticket_id: int) -> list[tuple[str, str, str]]:
    """(address, template, language) of the ticket's messages, in order."""
    return [(r.to_address.split("@")[0], r.template, r.lang) for r in await rows(org, ticket_id)]


async def test_assignment_mails_the_assignee_but_not_who_assigned_themselves(morg: Org) -> None:
    ticket_id = await new_ticket(morg)
    await morg.store.tickets.act(morg.sup_net, ticket_id, "assign", to="ana")
    assert await mailed(morg, ticket_id) == [("ana", "assigned", "en")]
    message = (await rows(morg, ticket_id))[0]
    assert message.subject == f"[HD-{ticket_id:06d}] Assigned to you: La wifi de la sala 3 no conecta"
    assert "sara assigned this ticket to you." in message.body
    # Taking a ticket (or assigning it to oneself) tells the person nothing new.
    other = await new_ticket(morg)
    await morg.store.tickets.act(morg.sup_net, other, "take")
    await morg.store.tickets.act(morg.admin, other, "assign", to="sara")
    assert await mailed(morg, other) == [("sara", "assigned", "es")]
    assert (await rows(morg, other))[0].subject.startswith(f"[HD-{other:06d}] Asignado a usted:")


async def test_customer_facing_events_mail_requester_and_contact_in_their_language(morg: Org) -> None:
    cat = morg.store.catalog
    await cat.add_user(None, "rosa", role="agent", areas=["Networks"], email="rosa@example.test", lang="es")
    # Opened by an agent on behalf of carla: requester ana (staff), contact carla.
    await cat.grant(None, "ana", "ticket.create_on_behalf")
    ana = await cat.actor("ana")
    row = await morg.store.tickets.create(
        ana, NewTicket(subject="Impresora atascada", description="No imprime.", account="Acme", contact="carla", area="Networks")
    )
    ticket_id = row.id
    tickets = morg.store.tickets
    await tickets.act(morg.sup_net, ticket_id, "assign", to="rosa")
    await tickets.act(await cat.actor("rosa"), ticket_id, "start")
    await tickets.comment(await cat.actor("rosa"), ticket_id, "Estamos revisando el rodillo.")
    await tickets.comment(await cat.actor("rosa"), ticket_id, "el cliente es pesado", internal=True)
    await tickets.act(await cat.actor("rosa"), ticket_id, "resolve", text="Rodillo cambiado.")
    sent = await mailed(morg, ticket_id)
    assert sent == [
        ("rosa", "assigned", "es"),
        ("ana", "comment", "en"), ("carla", "comment", "es"),
        ("ana", "resolved", "en"), ("carla", "resolved", "es"),
    ]  # fmt: skip
    resolved = [r for r in await rows(morg, ticket_id) if r.template == "resolved" and r.lang == "es"][0]
    assert resolved.subject == f"[HD-{ticket_id:06d}] Resuelto: Impresora atascada"
    assert "Rodillo cambiado." in resolved.body and "Estado:  Resuelto" in resolved.body
    assert all("pesado" not in r.body for r in await rows(morg, ticket_id))


async def test_cancel_reopen_close_and_wait(morg: Org) -> None:
    tickets = morg.store.tickets
    cancelled = await ticket_in(morg, "assigned")
    await tickets.act(morg.sup_net, cancelled, "cancel", text="Duplicado de otro caso")
    assert [m for m in await mailed(morg, cancelled) if m[1] == "cancelled"] == [("carla", "cancelled", "es")]
    # The requester cancelling their own ticket mails nobody (they know).
    own = await new_ticket(morg)
    await tickets.act(morg.acme1, own, "cancel", text="abierto por error")
    assert await mailed(morg, own) == []

    closed = await ticket_in(morg, "closed")  # carla accepted: she is not mailed about it
    assert [m for m in await mailed(morg, closed) if m[1] == "closed"] == []
    await tickets.act(morg.sup_net, closed, "reopen", text="Vuelve a fallar")
    assert (await mailed(morg, closed))[-1] == ("carla", "reopened", "es")

    waiting = await ticket_in(morg, "waiting")
    waits = [r for r in await rows(morg, waiting) if r.template == "waiting"]
    assert [(r.to_address, r.lang) for r in waits] == [("carla@example.test", "es")]
    assert "¿Desde cuándo falla?" in waits[0].body


async def test_system_auto_close_says_why(morg: Org) -> None:
    ticket_id = await ticket_in(morg, "resolved")
    async with morg.store.db.write() as session:
        await log_event(session, ticket_id, None, "close", clock.now(), data={"from": "resolved", "to": "closed", "reason": "silence"})
    message = (await rows(morg, ticket_id))[-1]
    assert (message.to_address, message.template) == ("carla@example.test", "closed")
    assert "se cerró automáticamente" in message.body


async def test_sla_breach_mails_the_supervisors_and_never_a_customer(morg: Org) -> None:
    ticket_id = await ticket_in(morg, "assigned")
    async with morg.store.db.write() as session:
        await log_event(
            session, ticket_id, None, "sla_breached", clock.now(), visibility="internal",
            data={"timer": "response", "due_at": "2026-03-02T10:00:00+00:00", "supervisors": ["sara", "carla", "nobody"]},
        )  # fmt: skip
    breach = [r for r in await rows(morg, ticket_id) if r.template == "sla_breached"]
    assert [(r.to_address, r.lang) for r in breach] == [("sara@example.test", "es")]
    assert "SLA incumplido (respuesta)" in breach[0].subject
    assert "2026-03-02 10:00 UTC" in breach[0].body and "Networks" in breach[0].body


async def test_internal_notes_mail_nobody(morg: Org) -> None:
    ticket_id = await ticket_in(morg, "in_progress")
    before = len(await rows(morg, ticket_id))
    await morg.store.tickets.comment(morg.agent_net, ticket_id, "nota interna", internal=True)
    # A customer's own public comment mails nobody either (they wrote it).
    await morg.store.tickets.comment(morg.acme1, ticket_id, "¿novedades?")
    assert len(await rows(morg, ticket_id)) == before


async def test_people_without_address_or_inactive_are_skipped(morg: Org) -> None:
    # gina has no address: her ticket's resolution is mailed to nobody.
    ticket_id = await new_ticket(morg, by="gina", area="Networks", account="Globex")
    await morg.store.tickets.act(morg.sup_net, ticket_id, "take")
    await morg.store.tickets.act(morg.sup_net, ticket_id, "resolve", text="hecho")
    assert await mailed(morg, ticket_id) == []


async def test_rows_are_written_in_the_changes_transaction(morg: Org) -> None:
    ticket_id = await ticket_in(morg, "in_progress")
    before = len(await rows(morg))
    with pytest.raises(RuntimeError):
        async with morg.store.db.write() as session:
            await log_event(session, ticket_id, morg.agent_net.user_id, "resolve", clock.now(), text="x")
            raise RuntimeError("the change fails after its event")
    assert len(await rows(morg)) == before
    async with morg.store.db.read() as session:
        assert await session.scalar(select(Event.id).where(Event.ticket_id == ticket_id, Event.text == "x")) is None


async def test_one_row_per_event_and_recipient_with_a_stable_message_id(morg: Org) -> None:
    ticket_id = await ticket_in(morg, "resolved")
    message = [r for r in await rows(morg, ticket_id) if r.template == "resolved"][0]
    assert message.message_id.startswith(f"<hd-ev{message.event_id}-u{message.recipient_id}.")
    assert message.message_id.endswith("@helpdesk.example>")
    with pytest.raises(IntegrityError):
        async with morg.store.db.write() as session:
            session.add(
                OutboxMessage(
                    event_id=message.event_id, ticket_id=ticket_id, recipient_id=message.recipient_id,
                    to_address="x@example.test", lang="en", template="resolved", subject="s", body="b",
                    message_id="<other@x>", state="queued", attempts=0, next_attempt_at=clock.now(),
                    last_error="", created_at=clock.now(),
                )  # fmt: skip
            )


async def test_muted_history_mails_nobody(morg: Org) -> None:
    before = len(await rows(morg))
    with outbox_muted():
        await ticket_in(morg, "resolved")
    assert len(await rows(morg)) == before


async def test_user_text_is_never_template_code(morg: Org) -> None:
    ticket_id = await new_ticket(morg, subject="{{ 7*7 }} {% if true %}x{% endif %}")
    await morg.store.tickets.act(morg.sup_net, ticket_id, "assign", to="ana")
    await morg.store.tickets.act(morg.agent_net, ticket_id, "start")
    await morg.store.tickets.act(morg.agent_net, ticket_id, "resolve", text="{{ config }} \x1b[2J")
    message = [r for r in await rows(morg, ticket_id) if r.template == "resolved"][0]
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in message.subject
    assert "{{ config }}" in message.body and "\x1b" not in message.body


# ------------------------------------------------------------------ leases


async def test_a_claimed_message_goes_to_one_worker_until_its_lease_runs_out(morg: Org) -> None:
    await ticket_in(morg, "assigned")
    outbox = morg.store.outbox
    first = await outbox.claim("w1", limit=10, policy=POLICY)
    assert len(first) == 1
    assert await outbox.claim("w2", limit=10, policy=POLICY) == []
    assert await outbox.begin_attempt(first[0].id, "w1", POLICY)
    later = clock.now() + timedelta(seconds=POLICY.lease + 1)
    with clock.frozen_at(later):
        again = await outbox.claim("w2", limit=10, policy=POLICY)
    assert [m.message_id for m in again] == [first[0].message_id]
    # w1 lost it: it may not start another attempt, nor record a failure.
    assert not await outbox.begin_attempt(first[0].id, "w1", POLICY)
    assert await outbox.mark_failed(first[0].id, "w1", code=451, error="x", permanent=False, policy=POLICY) is None


async def test_failures_back_off_and_die_after_the_attempt_limit(morg: Org) -> None:
    await ticket_in(morg, "assigned")
    outbox = morg.store.outbox
    now = clock.now()
    delays = []
    for attempt in range(POLICY.max_attempts):
        with clock.frozen_at(now):
            (message,) = await outbox.claim("w", limit=10, policy=POLICY)
            assert await outbox.begin_attempt(message.id, "w", POLICY)
            state = await outbox.mark_failed(message.id, "w", code=421, error="busy", permanent=False, policy=POLICY)
            assert await outbox.claim("w", limit=10, policy=POLICY) == []  # not due yet
        (row,) = await rows(morg)
        delays.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert state == "dead"
    assert delays[:2] == [timedelta(seconds=60), timedelta(seconds=120)]
    assert (row.attempts, row.last_code, row.last_error) == (3, 421, "busy")
    with clock.frozen_at(now + timedelta(days=1)):
        assert await outbox.claim("w", limit=10, policy=POLICY) == []


async def test_a_worker_that_keeps_dying_leaves_the_message_dead(morg: Org) -> None:
    await ticket_in(morg, "assigned")
    outbox = morg.store.outbox
    now = clock.now()
    for _ in range(POLICY.max_attempts):
        with clock.frozen_at(now):
            (message,) = await outbox.claim("w", limit=10, policy=POLICY)
            assert await outbox.begin_attempt(message.id, "w", POLICY)
        now += timedelta(seconds=POLICY.lease + 1)  # and the worker dies
    with clock.frozen_at(now):
        assert await outbox.claim("w", limit=10, policy=POLICY) == []
    (row,) = await rows(morg)
    assert (row.state, row.last_error) == ("dead", "the worker stopped during its last attempt")


async def test_release_gives_untried_messages_back(morg: Org) -> None:
    await ticket_in(morg, "assigned")
    await ticket_in(morg, "assigned")
    outbox = morg.store.outbox
    claimed = await outbox.claim("w", limit=10, policy=POLICY)
    assert len(claimed) == 2
    await outbox.release([m.id for m in claimed], "w")
    assert {r.state for r in await rows(morg)} == {"queued"}
    assert len(await outbox.claim("w2", limit=10, policy=POLICY)) == 2


# ------------------------------------------------------------------ administration


async def test_admins_and_supervisors_see_and_retry_agents_do_not(morg: Org) -> None:
    net = await ticket_in(morg, "assigned")  # mails ana (Networks)
    desk = await new_ticket(morg, area="Service desk")
    await morg.store.tickets.act(morg.sup_desk, desk, "assign", to="luis")  # luis has no address
    await morg.store.tickets.act(morg.admin, desk, "assign", to="diego")
    outbox = morg.store.outbox
    assert {m.number for m in await outbox.messages(morg.admin)} == {f"HD-{net:06d}", f"HD-{desk:06d}"}
    assert {m.number for m in await outbox.messages(morg.sup_net)} == {f"HD-{net:06d}"}
    assert {m.number for m in await outbox.messages(None)} == {f"HD-{net:06d}", f"HD-{desk:06d}"}
    with pytest.raises(NotPermitted):
        await outbox.messages(morg.agent_net)
    with pytest.raises(NotPermitted):
        await outbox.retry_all(morg.acme1)
    (desk_message,) = [m for m in await outbox.messages(morg.admin) if m.ticket_id == desk]
    with pytest.raises(NotFound):  # not her area's: for her it does not exist
        await outbox.retry(morg.sup_net, desk_message.id)
    assert (await outbox.retry(morg.sup_desk, desk_message.id)).state == "queued"


async def test_retry_one_and_all(morg: Org) -> None:
    await ticket_in(morg, "assigned")
    await ticket_in(morg, "assigned")
    outbox = morg.store.outbox
    dying = RetryPolicy(base=60, cap=60, max_attempts=1, lease=60)
    for message in await outbox.claim("w", limit=10, policy=dying):
        assert await outbox.begin_attempt(message.id, "w", dying)
        assert await outbox.mark_failed(message.id, "w", code=None, error="Connection refused", permanent=False, policy=dying) == "dead"
    dead = await outbox.messages(morg.admin, states=["dead"])
    assert len(dead) == 2 and dead[0].last_error == "Connection refused"
    again = await outbox.retry(morg.sup_net, dead[0].id)
    assert (again.state, again.attempts) == ("queued", 0)
    assert again.next_attempt_at <= clock.now()
    with pytest.raises(InvalidTransition):
        claimed = await outbox.claim("w", limit=1, policy=dying)
        await outbox.retry(morg.admin, claimed[0].id)  # being sent: not now
    assert await outbox.retry_all(morg.admin) == 1
    assert await outbox.counts(morg.admin) == {"queued": 1, "sending": 1}


async def test_people_without_a_language_get_the_configured_default(morg: Org) -> None:
    ticket_id = await new_ticket(morg, by="pedro")  # pedro chose no language
    await morg.store.tickets.act(morg.sup_net, ticket_id, "take")
    morg.store.outbox.configure(lang="es", mail_from="Soporte <soporte@corp.example>")
    await morg.store.tickets.act(morg.sup_net, ticket_id, "resolve", text="Listo")
    (message,) = await rows(morg, ticket_id)
    assert (message.to_address, message.lang) == ("pedro@example.test", "es")
    assert message.subject.startswith(f"[HD-{ticket_id:06d}] Resuelto:")
    assert message.message_id.endswith("@corp.example>")


async def test_the_demo_outbox_has_one_failed_and_one_dead(morg: Org) -> None:
    from helpdesk_tui.store.outbox import add_demo_outbox

    with outbox_muted():  # as the demo's history
        for _ in range(3):
            await ticket_in(morg, "resolved")
    assert await rows(morg) == []
    await add_demo_outbox(morg.store)
    found = await morg.store.outbox.messages(morg.admin, states=["sent", "failed", "dead"])
    states = sorted(m.state for m in found)
    assert states.count("failed") == 1 and states.count("dead") == 1 and states.count("sent") >= 1
    dead = next(m for m in found if m.state == "dead")
    assert dead.last_code == 550 and dead.to_address in dead.last_error


async def test_routing_to_the_primary_agent_mails_them_and_says_why(morg: Org) -> None:
    await morg.store.catalog.add_account(None, "Initech", primary_agent="ana")
    await morg.store.catalog.add_user(None, "milton", role="customer", accounts=["Initech"], email="milton@example.test")
    milton = await morg.store.catalog.actor("milton")
    row = await morg.store.tickets.create(milton, NewTicket(subject="Mi grapadora", description="No la encuentro."))
    (message,) = await rows(morg, row.id)
    assert (message.to_address, message.template) == ("ana@example.test", "assigned")
    assert "as the primary agent of its account" in message.body
