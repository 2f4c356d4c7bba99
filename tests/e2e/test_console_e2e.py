"""End to end: the installed `helpdesk` command in a real terminal (tmux, 80x24), driven by
keys like a person, on a demo database.

A customer opens a case; a supervisor filters the queue and assigns it; the agent starts and
resolves it; the customer rejects the resolution with a reason; the agent resolves again; the
customer accepts.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, helpdesk_env

pytestmark = pytest.mark.e2e
HELPDESK = shutil.which("helpdesk", path=str(Path(sys.executable).parent))
SUBJECT = "Impresora del consultorio 7 no imprime"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert HELPDESK, "the helpdesk command is not installed next to this Python"
    path = tmp_path_factory.mktemp("e2e") / "helpdesk.db"
    env = helpdesk_env(str(path))
    done = subprocess.run([HELPDESK, "init", "--demo"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return path


class Session:
    """One person at the console."""

    def __init__(self, db: Path, *args: str) -> None:
        self.term = Terminal(80, 24)
        self.term.start([HELPDESK, *args], helpdesk_env(str(db)))

    def __enter__(self) -> Terminal:
        return self.term

    def __exit__(self, *exc: object) -> None:
        try:
            self.term.keys("C-q")
            self.term.wait_for("[exited]", timeout=10)
        finally:
            self.term.close()


def state_of(db: Path, ticket_id: int, expected: str | None = None, timeout: float = 10.0) -> str:
    """The ticket's state in the database; with `expected`, waits (bounded) for it to get there:
    the screen can show a word like "In progress" (in the bitácora) before the commit lands."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db) as conn:
            state = conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket_id,)).fetchone()[0]
        if expected is None or state == expected or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def open_ticket(term: Terminal, number: str) -> None:
    term.keys(":")
    term.type(f"t {number}")
    term.keys("Enter")
    term.wait_for(f"{number}  ")


def resolve(term: Terminal, text: str) -> None:
    term.keys("v")
    term.wait_for("The resolution")
    term.type(text)
    term.keys("C-s")
    # The toast, not the word "Resolved" (an earlier resolution in the bitácora shows it too):
    # leaving before the store took the change would lose it.
    term.wait_for("is now Resolved")


def test_a_case_from_opening_to_acceptance(demo_db: Path) -> None:
    # The customer signs in with the demo password and opens a case from My tickets.
    with Session(demo_db) as term:
        term.wait_for("Sign in")
        term.type("dlopez")
        term.keys("Tab")
        term.type("helpdesk-demo")
        term.keys("Enter")
        term.wait_for("My tickets")
        term.keys("n")
        term.wait_for("0/200")
        term.type(SUBJECT)
        term.keys("Tab")
        term.type("Sale una hoja en blanco y luego se detiene.")
        term.keys("Tab", "Enter", "Down", "Down", "Enter")  # Area: Mesa de ayuda
        term.keys("Tab", "Enter", "Down", "Down", "Down", "Enter")  # Category: Impresoras
        term.keys("C-s")
        screen = term.wait_for(" created")
        number = re.search(r"(HD-\d{6}) created", screen).group(1)
    ticket_id = int(number[3:])
    assert state_of(demo_db, ticket_id, "new") == "new"

    # The supervisor of the area filters the queue and assigns it to an agent.
    with Session(demo_db, "--as", "andres") as term:
        term.wait_for("Filter")
        term.keys("/")
        term.type("consultorio impresora")
        term.keys("Enter")
        term.wait_for("1/1")
        term.keys("a")
        term.wait_for("Assign 1 ticket to")
        term.type("julian")
        term.keys("Enter")
        term.wait_for("Assign 1 ticket to julian?")
        term.keys("y")
        term.wait_for("1 applied, 0 skipped")
        term.keys("Escape")
    assert state_of(demo_db, ticket_id, "assigned") == "assigned"

    # The agent starts and resolves it.
    with Session(demo_db, "--as", "julian") as term:
        term.wait_for("Filter")
        open_ticket(term, number)
        term.keys("s")
        term.wait_for("In progress")
        resolve(term, "Cambiado el fusor de la impresora.")
    assert state_of(demo_db, ticket_id, "resolved") == "resolved"

    # The customer rejects the resolution: the button waits for a reason.
    with Session(demo_db, "--as", "dlopez") as term:
        term.wait_for("My tickets")
        open_ticket(term, number)
        term.wait_for("Cambiado el fusor")
        term.keys("x")
        term.wait_for("Reject")
        term.keys("C-s")  # nothing typed yet: refused, the dialog stays
        term.wait_for("Required")
        term.type("Sigue saliendo la hoja en blanco.")
        term.keys("C-s")
        term.wait_for("is now In progress")
    assert state_of(demo_db, ticket_id, "in_progress") == "in_progress"

    with Session(demo_db, "--as", "julian") as term:
        term.wait_for("Filter")
        open_ticket(term, number)
        term.wait_for("Sigue saliendo")
        resolve(term, "Reemplazado el rodillo de arrastre.")
    assert state_of(demo_db, ticket_id, "resolved") == "resolved"

    with Session(demo_db, "--as", "dlopez") as term:
        term.wait_for("My tickets")
        open_ticket(term, number)
        term.wait_for("Reemplazado el rodillo")
        term.keys("y")
        term.wait_for("is now Closed")
    assert state_of(demo_db, ticket_id, "closed") == "closed"
