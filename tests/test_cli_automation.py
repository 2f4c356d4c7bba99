"""The automation and service-level commands: `automation run` with HELPDESK_NOW moved forward,
`worker` (passes, SIGTERM), `sla calendar|policy set|list`, `account set`, `area set`, and
`ticket new --work-window` (S3)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import Run, clean_environment, ok  # noqa: F401 - fixture

# Wednesday 4 March 2026 10:00 Bogotá; resolved Thursday 5 March 15:00 Bogotá. Three business
# days of the seed's calendar (Saturday mornings open): Fri, Sat, Mon -> Mon 9 March 15:00.
CREATED = "2026-03-04T10:00:00-05:00"
RESOLVED = "2026-03-05T15:00:00-05:00"
CLOSES = "2026-03-09T15:00:00-05:00"
MINUTE_BEFORE = "2026-03-09T14:59:00-05:00"


@pytest.fixture
def hd(tmp_path: Path) -> Run:
    run = Run(tmp_path / "helpdesk.db")
    for args in (
        ("area", "add", "Redes", "--category", "VPN"),
        ("area", "add", "Mesa", "--category", "Impresoras"),
        ("user", "add", "boss", "--role", "admin"),
        ("user", "add", "sara", "--role", "supervisor", "--area", "Redes"),
        ("user", "add", "ana", "--role", "agent", "--area", "Redes"),
        ("account", "add", "Acme"),
        ("user", "add", "carla", "--role", "customer", "--account", "Acme"),
    ):
        ok(run(*args))
    return run


def resolved_ticket(hd: Run) -> str:
    row = json.loads(ok(hd("--as", "carla", "ticket", "new", "--subject", "La VPN se cae",
                           "--description", "Cada diez minutos", "--area", "Redes", "--json",
                           now=CREATED)).stdout)  # fmt: skip
    number = row["number"]
    ok(hd("--as", "sara", "ticket", "do", number, "assign", "--to", "ana", now=CREATED))
    ok(hd("--as", "ana", "ticket", "do", number, "start", now=CREATED))
    ok(hd("--as", "ana", "ticket", "do", number, "resolve", "--text", "Cambiado el túnel", now=RESOLVED))
    return number


def status(hd: Run, number: str) -> dict[str, Any]:
    return json.loads(ok(hd("--as", "boss", "ticket", "show", number, "--json")).stdout)


def test_automation_run_closes_exactly_after_three_business_days(hd: Run) -> None:
    number = resolved_ticket(hd)
    early = json.loads(ok(hd("automation", "run", "--json", now=MINUTE_BEFORE)).stdout)
    assert early["auto_closed"] == 0
    assert status(hd, number)["status"] == "resolved"
    report = json.loads(ok(hd("automation", "run", "--json", now=CLOSES)).stdout)
    assert report["auto_closed"] == 1
    shown = status(hd, number)
    assert shown["status"] == "closed"
    close = shown["events"][-1]
    assert (close["kind"], close["actor"]) == ("close", "system")
    assert close["data"]["reason"] == "silence" and close["data"]["business_days"] == 3
    again = json.loads(ok(hd("automation", "run", "--json", now=CLOSES)).stdout)
    assert again["auto_closed"] == 0


def test_the_bitacora_says_why_in_the_readers_language(hd: Run) -> None:
    number = resolved_ticket(hd)
    ok(hd("automation", "run", now=CLOSES))
    spanish = ok(hd("--lang", "es", "--as", "carla", "ticket", "show", number)).stdout
    assert "Sin respuesta del solicitante durante 3 días hábiles." in spanish
    english = ok(hd("--as", "carla", "ticket", "show", number)).stdout
    assert "No answer from the requester for 3 business days." in english


def test_automation_run_prints_its_counters(hd: Run) -> None:
    resolved_ticket(hd)
    out = ok(hd("automation", "run", now=CLOSES)).stdout
    assert "tickets acted on after silence: 1" in out
    assert "SLA breaches notified:" in out


def test_account_set_changes_the_days_and_only_admins_may(hd: Run) -> None:
    refused = hd("--as", "sara", "account", "set", "Acme", "--auto-close-days", "1")
    assert refused.exit_code == 1
    assert "only an administrator may change service levels" in refused.stderr
    ok(hd("--as", "boss", "account", "set", "Acme", "--auto-close-days", "5"))
    number = resolved_ticket(hd)
    ok(hd("automation", "run", now=CLOSES))
    assert status(hd, number)["status"] == "resolved"  # five days now, not three
    shown = json.loads(ok(hd("sla", "show", "--json")).stdout)
    assert shown["accounts"][0]["auto_close_days"] == 5
    assert hd("account", "set", "Acme").exit_code == 2  # nothing to change


def test_calendars_and_policies_from_the_command_line(hd: Run, tmp_path: Path) -> None:
    ok(hd("sla", "calendar", "set", "madrid", "--timezone", "Europe/Madrid", "--country", "ES",
          "--hours", "mon-fri=09:00-14:00,15:00-18:00", "--holiday", "2026-12-24"))  # fmt: skip
    calendars = json.loads(ok(hd("sla", "calendar", "list", "--json")).stdout)
    madrid = next(c for c in calendars if c["name"] == "madrid")
    assert madrid["weekly"]["mon"] == [["09:00", "14:00"], ["15:00", "18:00"]]
    assert "sat" not in madrid["weekly"] and madrid["custom_holidays"] == ["2026-12-24"]
    bad = hd("sla", "calendar", "set", "mars", "--timezone", "Mars/Olympus")
    assert bad.exit_code == 1 and "calendar" in bad.stderr
    ok(hd("sla", "policy", "set", "gold", "--target", "normal=60/480", "--warning", "0.5"))
    policies = json.loads(ok(hd("sla", "policy", "list", "--json")).stdout)
    gold = next(p for p in policies if p["name"] == "gold")
    assert gold["targets"]["normal"] == {"response": 60, "resolution": 480}
    assert gold["warning_ratio"] == 0.5
    ok(hd("account", "set", "Acme", "--policy", "gold"))
    ok(hd("area", "set", "Redes", "--calendar", "madrid", "--lifecycle", "standard"))
    refused = hd("area", "set", "Redes", "--lifecycle", "chaos")
    assert refused.exit_code == 1 and "no such lifecycle" in refused.stderr
    row = json.loads(ok(hd("--as", "carla", "ticket", "new", "--subject", "s", "--description", "d",
                           "--area", "Redes", "--json", now=CREATED)).stdout)  # fmt: skip
    sla = status(hd, row["number"])["sla"]
    assert (sla["calendar"], sla["policy"]) == ("madrid", "gold")
    # Wed 16:00 Madrid + 60 business minutes = 17:00 Madrid = 16:00 UTC.
    assert sla["response"]["due_at"] == "2026-03-04T16:00:00+00:00"


def test_work_window_outside_hours_needs_three_business_days(hd: Run) -> None:
    base = ("--as", "carla", "ticket", "new", "--subject", "Cambio de equipo", "--description",
            "De noche", "--area", "Redes")  # fmt: skip
    refused = hd(*base, "--work-window", "2026-03-05T20:00..2026-03-05T23:00", now=CREATED)
    assert refused.exit_code == 1
    assert "the first allowed start is 2026-03-07 20:00 (America/Bogota)" in refused.stderr
    made = json.loads(ok(hd(*base, "--work-window", "2026-03-07T20:00..2026-03-07T23:00", "--json", now=CREATED)).stdout)
    shown = status(hd, made["number"])
    # Read on the ticket's calendar (Bogotá, UTC-5) and kept in UTC.
    assert shown["work_window"] == {"start": "2026-03-08T01:00:00+00:00", "end": "2026-03-08T04:00:00+00:00"}
    assert "Work window:" in ok(hd("--as", "carla", "ticket", "show", made["number"])).stdout
    garbled = hd(*base, "--work-window", "tomorrow night", now=CREATED)
    assert garbled.exit_code == 2 and "START..END" in garbled.stderr


def test_worker_runs_the_passes_asked_for(hd: Run) -> None:
    number = resolved_ticket(hd)
    out = ok(hd("worker", "--interval", "0.1", "--passes", "2", now=CLOSES)).stdout
    assert "worker stopped after 2 passes" in out
    assert "pass 1:" in out and "pass 2:" not in out  # only passes that did something print
    assert status(hd, number)["status"] == "closed"


def test_worker_stops_cleanly_on_sigterm(hd: Run) -> None:
    script = Path(sys.executable).with_name("helpdesk")
    assert script.exists(), script
    env = {**os.environ, "HELPDESK_DB": str(hd.db), "HELPDESK_LANG": "en"}
    env.pop("HELPDESK_NOW", None)
    worker = subprocess.Popen(
        [str(script), "worker", "--interval", "0.2"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        ready, _, _ = select.select([worker.stdout], [], [], 60)  # bounded wait for the start
        assert ready, "the worker did not start"
        assert "worker started" in worker.stdout.readline()
        time.sleep(0.5)  # a few passes
        assert worker.poll() is None
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    assert worker.returncode == 0, err
    assert "worker stopped after" in out
