"""Startup stays light (STYLE section 3): importing the app does not import SQLAlchemy, and the
login screen paints before the store is imported. Checked in fresh interpreters, since this
test process has long imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path


def run_python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_importing_the_app_does_not_import_sqlalchemy() -> None:
    out = run_python(
        """
        import json, sys
        import helpdesk_tui.app
        import helpdesk_tui.screens.login, helpdesk_tui.screens.help, helpdesk_tui.labels
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "aiosqlite", "asyncpg"))))
        """
    )
    assert json.loads(out) == []


def test_the_login_screen_paints_before_the_store_is_imported(tmp_path: Path) -> None:
    out = run_python(
        """
        import asyncio, json, sys
        from helpdesk_tui.app import HelpdeskApp

        seen = {}

        display = HelpdeskApp._display

        def probe(self, screen, renderable):
            if type(screen).__name__ == "LoginScreen" and "first_paint" not in seen:
                seen["first_paint"] = "sqlalchemy" in sys.modules
            display(self, screen, renderable)

        HelpdeskApp._display = probe

        async def main():
            app = HelpdeskApp(db_url=sys.argv[1], demo_on_empty=False)
            async with app.run_test(size=(80, 24)) as pilot:
                await app.store_ready.wait()
                await pilot.pause()
                seen["store_opened"] = app.store is not None and "sqlalchemy" in sys.modules
        asyncio.run(main())
        print(json.dumps(seen))
        """,
        str(tmp_path / "startup.db"),
    )
    assert json.loads(out) == {"first_paint": False, "store_opened": True}
