"""S1/S2 from the database: named calendars and SLA policies, what accounts and areas use, and
the due times that follow from them (computed by hand); S3 work windows; admins only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.store import clock
from helpdesk_tui.store.errors import NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.views import NewTicket
from tests.conftest import Org
from tests.store.helpers import new_ticket

UTC = timezone.utc
BOGOTA = ZoneInfo("America/Bogota")
# Wednesday 4 March 2026, 10:00 in Bogotá (UTC-5) = 16:00 in Madrid (UTC+1, before DST).
CREATED = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

MADRID = {
    "timezone": "Europe/Madrid",
    "country": "ES",
    "weekly": {day: [["09:00", "14:00"], ["15:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
}
MORNINGS = {
    "timezone": "America/Bogota",
    "country": None,
    "weekly": {day: [["08:00", "12:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
}


async def _dues(org: Org, ticket_id: int) -> tuple[datetime | None, datetime | None]:
    detail = await org.store.tickets.show(org.admin, ticket_id)
    sla = detail.sla or {}
    due = sla["response"]["due_at"]
    return (datetime.fromisoformat(due) if due else None), detail.ticket.resolution_due_at


async def test_an_accounts_policy_sets_its_tickets_targets(org: Org) -> None:
    levels = org.store.levels
    await levels.set_policy(None, "gold", {"targets": {"normal": {"response": 60, "resolution": 480}}})
    await levels.set_account(org.admin, "Acme", sla_policy="gold")
    with clock.frozen_at(CREATED):
        acme = await new_ticket(org)  # carla of Acme, impact medium -> normal
        globex = await new_ticket(org, by="gina")
        # Acme (gold, 60/480): response Wed 10:00 + 60 = 11:00 Bogotá; resolution: Wed 420
        # minutes to 17:00, then 60 on Thursday from 08:00 -> Thu 09:00 Bogotá.
        assert await _dues(org, acme) == (
            datetime(2026, 3, 4, 16, 0, tzinfo=UTC), datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
        )
        # Globex keeps the default (240/1440): Wed 14:00; Wed 420 + Thu 540 + Fri 480 -> 16:00.
        assert await _dues(org, globex) == (
            datetime(2026, 3, 4, 19, 0, tzinfo=UTC), datetime(2026, 3, 6, 21, 0, tzinfo=UTC)
        )
        show = await org.store.tickets.show(org.admin, acme)
    assert show.sla is not None and show.sla["policy"] == "gold"


async def test_the_areas_calendar_wins_over_the_accounts(org: Org) -> None:
    levels = org.store.levels
    await levels.set_calendar(org.admin, "madrid", MADRID)
    await levels.set_calendar(None, "mornings", MORNINGS)
    await levels.set_account(None, "Acme", calendar="mornings")
    await levels.set_area(None, "Networks", calendar="madrid")
    with clock.frozen_at(CREATED):
        networks = await new_ticket(org, area="Networks")
        desk = await new_ticket(org, area="Service desk")
        # Networks -> Madrid, from Wed 16:00: response 240 = Wed 120 (to 18:00) + Thu 09:00-11:00
        # -> Thu 11:00 Madrid = 10:00 UTC. Resolution 1440 = Wed 120 + Thu 480 + Fri 480 + Mon
        # 300 (09-14) + 60 from 15:00 -> Mon 9 March 16:00 Madrid = 15:00 UTC.
        assert await _dues(org, networks) == (
            datetime(2026, 3, 5, 10, 0, tzinfo=UTC), datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
        )
        # Service desk has no calendar -> Acme's mornings (08-12 Bogotá, weekdays): response
        # Wed 120 + Thu 120 -> Thu 10:00 Bogotá; resolution 1440 = Wed 120 + 5 x 240 (Thu, Fri,
        # Mon, Tue, Wed) + 120 on Thursday 12 -> Thu 10:00 Bogotá = 15:00 UTC.
        assert await _dues(org, desk) == (
            datetime(2026, 3, 5, 15, 0, tzinfo=UTC), datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
        )
        sla = (await org.store.tickets.show(org.admin, networks)).sla
    assert sla is not None and (sla["calendar"], sla["timezone"]) == ("madrid", "Europe/Madrid")


async def test_a_stored_default_calendar_replaces_the_built_in_one(org: Org) -> None:
    await org.store.levels.set_calendar(None, "default", MORNINGS)
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org)
        assert (await _dues(org, ticket_id))[0] == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    names = [c.name for c in await org.store.levels.calendars()]
    assert names.count("default") == 1


async def test_a_changed_calendar_applies_to_the_next_change(org: Org) -> None:
    """Definitions are read in every change's transaction: no stale cache."""
    with clock.frozen_at(CREATED):
        ticket_id = await new_ticket(org, area="Networks")
        await org.store.levels.set_calendar(None, "madrid", MADRID)
        await org.store.levels.set_area(None, "Networks", calendar="madrid")
        await org.store.tickets.act(org.sup_net, ticket_id, "assign", to="ana")  # any action
        assert (await _dues(org, ticket_id))[1] == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


