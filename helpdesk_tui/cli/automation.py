"""Commands of the automation part (registered on `helpdesk`)."""

from __future__ import annotations
