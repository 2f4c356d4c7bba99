"""The demo organisation: loads on both backends, every state has tickets, histories are real
store actions in believable order, a second load adds nothing, the shared password logs in."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from helpdesk_tui.store import Store, clock
from helpdesk_tui.store.auth import LoginRefused, login
from helpdesk_tui.store.demo import (
    DEMO_PASSWORD,
    DEMO_TICKETS,
    PEOPLE,
    STATE_SHARES,
    load_demo,
    plan_demo,
)
from helpdesk_tui.store.errors import ValidationFailed
from helpdesk_tui.store.lifecycle import STATE_LABELS

SMALL = 24  # enough for every state and every kind of history, and quick on both backends
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


async def test_demo_loads_once_with_every_state(store: Store) -> None:
    with clock.frozen_at(NOW):
        assert await load_demo(store, tickets=SMALL) is True
    admin = await store.catalog.actor("admin")
    counts = await store.tickets.count_by_status(admin)
    assert set(counts) == set(STATE_LABELS)
    assert sum(counts.values()) == SMALL == await store.tickets.count(admin)

    msp = await store.catalog.user("ntorres")
    assert msp.role == "customer" and len(msp.accounts) == 2
    roles = Counter(u.role for u in await store.catalog.users())
    assert roles == {"admin": 1, "supervisor": 2, "agent": 4, "customer": 6, "user": 1}
    assert await store.catalog.setting("demo") == "1"
    assert await store.catalog.setting("demo_password") == DEMO_PASSWORD

    # A second load adds nothing.
    with clock.frozen_at(NOW + timedelta(days=1)):
        assert await load_demo(store, tickets=SMALL) is False
    assert await store.tickets.count(admin) == SMALL
    assert len(await store.catalog.users()) == len(PEOPLE)

    # Every demo user shares the documented password.
    for username in ("admin", "ntorres"):
        actor = await login(store.db, username, DEMO_PASSWORD)
        assert actor.username == username
    with pytest.raises(LoginRefused):
        await login(store.db, "camila", "not-the-demo-password")


async def test_demo_histories_are_believable(store: Store) -> None:
    with clock.frozen_at(NOW):
        await load_demo(store, tickets=SMALL)
    admin = await store.catalog.actor("admin")
    page = await store.tickets.page(admin, "", limit=SMALL)
    assert len(page.rows) == SMALL
    kinds: Counter[str] = Counter()
    for row in page.rows:
        assert NOW - timedelta(days=61) <= row.created_at <= row.updated_at <= NOW
        detail = await store.tickets.show(admin, row.id)
        moments = [e.at for e in detail.events]
        assert moments == sorted(moments) and moments[0] == row.created_at
        assert detail.events[0].kind == "created"
        kinds.update(e.kind for e in detail.events)
        if row.account == "Ferretería Sol":
            assert detail.events[1].kind == "assign" and detail.events[1].actor == "system"
    # Real store actions as the proper people: the common ones all appear.
    for kind in ("assign", "start", "wait", "resolve", "accept", "comment", "cancel"):
        assert kinds[kind], kind

    # Customers see their own account only, and never an internal note.
    andina = await store.catalog.actor("jcardenas")
    for row in (await store.tickets.page(andina, "", limit=SMALL)).rows:
        assert row.account == "Andina Logística"
        detail = await store.tickets.show(andina, row.id)
        assert all(e.visibility == "public" for e in detail.events)

    # Seed 003: Andina keeps its limit of two reporters.
    with pytest.raises(ValidationFailed) as refused:
        await store.catalog.add_user(None, "otro", role="customer", accounts=["Andina Logística"])
    assert "already has its 2 reporters" in refused.value.message()


async def test_demo_refuses_a_database_with_the_same_names(store: Store) -> None:
    await store.catalog.add_user(None, "sofia", role="agent")
    with pytest.raises(ValidationFailed):
        await load_demo(store, tickets=5)
    assert await store.catalog.setting("demo") is None


def test_demo_plan_is_deterministic_and_in_every_state() -> None:
    def outline(seed: int) -> list[tuple[str, ...]]:
        plans = plan_demo(random.Random(seed), DEMO_TICKETS, NOW)
        return [tuple(f"{s.who}:{s.op}:{s.action}:{s.at}" for s in p.steps) for p in plans]

    assert outline(7) == outline(7)
    assert outline(7) != outline(8)
    plans = plan_demo(random.Random(7), DEMO_TICKETS, NOW)
    assert len(plans) == DEMO_TICKETS == sum(STATE_SHARES.values())
    subjects = {p.steps[0].new.subject for p in plans if p.steps[0].new}
    assert len(subjects) > 60  # varied, not a handful of repeats
    assert any(ch in "".join(subjects) for ch in "áéíóúñ")
    for plan in plans:
        assert plan.steps[-1].at is not None and plan.steps[-1].at <= NOW
