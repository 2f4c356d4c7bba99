"""The five-stage lifecycle from the command line: `ticket check`, `ticket plan propose|approve|
reject`, the lifecycle's own actions through the generic `ticket do`, and `ticket show --json`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from helpdesk_tui.store import open_store
from tests.store.stage_helpers import use_lifecycle
from tests.test_cli import (  # noqa: F401 - fixtures
    Run,
    _copy_db,
    as_json,
    clean_environment,
    new_ticket,
    ok,
    org_template,
    refused,
)


@pytest.fixture
def hd(org_template: Path, tmp_path: Path) -> Run:  # noqa: F811
    """The small organisation with the Redes area on the five-stage lifecycle."""
    db = tmp_path / "helpdesk.db"
    _copy_db(org_template, db)

    async def five_stage() -> None:
        store = await open_store(str(db))
        try:
            await use_lifecycle(store, "five_stage", area="Redes")
        finally:
            await store.close()

    asyncio.run(five_stage())
    return Run(db)


def in_analysis(hd: Run) -> str:
    number = new_ticket(hd)["number"]
    ok(hd("--as", "sara", "ticket", "do", number, "assign", "--to", "ana"))
    assert "is now Analysis" in ok(hd("--as", "ana", "ticket", "do", number, "start")).stdout
    return number


def test_the_whole_way_on_the_command_line(hd: Run) -> None:
    created = new_ticket(hd)
    assert created["status"] == "opened"
    number = created["number"]
    ok(hd("--as", "sara", "ticket", "do", number, "assign", "--to", "ana"))
    ok(hd("--as", "ana", "ticket", "do", number, "start"))
    out = ok(hd("--as", "ana", "ticket", "check", number, "identification", "--note", "usuario y hora")).stdout
    assert out.strip() == f"{number}: Identification: done (1 of 4 done)"
    for item in ("validation", "structure", "alarm_type"):
        ok(hd("--as", "ana", "ticket", "check", number, item))
    proposed = ok(hd("--as", "ana", "ticket", "plan", "propose", number, "--objective", "Estabilizar la VPN",
                     "--activity", "2026-12-01 Revisar el concentrador", "--activity", "2026-12-02 Actualizar"))
    assert proposed.stdout.splitlines() == [
        f"work plan proposed for {number}", "  Objective: Estabilizar la VPN",
        "  2026-12-01  Revisar el concentrador", "  2026-12-02  Actualizar",
    ]  # fmt: skip
    assert "approved" in ok(hd("--as", "carla", "ticket", "plan", "approve", number, "--text", "Adelante")).stdout
    assert "is now Solution" in ok(hd("--as", "ana", "ticket", "do", number, "solve")).stdout
    ok(hd("--as", "ana", "ticket", "do", number, "resolve", "--text", "Firmware actualizado"))
    document = as_json(hd("--as", "carla", "ticket", "show", number, "--json"))
    assert document["status"] == "testing"
    assert set(document["actions"]) >= {"accept", "reject"}
    assert document["stages"]["plan"]["status"] == "approved"
    assert document["stages"]["checklist"] == []  # internal: staff only
    assert document["sla"]["resolution"]["state"] == "paused"
    assert "is now Closed" in ok(hd("--as", "carla", "ticket", "do", number, "accept")).stdout


def test_refusals_are_one_line_with_the_reason(hd: Run) -> None:
    number = in_analysis(hd)
    refused(hd("--as", "carla", "ticket", "check", number, "validation"), 1, "only staff of the ticket's area")
    refused(hd("--as", "ana", "ticket", "do", number, "solve"), 1, "checklist is not complete (0 of 4 items)")
    ok(hd("--as", "ana", "ticket", "plan", "propose", number, "--objective", "X", "--activity", "2026-12-01 Y"))
    refused(hd("--as", "pedro", "ticket", "plan", "approve", number), 3, "not found")
    refused(hd("--as", "ana", "ticket", "plan", "approve", number), 1, "only the requester or the contact")
    refused(hd("--as", "carla", "ticket", "plan", "reject", number), 1, "write why the work plan is rejected")
    refused(hd("--as", "ana", "ticket", "plan", "propose", number, "--objective", "X", "--activity", "mañana Y"),
            1, "activities: write each activity as a date and a text")
    bad_item = hd("--as", "ana", "ticket", "check", number, "nonsense")
    assert bad_item.exit_code == 2


def test_undo_and_json(hd: Run) -> None:
    number = in_analysis(hd)
    ok(hd("--as", "ana", "ticket", "check", number, "structure"))
    document = as_json(hd("--as", "ana", "ticket", "check", number, "structure", "--undo", "--json"))
    assert document["checklist_done"] == 0
    entry = next(c for c in document["checklist"] if c["item"] == "structure")
    assert entry["done"] is False and entry["by"] == "ana"
    rejected = as_json(hd("--as", "ana", "ticket", "plan", "propose", number, "--objective", "X",
                          "--activity", "2026-12-01 Y", "--json"))
    assert rejected["status"] == "proposed" and rejected["activities"] == [{"date": "2026-12-01", "text": "Y"}]
    decided = as_json(hd("--as", "carla", "ticket", "plan", "reject", number, "--text", "No", "--json"))
    assert (decided["status"], decided["comment"], decided["decided_by"]) == ("rejected", "No", "carla")


def test_spanish_messages(hd: Run) -> None:
    number = in_analysis(hd)
    out = ok(hd("--lang", "es", "--as", "ana", "ticket", "check", number, "alarm_type")).stdout
    assert out.strip() == f"{number}: Tipo de alarma: hecho (1 de 4 hechos)"
    refused(hd("--lang", "es", "--as", "ana", "ticket", "do", number, "solve"), 1,
            "la lista de verificación del análisis no está completa (1 de 4 elementos)")


def test_show_prints_the_checklist_and_the_plan(hd: Run) -> None:
    number = in_analysis(hd)
    ok(hd("--as", "ana", "ticket", "check", number, "validation", "--note", "replicado"))
    ok(hd("--as", "ana", "ticket", "plan", "propose", number, "--objective", "Estabilizar", "--activity", "2026-12-01 Revisar"))
    staff = ok(hd("--as", "ana", "ticket", "show", number)).stdout
    assert "Checklist 1/4:\n  [ ] Identification\n  [x] Validation  replicado\n" in staff
    assert "Work plan: waiting for the customer\n  Objective: Estabilizar\n  2026-12-01  Revisar\n" in staff
    customer = ok(hd("--as", "carla", "ticket", "show", number)).stdout
    assert "Checklist 1/4:\n\nWork plan" in customer  # the items themselves are internal
    standard = as_json(hd("--as", "carla", "ticket", "new", "--subject", "Impresora", "--description", "No imprime",
                          "--area", "Mesa de ayuda", "--json"))["number"]
    assert "Checklist" not in ok(hd("--as", "carla", "ticket", "show", standard)).stdout
