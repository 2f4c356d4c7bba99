"""`helpdesk outbox list` and `helpdesk outbox retry` (issue 6 item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update

from helpdesk_tui import cli
from helpdesk_tui.config import Settings
from helpdesk_tui.mail.delivery import deliver_due
from helpdesk_tui.store import open_store
from helpdesk_tui.store.models import OutboxMessage
from tests.conftest import build_org, run_in_thread
from tests.test_cli import clean_environment  # noqa: F401 - fixture
from tests.mail.conftest import give_addresses
from tests.mail.smtp_server import free_port
from tests.store.helpers import new_ticket, ticket_in

HOSTILE = "\x1b]52;c;aGk=\x07[/][@click=app.quit]x"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A help desk with one dead message (ana's), one failed (diego's) and one queued (sara's)."""
    path = tmp_path / "helpdesk.db"

    async def build() -> None:
        store = await open_store(str(path))
        try:
            org = await build_org(store)
            await give_addresses(org)
            await ticket_in(org, "assigned")  # ana
            other = await new_ticket(org, area="Service desk")
            await store.tickets.act(org.admin, other, "assign", to="diego")
            down = Settings(smtp_url=f"smtp://127.0.0.1:{free_port()}", smtp_timeout=5, mail_max_attempts=1)
            await deliver_due(store, down)
            async with store.db.write() as session:
                await session.execute(
                    update(OutboxMessage).where(OutboxMessage.to_address == "diego@example.test")
                    .values(state="failed", last_code=451, last_error=HOSTILE)
                )  # fmt: skip
            third = await new_ticket(org)
            await store.tickets.act(org.admin, third, "assign", to="sara")
        finally:
            await store.close()

    run_in_thread(build)
    return path


def run(db: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli.main, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_list_shows_what_is_not_sent_with_errors_literally(db: Path) -> None:
    result = run(db, "--as", "root", "outbox", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATE", "TICKET"]
    assert lines[1].split()[1] == "Dead" and "ana@example.test" in lines[1]
    assert "Failed" in lines[3] and "diego@example.test" in lines[3]
    assert "last error: 451 [/][@click=app.quit]x" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Queued" in result.stdout and "sara@example.test" in result.stdout


def test_list_json_and_state_filter(db: Path) -> None:
    result = run(db, "outbox", "list", "--state", "dead", "--state", "failed", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [(m["state"], m["to"]) for m in document] == [("dead", "ana@example.test"), ("failed", "diego@example.test")]
    assert document[1]["last_code"] == 451 and document[1]["attempts"] == 1
    assert document[0]["message_id"].startswith("<hd-ev")
    # A supervisor sees the messages of her area's tickets only.
    mine = json.loads(run(db, "--as", "sara", "outbox", "list", "--json").stdout)
    assert {m["to"] for m in mine} == {"ana@example.test", "sara@example.test"}


def test_retry_one_and_all(db: Path) -> None:
    dead = json.loads(run(db, "outbox", "list", "--state", "dead", "--json").stdout)[0]
    result = run(db, "--as", "root", "outbox", "retry", str(dead["id"]))
    assert result.exit_code == 0 and f"message {dead['id']} queued again" in result.stdout
    result = run(db, "--as", "root", "outbox", "retry", "--all")
    assert result.exit_code == 0 and "1 message queued again" in result.stdout
    states = {m["state"] for m in json.loads(run(db, "outbox", "list", "--json").stdout)}
    assert states == {"queued"}


def test_refusals(db: Path) -> None:
    result = run(db, "--as", "ana", "outbox", "list")
    assert result.exit_code == 1 and "outbox.view" in result.stderr
    assert run(db, "--as", "root", "outbox", "retry").exit_code == 2
    assert run(db, "--as", "root", "outbox", "retry", "99", "--all").exit_code == 2
    result = run(db, "--as", "root", "outbox", "retry", "999")
    assert result.exit_code == 3 and "message 999 not found" in result.stderr
    queued = json.loads(run(db, "outbox", "list", "--state", "queued", "--json").stdout)[0]
    # A queued message may be retried (made due now); a sent one may not.
    assert run(db, "outbox", "retry", str(queued["id"])).exit_code == 0


def test_the_commands_settings_shape_the_messages_they_write(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "helpdesk.toml"
    config.write_text('lang = "es"\nmail_from = "Soporte <soporte@corp.example>"\n', encoding="utf-8")
    created = run(db, "--as", "sara", "ticket", "new", "--subject", "Sin red", "--description", "x", "--account", "Acme", "--area", "Networks", "--json")
    assert created.exit_code == 0, created.stderr
    number = json.loads(created.stdout)["number"]
    assigned = run(db, "--config", str(config), "--as", "sara", "ticket", "do", number, "assign", "--to", "pedro")
    assert assigned.exit_code == 1  # pedro is a customer: refused, nothing written
    assert run(db, "--config", str(config), "--as", "sara", "ticket", "do", number, "assign", "--to", "ana").exit_code == 0
    (message,) = [m for m in json.loads(run(db, "outbox", "list", "--json").stdout) if m["ticket"] == number]
    assert message["message_id"].endswith("@corp.example>")
    # ana chose English herself; the configured default (Spanish) is for people who chose none.
    assert message["lang"] == "en" and message["subject"].startswith(f"[{number}] Assigned to you")


def test_automation_run_delivers_the_outbox(db: Path, smtp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_SMTP", smtp.url)
    monkeypatch.setenv("HELPDESK_MAIL_FROM", "soporte@helpdesk.example")
    result = run(db, "automation", "run", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    # The queued one goes; the failed one waits for its back-off, the dead one for a person.
    assert report["sent"] == 1
    assert [m.to for m in smtp.received] == ["sara@example.test"]
    states = {m["to"]: m["state"] for m in json.loads(run(db, "outbox", "list", "--state", "sent", "--state", "failed", "--state", "dead", "--json").stdout)}
    assert states == {"ana@example.test": "dead", "diego@example.test": "failed", "sara@example.test": "sent"}
