"""The one clock of the help desk.

`HELPDESK_NOW` (ISO 8601 with offset) freezes it for everything; `frozen_at()` does the same
inside one task (the demo loader uses it to write a believable history).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

_override: ContextVar[datetime | None] = ContextVar("helpdesk_now", default=None)


def now() -> datetime:
    moment = _override.get()
    if moment is not None:
        return moment
    fixed = os.environ.get("HELPDESK_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            raise ValueError("HELPDESK_NOW needs a UTC offset, e.g. 2026-03-02T09:00:00-05:00")
        return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _override.set(moment.astimezone(timezone.utc))
    try:
        yield
    finally:
        _override.reset(token)
