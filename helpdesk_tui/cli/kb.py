"""Commands of the kb part (registered on `helpdesk`)."""

from __future__ import annotations
