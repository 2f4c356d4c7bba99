"""The automation: SLA breaches notified once per breach, actions after the requester's silence
(counted in business days of the ticket's calendar), and both safe from two processes at once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from helpdesk_tui.store import Store, clock
from helpdesk_tui.store.automation import run_automation
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.lifecycle import LIFECYCLES, STANDARD
from helpdesk_tui.store.models import Ticket
from tests.conftest import Org
from tests.store.helpers import new_ticket, ticket_in

UTC = timezone.utc
# Wednesday 4 March 2026, 10:00 in Bogotá: normal priority -> response due Wed 14:00 Bogotá
# (19:00 UTC), resolution due Fri 6 March 16:00 Bogotá (21:00 UTC).
CREATED = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
RESPONSE_DUE = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def run_at(store: Store, moment: datetime) -> dict[str, int]:
    with clock.frozen_at(moment):
        return await run_automation(store)


async def events(org: Org, ticket_id: int, kind: str) -> list:
    detail = await org.store.tickets.show(org.admin, ticket_id)
    return [e for e in detail.events if e.kind == kind]


# ------------------------------------------------------------------------------- breaches


async def test_a_breach_is_notified_once(org: Org) -> None:
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org)  # Networks: supervisor sara
    assert (await run_at(org.store, RESPONSE_DUE))["breaches"] == 0  # due now: still met
    assert (await run_at(org.store, RESPONSE_DUE + MINUTE))["breaches"] == 1
    assert (await run_at(org.store, RESPONSE_DUE + 2 * MINUTE))["breaches"] == 0
    [breach] = await events(org, ticket_id, "sla_breached")
    assert (breach.actor, breach.visibility, breach.text) == ("system", "internal", "")
    assert breach.data == {
        "timer": "response", "due_at": RESPONSE_DUE.isoformat(), "supervisors": ["sara"],
    }  # fmt: skip
    # Customers never see it (internal).
    customer_view = await org.store.tickets.show(org.acme1, ticket_id)
    assert all(e.kind != "sla_breached" for e in customer_view.events)


async def test_a_new_due_time_breached_again_is_a_new_breach(org: Org) -> None:
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org)
    after_response = RESPONSE_DUE + MINUTE
    await run_at(org.store, after_response)
    # Raised to high: the response target becomes 60 minutes, reached at Wed 11:00 Bogotá —
    # already past, a due time never notified: a second breach. The resolution target (480,
    # due Thu 09:00 Bogotá) has not passed.
    with clock.frozen_at(after_response):
        await org.store.tickets.recategorise(org.sup_net, ticket_id, priority="high")
    assert (await run_at(org.store, after_response + MINUTE))["breaches"] == 1
    first, second = await events(org, ticket_id, "sla_breached")
    assert second.data["timer"] == "response"
    assert second.data["due_at"] == datetime(2026, 3, 4, 16, 0, tzinfo=UTC).isoformat()
    # The resolution breach comes when its own due time passes: Thu 5 March 09:00 Bogotá.
    thursday = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
    assert (await run_at(org.store, thursday))["breaches"] == 0
    assert (await run_at(org.store, thursday + MINUTE))["breaches"] == 1
    last = (await events(org, ticket_id, "sla_breached"))[-1]
    assert (last.data["timer"], last.data["due_at"]) == ("resolution", thursday.isoformat())


async def test_paused_and_answered_timers_are_not_breached(org: Org) -> None:
    with clock.frozen_at(CREATED):
        waiting = await ticket_in(org, "waiting")  # answered (wait), resolution paused
    assert (await run_at(org.store, CREATED + timedelta(days=30)))["breaches"] == 0
    assert await events(org, waiting, "sla_breached") == []


async def test_tickets_with_no_area_tell_every_supervisor(org: Org) -> None:
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org, area=None)
    await run_at(org.store, RESPONSE_DUE + MINUTE)
    [breach] = await events(org, ticket_id, "sla_breached")
    assert breach.data["supervisors"] == ["diego", "sara"]


# -------------------------------------------------------------------------------- silence

# Resolved on Thursday 5 March 2026 at 15:00 Bogotá. Three business days of the seed's calendar
# (Saturday mornings are open): Friday, Saturday, Monday -> Monday 9 March 15:00 Bogotá.
RESOLVED = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
THREE_DAYS_LATER = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)


async def test_a_resolved_ticket_is_closed_after_three_silent_business_days(org: Org) -> None:
    with clock.frozen_at(RESOLVED):
        ticket_id = await ticket_in(org, "resolved")
    before = (await org.store.tickets.show(org.admin, ticket_id)).ticket
    counts_before = await org.store.tickets.count_by_status(org.admin)
    assert (await run_at(org.store, THREE_DAYS_LATER - MINUTE))["auto_closed"] == 0
    assert (await run_at(org.store, THREE_DAYS_LATER))["auto_closed"] == 1
    assert (await run_at(org.store, THREE_DAYS_LATER + MINUTE))["auto_closed"] == 0
    detail = await org.store.tickets.show(org.acme1, ticket_id)
    assert detail.ticket.status == "closed"
    assert detail.ticket.version == before.version + 1
    close = detail.events[-1]
    assert (close.kind, close.actor, close.visibility) == ("close", "system", "public")
    assert close.data == {"from": "resolved", "to": "closed", "reason": "silence", "business_days": 3}
    assert close.text == "No answer from the requester for 3 business days."
    counts = await org.store.tickets.count_by_status(org.admin)
    assert counts.get("resolved", 0) == counts_before["resolved"] - 1 == 0
    assert counts["closed"] == counts_before.get("closed", 0) + 1 == 1
    async with org.store.db.read() as session:
        closed_at = await session.scalar(select(Ticket.closed_at).where(Ticket.id == ticket_id))
    assert closed_at == THREE_DAYS_LATER


async def test_business_days_skip_a_colombian_holiday(org: Org) -> None:
    """Resolved Thu 19 March 15:00: Fri 20, Sat 21, (Mon 23 is San José), Tue 24 15:00."""
    with clock.frozen_at(datetime(2026, 3, 19, 20, 0, tzinfo=UTC)):
        ticket_id = await ticket_in(org, "resolved")
    due = datetime(2026, 3, 24, 20, 0, tzinfo=UTC)
    await run_at(org.store, due - MINUTE)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "resolved"
    await run_at(org.store, due)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "closed"


async def test_the_requesters_comment_starts_the_silence_again(org: Org) -> None:
    with clock.frozen_at(RESOLVED):
        ticket_id = await ticket_in(org, "resolved")
    with clock.frozen_at(datetime(2026, 3, 6, 15, 0, tzinfo=UTC)):  # Fri 10:00 Bogotá
        await org.store.tickets.comment(org.acme1, ticket_id, "Sigo probando, mañana les digo.")
        # A note of staff does not count as the requester's answer.
        await org.store.tickets.comment(org.agent_net, ticket_id, "¿Alguna novedad?")
    # Sat, Mon, Tue -> Tue 10 March 10:00 Bogotá.
    restarted = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    await run_at(org.store, THREE_DAYS_LATER)
    await run_at(org.store, restarted - MINUTE)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "resolved"
    await run_at(org.store, restarted)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "closed"


async def test_the_accounts_own_number_of_days_and_never(org: Org) -> None:
    """Acme: one business day. Resolved Fri 6 March 15:00; the next business day is Saturday,
    whose 15:00 is closed, so the first business instant after it: Monday 08:00."""
    await org.store.levels.set_account(None, "Acme", auto_close_days=1)
    await org.store.levels.set_account(None, "Globex", auto_close_days=0)
    with clock.frozen_at(datetime(2026, 3, 6, 20, 0, tzinfo=UTC)):
        acme = await ticket_in(org, "resolved")
        globex = await ticket_in(org, "resolved", by="gina")
    monday = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    await run_at(org.store, monday - MINUTE)
    assert (await org.store.tickets.show(org.admin, acme)).ticket.status == "resolved"
    await run_at(org.store, monday)
    assert (await org.store.tickets.show(org.admin, acme)).ticket.status == "closed"
    assert (await events(org, acme, "close"))[0].data["business_days"] == 1
    await run_at(org.store, monday + timedelta(days=60))
    assert (await org.store.tickets.show(org.admin, globex)).ticket.status == "resolved"


async def test_any_lifecycles_silence_rule_works_with_no_code_of_its_own(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = dataclasses.replace(STANDARD, name="quiet", silence=(("waiting", "close"),))
    monkeypatch.setitem(LIFECYCLES, "quiet", quiet)
    with clock.frozen_at(RESOLVED):
        ticket_id = await ticket_in(org, "waiting")
    async with org.store.db.write() as session:
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(lifecycle="quiet"))
    await run_at(org.store, THREE_DAYS_LATER)
    detail = await org.store.tickets.show(org.admin, ticket_id)
    assert detail.ticket.status == "closed"
    assert detail.events[-1].data["from"] == "waiting"


async def test_system_act_does_nothing_when_the_action_no_longer_applies(org: Org) -> None:
    with clock.frozen_at(RESOLVED):
        ticket_id = await ticket_in(org, "in_progress")
        assert await org.store.tickets.system_act(ticket_id, "accept", reason="test") is None
        row = await org.store.tickets.system_act(ticket_id, "close", reason="test")
    assert row is not None and row.status == "closed"


# ------------------------------------------------------------------- two processes at once


def _second_database(store: Store) -> Database:
    return Database(store.db.url, schema=store.db.schema, attachments_dir=store.db.attachments_dir)


async def test_two_concurrent_passes_notify_and_close_each_ticket_once(org: Org) -> None:
    with clock.frozen_at(RESOLVED):
        resolved = [await ticket_in(org, "resolved") for _ in range(4)]
        late = [await new_ticket(org, subject=f"Sin respuesta {i}") for i in range(4)]
    other = Store.for_database(_second_database(org.store))
    try:
        # Tue 10 March 15:00 Bogotá: past the resolution due time of the late ones too (Tue 09:00).
        with clock.frozen_at(THREE_DAYS_LATER + timedelta(days=1)):
            reports = await asyncio.gather(run_automation(org.store), run_automation(other))
    finally:
        await other.close()
    # Each of the late tickets has two breached timers (response and resolution).
    assert sum(r["breaches"] for r in reports) == 2 * len(late)
    assert sum(r["auto_closed"] for r in reports) == len(resolved)
    for ticket_id in resolved:
        assert len(await events(org, ticket_id, "close")) == 1
    for ticket_id in late:
        timers = sorted(e.data["timer"] for e in await events(org, ticket_id, "sla_breached"))
        assert timers == ["resolution", "response"]
    counts = await org.store.tickets.count_by_status(org.admin)
    assert counts["closed"] == len(resolved) and counts.get("resolved", 0) == 0


async def test_rows_loaded_without_a_silence_mark_are_still_found(org: Org) -> None:
    """A bulk load that leaves `silence_since` empty: the pass fills in the creation time and
    the bitácora (resolved on Thursday) decides, as for any ticket."""
    with clock.frozen_at(RESOLVED):
        ticket_id = await ticket_in(org, "resolved")
    async with org.store.db.write() as session:
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(silence_since=None))
    await run_at(org.store, THREE_DAYS_LATER - MINUTE)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "resolved"
    await run_at(org.store, THREE_DAYS_LATER)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "closed"


async def test_a_pass_stops_at_its_limit_and_the_next_goes_on(org: Org) -> None:
    with clock.frozen_at(RESOLVED):
        tickets = [await ticket_in(org, "resolved") for _ in range(3)]
    with clock.frozen_at(THREE_DAYS_LATER):
        first = await run_automation(org.store, limit=2)
        second = await run_automation(org.store, limit=2)
    assert (first["auto_closed"], second["auto_closed"]) == (2, 1)
    assert all([(await org.store.tickets.show(org.admin, t)).ticket.status == "closed" for t in tickets])


async def test_breaches_past_the_limit_wait_for_the_next_pass(org: Org) -> None:
    with clock.frozen_at(CREATED):
        for i in range(3):
            await new_ticket(org, subject=f"Caso {i}")
    with clock.frozen_at(RESPONSE_DUE + MINUTE):  # only the response timers have passed
        first = await run_automation(org.store, limit=2)
        second = await run_automation(org.store, limit=2)
        third = await run_automation(org.store, limit=2)
    assert [r["breaches"] for r in (first, second, third)] == [2, 1, 0]


async def test_the_five_stage_testing_is_accepted_by_silence(org: Org) -> None:
    """Seed 003: silence in Pruebas counts as acceptance — its lifecycle's own silence rule,
    taken by the same automation (the ticket is put in testing directly: the stages' own
    checklist and plan are another part's business)."""
    from helpdesk_tui.store.bitacora import log_event

    await org.store.levels.set_area(None, "Networks", lifecycle="five_stage")
    with clock.frozen_at(RESOLVED):
        ticket_id = await new_ticket(org)
        async with org.store.db.write() as session:
            await session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(status="testing", silence_since=RESOLVED)
            )
            await log_event(session, ticket_id, None, "resolve", RESOLVED, data={"from": "solution", "to": "testing"})
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "testing"
    await run_at(org.store, THREE_DAYS_LATER - MINUTE)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "testing"
    await run_at(org.store, THREE_DAYS_LATER)
    detail = await org.store.tickets.show(org.admin, ticket_id)
    assert detail.ticket.status == "closed"
    accept = detail.events[-1]
    assert (accept.kind, accept.actor) == ("accept", "system")
    assert accept.data == {"from": "testing", "to": "closed", "reason": "silence", "business_days": 3}
