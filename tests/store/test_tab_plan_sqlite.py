"""The SQLite plan of a tab that lists several lifecycles' states: with the unused states
dropped (see test_tab_states.py) the page seeks the status index. PostgreSQL plans a status list
with a bitmap scan either way, so this one runs on SQLite only."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.conftest import Org
from tests.store.helpers import new_ticket


@pytest.fixture
def backend() -> str:
    return "sqlite"


async def test_the_new_tab_seeks_the_status_index_on_sqlite(org: Org) -> None:
    await new_ticket(org)
    captured: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, params, context, many) -> None:
        if "LIMIT" in statement and "FROM tickets" in statement:
            captured.append((statement, params))

    event.listen(org.store.db.engine.sync_engine, "before_cursor_execute", remember)
    try:
        await org.store.tickets.page(org.admin, "status:new,opened")
    finally:
        event.remove(org.store.db.engine.sync_engine, "before_cursor_execute", remember)
    statement, params = captured[-1]
    async with org.store.db.engine.connect() as conn:
        plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)).all()
    first = plan[0][-1]
    assert "USING INDEX ix_tickets_status_prio (status=?)" in first, plan
