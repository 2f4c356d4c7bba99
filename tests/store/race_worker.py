"""One side of a two-process race: act on a ticket at an agreed instant, print the outcome."""

from __future__ import annotations

import asyncio
import sys
import time

from helpdesk_tui.store import open_store
from helpdesk_tui.store.errors import Conflict


async def main(url: str, schema: str, username: str, ticket_id: int, version: int, action: str, start_at: float) -> None:
    store = await open_store(url, schema=schema or None, migrate=False)
    actor = await store.catalog.actor(username)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    try:
        await store.tickets.act(actor, ticket_id, action, version=version, to="ana", text="carrera")
        print("ok")
    except Conflict:
        print("conflict")
    finally:
        await store.close()


if __name__ == "__main__":
    url, schema, username, ticket_id, version, action, start_at = sys.argv[1:]
    asyncio.run(main(url, schema, username, int(ticket_id), int(version), action, float(start_at)))
