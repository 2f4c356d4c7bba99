"""The automation: SLA breach checks and closing tickets after the requester's silence.

(Filled in by the SLA issue.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpdesk_tui.store import Store


async def run_automation(store: Store) -> dict[str, int]:
    """One pass of every automatic rule; returns counters by name."""
    return {}
