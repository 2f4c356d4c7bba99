"""The one clock of the help desk. `HELPDESK_NOW` (ISO 8601 with offset) freezes it."""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now() -> datetime:
    fixed = os.environ.get("HELPDESK_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            raise ValueError("HELPDESK_NOW needs a UTC offset, e.g. 2026-03-02T09:00:00-05:00")
        return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)
