"""Delivering the outbox over SMTP. (Filled in by the outbox issue.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.store import Store


async def deliver_due(store: Store, settings: Settings) -> dict[str, int]:
    """Claim and send the messages that are due; returns counters by name."""
    return {}
