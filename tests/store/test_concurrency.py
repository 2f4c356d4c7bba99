"""L4: concurrent changes never overwrite each other; no bitácora entry is lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from helpdesk_tui.store.errors import Conflict
from helpdesk_tui.store.views import TicketRow
from tests.conftest import Org
from tests.store.helpers import event_count, ticket_in


async def test_two_actions_on_one_version_exactly_one_wins(org: Org) -> None:
    for _ in range(3):
        ticket_id = await ticket_in(org, "assigned")
        version = (await org.store.tickets.show(org.admin, ticket_id)).ticket.version
        results = await asyncio.gather(
            org.store.tickets.act(org.agent_net, ticket_id, "start", version=version),
            org.store.tickets.act(org.sup_net, ticket_id, "cancel", version=version, text="duplicado"),
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, TicketRow)]
        losers = [r for r in results if isinstance(r, Conflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "was changed by" in losers[0].message() and "reload" in losers[0].message()
        detail = await org.store.tickets.show(org.admin, ticket_id)
        assert detail.ticket.status == winners[0].status
        assert detail.ticket.version == version + 1
        assert [e.kind for e in detail.events][-1] in ("start", "cancel")


async def test_stale_version_is_refused_with_who_and_when(org: Org) -> None:
    ticket_id = await ticket_in(org, "assigned")
    seen = (await org.store.tickets.show(org.agent_net, ticket_id)).ticket.version
    await org.store.tickets.comment(org.acme1, ticket_id, "¿Hay novedades?")
    with pytest.raises(Conflict, match=r"changed by carla at \d{4}-\d\d-\d\d"):
        await org.store.tickets.act(org.agent_net, ticket_id, "start", version=seen)
    assert (await org.store.tickets.show(org.admin, ticket_id)).ticket.status == "assigned"


async def test_concurrent_comments_are_all_kept(org: Org) -> None:
    ticket_id = await ticket_in(org, "in_progress")
    before = await event_count(org, ticket_id)
    writers = [org.acme1, org.agent_net, org.sup_net, org.admin] * 3
    await asyncio.gather(*(org.store.tickets.comment(w, ticket_id, f"mensaje {i}") for i, w in enumerate(writers)))
    detail = await org.store.tickets.show(org.admin, ticket_id)
    assert len(detail.events) == before + len(writers)
    assert {e.text for e in detail.events if e.kind == "comment"} == {f"mensaje {i}" for i in range(len(writers))}


async def test_two_processes_on_one_version(org: Org, backend: str, request: pytest.FixtureRequest) -> None:
    """The same race across two operating-system processes sharing the database."""
    db = org.store.db
    schema = db.schema or ""
    for _ in range(2):
        ticket_id = await ticket_in(org, "assigned")
        version = (await org.store.tickets.show(org.admin, ticket_id)).ticket.version
        start_at = time.time() + 2.0
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.store.race_worker", db.url, schema, who, str(ticket_id), str(version), action, str(start_at)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            for who, action in (("ana", "start"), ("sara", "assign"))
        ]
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            outcomes.append(out.strip())
        assert sorted(outcomes) == ["conflict", "ok"]
        detail = await org.store.tickets.show(org.admin, ticket_id)
        assert detail.ticket.version == version + 1
        assert len([e for e in detail.events if e.kind in ("start", "assign")]) == 2  # routing-free: the first assign + the winner
