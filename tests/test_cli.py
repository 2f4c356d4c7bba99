"""The `helpdesk` command line: exit statuses, one-line refusals, JSON documents, trusted mode.

Most checks drive `main` in-process with click's CliRunner against a temp SQLite file; two run
the installed `helpdesk` script to see real exit statuses and standard error.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from helpdesk_tui import cli, i18n
from helpdesk_tui.store import open_store

TICKET_FIELDS = {
    "id", "number", "subject", "status", "type", "impact", "priority", "origin", "account",
    "requester", "contact", "assignee", "area", "category", "created_at", "updated_at", "version",
}  # fmt: skip
EVENT_FIELDS = {"at", "actor", "kind", "visibility", "text", "data"}
HOSTILE = "\x1b]52;c;aGk=\x07[/][@click=app.quit]x"


async def _build_org(path: Path) -> None:
    store = await open_store(str(path))
    cat = store.catalog
    await cat.add_area(None, "Redes", categories=["Wifi", "VPN"])
    await cat.add_area(None, "Mesa de ayuda", categories=["Impresoras"])
    await cat.add_user(None, "boss", role="admin")
    await cat.add_user(None, "sara", role="supervisor", areas=["Redes"])
    await cat.add_user(None, "ana", role="agent", areas=["Redes"])
    await cat.add_user(None, "luis", role="agent", areas=["Mesa de ayuda"])
    await cat.add_account(None, "Acme", environments=["Producción"], services=["ERP"])
    await cat.add_account(None, "Globex")
    await cat.add_user(None, "carla", role="customer", accounts=["Acme"])
    await cat.add_user(None, "pedro", role="customer", accounts=["Acme"])
    await cat.add_user(None, "gina", role="customer", accounts=["Globex"])
    await store.close()


def _copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-empty") / "helpdesk.db"

    async def migrate() -> None:
        await (await open_store(str(path))).close()

    asyncio.run(migrate())
    return path


@pytest.fixture(scope="session")
def org_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-org") / "helpdesk.db"
    asyncio.run(_build_org(path))
    return path


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in (
        "HELPDESK_DB", "HELPDESK_USER", "HELPDESK_ATTACHMENTS", "HELPDESK_NOW", "HELPDESK_SMTP",
        "HELPDESK_MAIL_FROM",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HELPDESK_LANG", "en")
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "no-config.toml"))
    # The OS login of whoever runs the tests must not turn into a help-desk user by accident.
    monkeypatch.setattr(cli, "_os_login", lambda: "nobody-in-this-help-desk")
    yield
    i18n.set_language("en")


class Run:
    """`helpdesk --db <copy> ARGS...` in-process; unexpected exceptions are raised, not hidden."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, now: str | None = None) -> Result:
        env = {"HELPDESK_NOW": now} if now else None  # the clock of this one command
        result = self.runner.invoke(cli.main, ["--db", str(self.db), *args], input=input, env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def hd(org_template: Path, tmp_path: Path) -> Run:
    """The command on a copy of a small organisation (no passwords)."""
    db = tmp_path / "helpdesk.db"
    _copy_db(org_template, db)
    return Run(db)


@pytest.fixture
def hd_empty(empty_template: Path, tmp_path: Path) -> Run:
    db = tmp_path / "helpdesk.db"
    _copy_db(empty_template, db)
    return Run(db)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def refused(result: Result, status: int, fragment: str) -> str:
    assert result.exit_code == status, (result.exit_code, result.stdout, result.stderr)
    reason = result.stderr.strip()
    assert "\n" not in reason and "Traceback" not in reason, reason
    assert fragment in reason, reason
    return reason


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def new_ticket(hd: Run, who: str = "carla", *extra: str, subject: str = "La VPN se cae") -> dict[str, Any]:
    return as_json(
        hd("--as", who, "ticket", "new", "--subject", subject, "--description",
           "Cada diez minutos.\nDesde el lunes.", "--area", "Redes", "--category", "VPN", *extra,
           "--json")
    )  # fmt: skip


def do(hd: Run, who: str, ticket: dict[str, Any], action: str, *extra: str) -> dict[str, Any]:
    return as_json(hd("--as", who, "ticket", "do", str(ticket["id"]), action, *extra, "--json"))


# ------------------------------------------------------------------------------ administration


def test_init_and_catalog_administration(hd_empty: Run) -> None:
    hd = hd_empty
    assert "ready" in ok(hd("init")).stdout
    assert "Redes" in ok(hd("area", "add", "Redes", "--category", "Wifi", "--category", "VPN")).stdout
    ok(hd("user", "add", "ana", "--role", "agent", "--name", "Ana Pérez", "--area", "Redes"))
    ok(hd("account", "add", "Acme", "--reporter-limit", "2", "--environment", "Producción",
          "--service", "ERP"))  # fmt: skip
    ok(hd("account", "add", "Globex", "--primary-agent", "ana"))
    ok(hd("user", "add", "carla", "--role", "customer", "--email", "carla@acme.example",
          "--account", "Acme", "--password-stdin", input="carla-secret\n"))  # fmt: skip
    ok(hd("user", "add", "pedro", "--role", "customer", "--account", "Acme"))
    # R4: a third reporter for Acme is refused, with a message that says what to do.
    reason = refused(hd("user", "add", "rosa", "--role", "customer", "--account", "Acme"), 1,
                     "Acme already has its 2 reporters")  # fmt: skip
    assert reason.startswith("account: ") and "raise the limit" in reason
    refused(hd("user", "add", "x", "--role", "customer", "--password-stdin", input="short\n"), 1,
            "password: at least 8 characters")  # fmt: skip
    refused(hd("user", "add", "y", "--role", "wizard"), 1, "role: unknown role: wizard")
    refused(hd("account", "add", "acme"), 1, "name: acme already exists")

    users = as_json(hd("user", "list", "--json"))
    assert [u["username"] for u in users] == ["ana", "carla", "pedro"]
    carla = users[1]
    assert set(carla) >= {"id", "username", "name", "email", "role", "accounts", "areas", "active"}
    assert carla["accounts"] == ["Acme"] and users[0]["areas"] == ["Redes"]
    listing = ok(hd("user", "list")).stdout
    assert "Ana Pérez" in listing and "carla@acme.example" in listing

    ok(hd("user", "grant", "carla", "ticket.view_account"))
    ok(hd("user", "revoke", "carla", "ticket.cancel"))
    refused(hd("user", "grant", "carla", "ticket.fly"), 1, "unknown permission: ticket.fly")
    refused(hd("user", "grant", "nadie", "ticket.view_account"), 3, "no such user: nadie")

    async def check_password() -> None:
        from helpdesk_tui.store.auth import login

        store = await open_store(str(hd.db))
        try:
            actor = await login(store.db, "carla", "carla-secret")
            assert actor.can("ticket.view_account") and not actor.can("ticket.cancel")
        finally:
            await store.close()

    asyncio.run(check_password())


def test_administration_needs_an_administrator(hd: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    refused(hd("--as", "carla", "account", "add", "Initech"), 1,
            "you need the permission admin.catalog")  # fmt: skip
    refused(hd("--as", "ana", "user", "add", "z", "--role", "agent"), 1,
            "you need the permission admin.users")  # fmt: skip
    refused(hd("--as", "carla", "user", "list"), 1, "you need the permission admin.users")
    ok(hd("--as", "boss", "area", "add", "Aplicaciones"))
    # The OS login maps to a help-desk user: then that user's rules apply, not the trusted admin.
    monkeypatch.setattr(cli, "_os_login", lambda: "carla")
    refused(hd("area", "add", "Otra"), 1, "you need the permission admin.catalog")


# ------------------------------------------------------------------------------ tickets


def test_ticket_new_list_show_json(hd: Run, tmp_path: Path) -> None:
    log = tmp_path / "vpn.log"
    log.write_text("IKE timeout\n")
    ticket = new_ticket(hd, "carla", "--environment", "Producción", "--service", "ERP",
                        "--type", "problem", "--impact", "high", "--attach", str(log))  # fmt: skip
    assert set(ticket) >= TICKET_FIELDS
    assert ticket["number"] == f"HD-{ticket['id']:06d}"
    assert ticket["status"] == "new" and ticket["origin"] == "cli"
    assert ticket["requester"] == "carla" and ticket["account"] == "Acme"
    assert (ticket["type"], ticket["impact"], ticket["priority"]) == ("problem", "high", "high")
    assert (ticket["area"], ticket["category"]) == ("Redes", "VPN")
    assert ticket["assignee"] is None and ticket["contact"] is None and ticket["version"] == 1

    listed = as_json(hd("--as", "carla", "ticket", "list", "--json"))
    assert [t["id"] for t in listed] == [ticket["id"]] and set(listed[0]) >= TICKET_FIELDS
    human = ok(hd("--as", "carla", "ticket", "list")).stdout
    assert ticket["number"] in human and "La VPN se cae" in human and "New" in human

    shown = as_json(hd("--as", "carla", "ticket", "show", ticket["number"], "--json"))
    assert set(shown) >= TICKET_FIELDS | {"events", "actions", "description"}
    assert shown["description"] == "Cada diez minutos.\nDesde el lunes."
    assert shown["environment"] == "Producción" and shown["service"] == "ERP"
    assert [e["kind"] for e in shown["events"]] == ["created"]
    assert set(shown["events"][0]) >= EVENT_FIELDS
    assert shown["events"][0]["actor"] == "carla"
    assert set(shown["actions"]) == {"close", "cancel"}
    assert [a["filename"] for a in shown["attachments"]] == ["vpn.log"]

    detail = ok(hd("--as", "sara", "ticket", "show", str(ticket["id"]))).stdout
    assert "La VPN se cae" in detail and "Desde el lunes." in detail and "vpn.log" in detail
    assert "Actions: assign, take" in detail

    # Staff open cases on behalf of a customer; the account's primary agent gets them (I4).
    on_behalf = new_ticket(hd, "sara", "--account", "Acme", "--contact", "pedro", "--priority", "urgent")
    assert on_behalf["contact"] == "pedro" and on_behalf["priority"] == "urgent"
    assert on_behalf["requester"] == "sara"


def test_ticket_list_limit_follows_pages(hd: Run) -> None:
    for n in range(3):
        new_ticket(hd, "carla", subject=f"Impresora {n}")
    assert len(as_json(hd("--as", "carla", "ticket", "list", "--limit", "2", "--json"))) == 2
    assert len(as_json(hd("--as", "carla", "ticket", "list", "--json"))) == 3
    open_ones = as_json(hd("--as", "carla", "ticket", "list", "--query", "is:open", "--json"))
    assert len(open_ones) == 3
    assert as_json(hd("--as", "gina", "ticket", "list", "--json")) == []
    assert "no tickets" in ok(hd("--as", "gina", "ticket", "list")).stdout


def test_whole_lifecycle_through_ticket_do(hd: Run) -> None:
    ticket = new_ticket(hd)
    t = do(hd, "sara", ticket, "assign", "--to", "ana")
    assert (t["status"], t["assignee"]) == ("assigned", "ana")
    assert do(hd, "ana", ticket, "start")["status"] == "in_progress"
    assert do(hd, "ana", ticket, "wait", "--text", "¿Desde qué red se conecta?")["status"] == "waiting"
    assert "comment added" in ok(hd("--as", "carla", "ticket", "comment", str(ticket["id"]),
                                    "--text", "Desde la casa, con Claro.")).stdout  # fmt: skip
    shown = as_json(hd("--as", "ana", "ticket", "show", str(ticket["id"]), "--json"))
    assert shown["status"] == "in_progress"  # the requester's answer resumed it
    assert do(hd, "ana", ticket, "resolve", "--text", "Se cambió el MTU.")["status"] == "resolved"
    assert do(hd, "carla", ticket, "reject", "--text", "Sigue fallando.")["status"] == "in_progress"
    assert do(hd, "ana", ticket, "resolve", "--text", "Firmware nuevo.")["status"] == "resolved"
    assert do(hd, "carla", ticket, "accept")["status"] == "closed"
    assert do(hd, "carla", ticket, "reopen", "--text", "Volvió a pasar.")["status"] == "in_progress"
    final = do(hd, "sara", ticket, "cancel", "--text", "Duplicado.")
    assert final["status"] == "cancelled"

    shown = as_json(hd("--as", "carla", "ticket", "show", str(ticket["id"]), "--json"))
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds == ["created", "assign", "start", "wait", "comment", "resume", "resolve",
                     "reject", "resolve", "accept", "reopen", "cancel"]  # fmt: skip
    assert shown["actions"] == [] and shown["version"] == final["version"]
    assert shown["events"][5]["actor"] == "system"

    other = new_ticket(hd, subject="Wifi lento")
    assert do(hd, "sara", other, "take")["assignee"] == "sara"
    human = ok(hd("--as", "sara", "ticket", "do", str(other["id"]), "start")).stdout
    assert human.strip() == f"{other['number']} is now In progress (assigned to sara)"
    assert do(hd, "carla", other, "close", "--text", "Ya funciona.")["status"] == "closed"


def test_refusals_exit_statuses(hd: Run) -> None:
    ticket = new_ticket(hd)
    ref = str(ticket["id"])
    do(hd, "sara", ticket, "assign", "--to", "ana")
    do(hd, "ana", ticket, "start")
    # missing text -> 1, the field named as the option to use
    refused(hd("--as", "ana", "ticket", "do", ref, "resolve"), 1, "text: write the resolution")
    refused(hd("--as", "sara", "ticket", "do", ref, "assign", "--to", "luis"), 1,
            "to: luis does not work in this area")  # fmt: skip
    do(hd, "ana", ticket, "resolve", "--text", "Listo.")
    # the lifecycle explains why not
    refused(hd("--as", "ana", "ticket", "do", ref, "reject", "--text", "no"), 1,
            "reject: only the requester or the contact may reject")  # fmt: skip
    refused(hd("--as", "carla", "ticket", "do", ref, "start"), 1,
            "start: not possible while the ticket is Resolved")  # fmt: skip
    refused(hd("--as", "carla", "ticket", "do", ref, "fly"), 1, "fly: no such action")
    # not found -> 3, also for tickets the actor may not see
    refused(hd("--as", "carla", "ticket", "show", "999"), 3, "ticket 999 not found")
    refused(hd("--as", "gina", "ticket", "show", ref), 3, f"ticket {ref} not found")
    refused(hd("--as", "gina", "ticket", "do", ref, "accept"), 3, "not found")
    # stale version -> 4
    refused(hd("--as", "carla", "ticket", "do", ref, "accept", "--if-version", "1"), 4,
            f"{ticket['number']} was changed by ana at")  # fmt: skip
    # bad query -> 1
    refused(hd("--as", "carla", "ticket", "list", "--query", "colour:blue"), 1,
            "unknown filter key: colour")  # fmt: skip
    # usage -> 2
    assert hd("--as", "carla", "ticket", "list", "--limit", "zero").exit_code == 2
    assert hd("ticket", "frobnicate").exit_code == 2
    refused(hd("ticket", "list"), 2, "say who you are with --as USER")
    # an unknown --as user is refused, not treated as nobody
    refused(hd("--as", "mallory", "ticket", "list"), 1, "no such user: mallory")


def test_spanish_errors_with_lang_es(hd: Run) -> None:
    ticket = new_ticket(hd)
    ref = str(ticket["id"])
    refused(hd("--lang", "es", "--as", "carla", "ticket", "do", ref, "start"), 1,
            "start: no es posible mientras el ticket está Registrado")  # fmt: skip
    do(hd, "sara", ticket, "assign", "--to", "ana")
    do(hd, "ana", ticket, "start")
    refused(hd("--lang", "es", "--as", "ana", "ticket", "do", ref, "resolve"), 1,
            "text: escriba la solución")  # fmt: skip
    do(hd, "ana", ticket, "resolve", "--text", "Listo.")
    refused(hd("--lang", "es", "--as", "ana", "ticket", "do", ref, "accept"), 1,
            "accept: solo el solicitante o el contacto puede aceptar")  # fmt: skip
    refused(hd("--lang", "es", "--as", "carla", "ticket", "show", "4242"), 3,
            "no se encontró el ticket 4242")  # fmt: skip
    refused(hd("--lang", "es", "ticket", "list"), 2, "diga quién es con --as USUARIO")
    shown = ok(hd("--lang", "es", "--as", "carla", "ticket", "show", ref)).stdout
    assert "Estado:" in shown and "Resuelto" in shown and "Bitácora:" in shown
    # and back to English without --lang
    refused(hd("--as", "carla", "ticket", "show", "4242"), 3, "ticket 4242 not found")


def test_hostile_text_is_shown_literally(hd: Run) -> None:
    ticket = new_ticket(hd, subject=HOSTILE)
    ok(hd("--as", "boss", "user", "add", "eve", "--role", "customer", "--account", "Globex",
          "--name", "Eve\x1b[2J", "--email", "eve@\x1b]8;;http://x\x07globex.example"))  # fmt: skip
    outputs = [
        ok(hd("--as", "carla", "ticket", "list")).stdout,
        ok(hd("--as", "carla", "ticket", "show", str(ticket["id"]))).stdout,
        ok(hd("user", "list")).stdout,
        ok(hd("user", "list", "--json")).stdout,
        ok(hd("--as", "carla", "ticket", "list", "--json")).stdout,
    ]
    for text in outputs:
        assert "\x1b" not in text and "\x07" not in text
    assert "[/][@click=app.quit]x" in outputs[0] and "[/][@click=app.quit]x" in outputs[1]
    assert "eve@globex.example" in outputs[2]
    assert json.loads(outputs[4])[0]["subject"] == "[/][@click=app.quit]x"


def test_customers_never_see_internal_notes(hd: Run, tmp_path: Path) -> None:
    ticket = new_ticket(hd)
    ref = str(ticket["id"])
    do(hd, "sara", ticket, "assign", "--to", "ana")
    secret = tmp_path / "secret.txt"
    secret.write_text("root password\n")
    out = ok(hd("--as", "ana", "ticket", "comment", ref, "--text", "Clave en la bóveda.",
                "--internal", "--attach", str(secret))).stdout  # fmt: skip
    assert "internal note added" in out
    ok(hd("--as", "ana", "ticket", "comment", ref, "--text", "Estamos revisando."))

    staff = as_json(hd("--as", "ana", "ticket", "show", ref, "--json"))
    assert [e["visibility"] for e in staff["events"] if e["kind"] == "comment"] == ["internal", "public"]
    assert len(staff["attachments"]) == 1
    customer = as_json(hd("--as", "carla", "ticket", "show", ref, "--json"))
    assert all(e["visibility"] == "public" for e in customer["events"])
    assert "Clave en la bóveda." not in json.dumps(customer, ensure_ascii=False)
    assert customer["attachments"] == []
    assert "bóveda" not in ok(hd("--as", "carla", "ticket", "show", ref)).stdout
    attachment_id = str(staff["attachments"][0]["id"])
    refused(hd("--as", "carla", "ticket", "attachment", ref, attachment_id), 3, "not found")
    refused(hd("--as", "carla", "ticket", "comment", ref, "--text", "x", "--internal"), 1,
            "only staff may write internal notes")  # fmt: skip
    refused(hd("--as", "carla", "ticket", "comment", ref), 1, "write a comment or attach a file")


def test_attachment_saved_back_out(hd: Run, tmp_path: Path) -> None:
    shot = tmp_path / "pantallazo.png"
    shot.write_bytes(b"\x89PNG fake")
    ticket = new_ticket(hd, "carla", "--attach", str(shot))
    ref = str(ticket["id"])
    shown = as_json(hd("--as", "carla", "ticket", "show", ref, "--json"))
    attachment = str(shown["attachments"][0]["id"])
    out = tmp_path / "out"
    out.mkdir()
    ok(hd("--as", "carla", "ticket", "attachment", ref, attachment, "--output", str(out)))
    assert (out / "pantallazo.png").read_bytes() == b"\x89PNG fake"
    refused(hd("--as", "carla", "ticket", "attachment", ref, attachment, "--output", str(out)), 1,
            "already exists")  # fmt: skip
    ok(hd("--as", "carla", "ticket", "attachment", ref, attachment, "-o", str(out), "--force"))
    assert ok(hd("--as", "carla", "ticket", "attachment", ref, attachment, "-o", "-")).stdout_bytes == b"\x89PNG fake"
    other = new_ticket(hd, "pedro")
    refused(hd("--as", "pedro", "ticket", "attachment", str(other["id"]), attachment), 3, "not found")


def test_trusted_mode_from_environment_and_os_login(hd: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    new_ticket(hd, "carla")
    monkeypatch.setenv("HELPDESK_USER", "carla")
    assert len(as_json(hd("ticket", "list", "--json"))) == 1
    monkeypatch.delenv("HELPDESK_USER")
    monkeypatch.setattr(cli, "_os_login", lambda: "gina")
    assert as_json(hd("ticket", "list", "--json")) == []
    # --as wins over both
    assert len(as_json(hd("--as", "carla", "ticket", "list", "--json"))) == 1


def test_init_demo_is_idempotent(hd_empty: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpdesk_tui.store import demo

    monkeypatch.setattr(demo, "load_demo", partial(demo.load_demo, tickets=14))
    assert ok(hd_empty("init", "--demo")).stdout.strip() == "demo organisation loaded: 14 tickets"
    assert ok(hd_empty("init", "--demo")).stdout.strip() == "the demo organisation is already here"
    assert len(as_json(hd_empty("--as", "admin", "ticket", "list", "--json"))) == 14
    refused(hd_empty("--as", "pmoreno", "init", "--demo"), 1, "admin.catalog")


def test_no_command_opens_the_console(hd: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import helpdesk_tui.app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(helpdesk_tui.app, "run_console", lambda **kw: calls.append(kw) or 0)
    ok(hd("--lang", "es", "--as", "carla", "--mouse"))
    (options,) = calls
    assert set(options) == {"settings", "db_url", "lang", "as_user", "mouse", "demo"}
    assert options["lang"] == "es" and options["as_user"] == "carla"
    assert options["mouse"] is True and options["demo"] is False
    assert options["db_url"].endswith("helpdesk.db")


# ------------------------------------------------------------------------------ the installed script


def _script() -> str:
    found = shutil.which("helpdesk", path=str(Path(sys.executable).parent))
    assert found, "the helpdesk script is not installed next to this Python (run `make test`)"
    return found


def test_installed_script_exit_statuses(org_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.db"
    _copy_db(org_template, db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(HELPDESK_LANG="en", HELPDESK_CONFIG=str(tmp_path / "none.toml"), USER="nobody-here",
               LOGNAME="nobody-here")  # fmt: skip
    script = _script()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, "--db", str(db), *args], capture_output=True, text=True,
                              env=env, timeout=60)  # fmt: skip

    missing = run("--as", "carla", "ticket", "show", "77")
    assert missing.returncode == 3
    assert missing.stderr == "ticket 77 not found\n" and missing.stdout == ""
    nobody = run("ticket", "list")
    assert nobody.returncode == 2 and nobody.stderr == "say who you are with --as USER\n"
    ticket = new_ticket(Run(db), "carla")
    denied = run("--as", "carla", "ticket", "do", str(ticket["id"]), "assign", "--to", "ana")
    assert denied.returncode == 1
    assert denied.stderr == "assign: only a supervisor of the ticket's area or an admin may assign\n"


def test_os_login_is_the_trusted_mode_of_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """`helpdesk --os-login` (for SSH ForceCommand) opens the console as the OS login's user."""
    seen = {}

    def fake_console(**options):
        seen.update(options)
        return 0

    import helpdesk_tui.app

    monkeypatch.setattr(helpdesk_tui.app, "run_console", fake_console)
    monkeypatch.setattr(cli, "_os_login", lambda: "sofia")
    result = CliRunner().invoke(cli.main, ["--db", "sqlite:////nonexistent/x.db", "--os-login"])
    assert result.exit_code == 0, result.output
    assert seen["as_user"] == "sofia"
