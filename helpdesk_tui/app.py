"""HelpdeskApp: placeholder until the console lands (issue 3)."""

from __future__ import annotations


def run_console(**options: object) -> int:
    raise SystemExit("the console is not built yet")
