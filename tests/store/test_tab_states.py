"""A tab lists the states of every lifecycle (New also shows five-stage Opened). The page drops
the states no ticket is in, so an unused lifecycle costs the queue nothing: one state left seeks
that state's index instead of walking every ticket in priority order."""

from __future__ import annotations

from helpdesk_tui.store.query import Match, parse_query
from tests.conftest import Org
from tests.store.helpers import new_ticket, ticket_in


def _status_values(parsed) -> tuple[str, ...]:
    return next(t.values for t in parsed.terms if isinstance(t, Match) and t.key == "status")


async def test_states_without_tickets_are_dropped_and_the_rest_kept(org: Org) -> None:
    fresh = await new_ticket(org)
    closed = await ticket_in(org, "closed")
    tickets = org.store.tickets
    async with org.store.db.read() as session:
        pruned = await tickets._without_empty_states(session, parse_query("status:new,opened,analysis"))
        both = await tickets._without_empty_states(session, parse_query("status:new,closed"))
        none = await tickets._without_empty_states(session, parse_query("status:opened,testing"))
        negated = await tickets._without_empty_states(session, parse_query("-status:new,opened"))
    assert _status_values(pruned) == ("new",)
    assert _status_values(both) == ("new", "closed")
    assert _status_values(none) == ("opened",)  # still a valid (empty) filter
    assert _status_values(negated) == ("new", "opened")  # "not these" is left alone
    # The pages themselves are unchanged by it.
    page = await tickets.page(org.admin, "status:new,opened")
    assert [row.id for row in page.rows] == [fresh]
    page = await tickets.page(org.admin, "status:new,closed sort:created")
    assert [row.id for row in page.rows] == [fresh, closed]
    assert (await tickets.page(org.admin, "status:opened,testing")).rows == ()
