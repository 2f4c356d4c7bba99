"""Commands of the survey part (registered on `helpdesk`)."""

from __future__ import annotations