async def test_only_admins_change_service_levels(org: Org) -> None:
    levels = org.store.levels
    with pytest.raises(NotPermitted):
        await levels.set_account(org.sup_net, "Acme", auto_close_days=5)
    with pytest.raises(NotPermitted):
        await levels.set_area(org.agent_net, "Networks", calendar="")
    with pytest.raises(NotPermitted):
        await levels.set_calendar(org.acme1, "x", MADRID)
    with pytest.raises(NotPermitted):
        await levels.set_policy(org.sup_desk, "x", {"targets": {"normal": {"response": 1, "resolution": 2}}})
    assert (await levels.accounts())[0].auto_close_days is None


async def test_bad_definitions_and_names_are_refused_with_the_field(org: Org) -> None:
    levels = org.store.levels
    with pytest.raises(ValidationFailed) as bad_zone:
        await levels.set_calendar(None, "mars", {**MADRID, "timezone": "Mars/Olympus"})
    assert "calendar" in bad_zone.value.errors
    with pytest.raises(ValidationFailed) as bad_priority:
        await levels.set_policy(None, "p", {"targets": {"normal": {"response": 1, "resolution": 2},
                                                        "critical": {"response": 1, "resolution": 2}}})
    assert "policy" in bad_priority.value.errors
    with pytest.raises(ValidationFailed) as unknown:
        await levels.set_account(None, "Acme", calendar="nowhere")
    assert "calendar" in unknown.value.errors
    with pytest.raises(ValidationFailed) as lifecycle:
        await levels.set_area(None, "Networks", lifecycle="chaos")
    assert "lifecycle" in lifecycle.value.errors
    with pytest.raises(ValidationFailed):
        await levels.set_account(None, "Acme", auto_close_days=-1)
    with pytest.raises(NotFound):
        await levels.set_account(None, "Initech", auto_close_days=2)
    changed = await levels.set_account(None, "acme", lifecycle="standard", auto_close_days=0)
    assert (changed.lifecycle, changed.auto_close_days) == ("standard", 0)


# ------------------------------------------------------------------------------------- S3


def _window(start: datetime, hours: int = 3) -> tuple[datetime, datetime]:
    return start, start + timedelta(hours=hours)


async def test_out_of_hours_work_needs_three_business_days(org: Org) -> None:
    """Created Wed 4 March 10:00 Bogotá: three business days ahead is Sat 7 March 10:00 (the
    seed's calendar opens on Saturday mornings), so Thursday night is too early and the first
    allowed start at 20:00 is Saturday 20:00."""
    thursday_night = datetime(2026, 3, 5, 20, 0, tzinfo=BOGOTA)
    with clock.frozen_at(CREATED):
        with pytest.raises(ValidationFailed) as refused:
            await new_ticket(org, work_window=_window(thursday_night))
        message = refused.value.field_messages()["work_window"]
        assert "2026-03-07 20:00 (America/Bogota)" in message
        accepted = await new_ticket(org, work_window=_window(datetime(2026, 3, 7, 20, 0, tzinfo=BOGOTA)))
        in_hours = await new_ticket(org, work_window=_window(datetime(2026, 3, 5, 9, 0), 2))  # local
    async with org.store.db.read() as session:
        from sqlalchemy import select

        from helpdesk_tui.store.models import Ticket

        rows = dict((await session.execute(select(Ticket.id, Ticket.work_start_at))).all())
    assert rows[accepted] == datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    assert rows[in_hours] == datetime(2026, 3, 5, 14, 0, tzinfo=UTC)  # 09:00 on the calendar


async def test_work_windows_that_make_no_sense_are_refused(org: Org) -> None:
    start = datetime(2026, 3, 9, 10, 0, tzinfo=BOGOTA)
    with clock.frozen_at(CREATED):
        for window in ((start, start), (start - timedelta(days=7), start)):
            with pytest.raises(ValidationFailed) as refused:
                await org.store.tickets.create(
                    org.acme1, NewTicket(subject="Cambio de router", description="Noche", work_window=window)
                )
            assert "work_window" in refused.value.errors
