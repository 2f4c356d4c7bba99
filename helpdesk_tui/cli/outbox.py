"""Commands of the outbox part (registered on `helpdesk`)."""

from __future__ import annotations
