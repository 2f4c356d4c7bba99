"""`helpdesk survey ...`: templates, throttling, answering, results and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from helpdesk_tui.cli.survey import csv_cell
from tests.test_cli import (  # noqa: F401 - fixtures
    Run,
    as_json,
    clean_environment,
    hd,
    new_ticket,
    ok,
    org_template,
    refused,
)


def accepted(hd: Run, who: str = "carla") -> str:  # noqa: F811
    number = new_ticket(hd, who)["number"]
    ok(hd("--as", "sara", "ticket", "do", number, "assign", "--to", "ana"))
    ok(hd("--as", "ana", "ticket", "do", number, "start"))
    ok(hd("--as", "ana", "ticket", "do", number, "resolve", "--text", "Cambiado el router"))
    ok(hd("--as", who, "ticket", "do", number, "accept"))
    return number


def test_pending_and_answering_once(hd: Run) -> None:  # noqa: F811
    assert "no surveys waiting" in ok(hd("--as", "carla", "survey", "pending")).stdout
    number = accepted(hd)
    pending = as_json(hd("--as", "carla", "survey", "pending", "--json"))
    assert [p["ticket"] for p in pending] == [number] and pending[0]["status"] == "pending"
    assert number in ok(hd("--as", "carla", "survey", "pending")).stdout
    shown = ok(hd("--as", "carla", "survey", "show", number)).stdout
    assert "q1  [scale 1-5] *" in shown and "q2  [free text]" in shown
    refused(hd("--as", "carla", "survey", "answer", number, "--text", "q2=bien"), 1, "q1: this question needs an answer")
    refused(hd("--as", "carla", "survey", "answer", number, "--score", "q1=1"), 1, "q2: a score of 2 or less needs a comment")
    refused(hd("--as", "carla", "survey", "answer", number, "--score", "q1"), 2, "--score wants QUESTION=ANSWER")
    refused(hd("--as", "sara", "survey", "answer", number, "--score", "q1=5"), 1, "only the requester")
    refused(hd("--as", "gina", "survey", "answer", number, "--score", "q1=5"), 3, "not found")
    done = ok(hd("--as", "carla", "survey", "answer", number, "--score", "q1=1", "--text", "q2=Tardaron"))
    assert f"the survey of {number} is answered" in done.stdout
    refused(hd("--as", "carla", "survey", "answer", number, "--score", "q1=5"), 1, "already been answered")
    assert as_json(hd("--as", "carla", "survey", "pending", "--json")) == []


def test_answers_from_a_file(hd: Run, tmp_path: Path) -> None:  # noqa: F811
    number = accepted(hd)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"q1": 5, "q2": "Muy bien"}), encoding="utf-8")
    ok(hd("--as", "carla", "survey", "answer", number, "--answers-file", str(answers)))
    results = as_json(hd("--as", "sara", "survey", "results", "--json"))
    assert results["overall"] == {"key": "", "invited": 1, "answered": 1, "response_rate": 1.0, "satisfaction": 5.0, "scores": 1}
    assert [c["text"] for c in results["comments"]] == ["Muy bien"]


def test_results_need_the_permission_and_export_csv_safely(hd: Run, tmp_path: Path) -> None:  # noqa: F811
    number = accepted(hd)
    hostile = '=HYPERLINK("http://evil.example","clic")'
    ok(hd("--as", "carla", "survey", "answer", number, "--score", "q1=2", "--text", f"q2={hostile}"))
    refused(hd("--as", "ana", "survey", "results"), 1, "you may not see survey results")
    refused(hd("--as", "carla", "survey", "results"), 1, "you may not see survey results")
    text = ok(hd("--as", "sara", "survey", "results")).stdout
    assert "Surveys sent: 1; answered: 1 (100%); satisfaction: 2.00" in text
    assert "ana" in text and "Redes" in text
    out = tmp_path / "results.csv"
    assert "1 surveys written" in ok(hd("--as", "sara", "survey", "results", "--csv", str(out))).stdout
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["ticket", "requester", "agent", "area", "sent_at", "answered_at", "status", "satisfaction", "comments"]
    assert rows[1][0] == number and rows[1][1:4] == ["carla", "ana", "Redes"]
    assert rows[1][6:] == ["answered", "2.00", "'" + hostile]
    stdout = ok(hd("--as", "sara", "survey", "results", "--csv", "-")).stdout
    assert list(csv.reader(io.StringIO(stdout))) == rows
    later = ok(hd("--as", "sara", "survey", "results", "--from", "2999-01-01", "--csv", "-")).stdout
    assert list(csv.reader(io.StringIO(later))) == rows[:1]
    refused(hd("--as", "sara", "survey", "results", "--area", "Atlantis"), 3, "no such area")


def test_csv_cells_never_start_a_formula() -> None:
    assert [csv_cell(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "ok", None, 4.5)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", " x", "ok", "", "4.50"
    ]  # fmt: skip


def test_templates_from_toml_and_json(hd: Run, tmp_path: Path) -> None:  # noqa: F811
    toml = tmp_path / "vpn.toml"
    toml.write_text(
        'name = "vpn"\narea = "Redes"\ncategory = "VPN"\nlow_score = 2\nexpiry_days = 7\non_close = true\n'
        '[[questions]]\nkind = "scale"\ntext = { en = "Rate the VPN fix", es = "Califique" }\nrequired = true\n'
        '[[questions]]\nkind = "choice"\ntext = "Was it quick?"\noptions = ["Yes", "No"]\n'
        '[[questions]]\nkind = "text"\ntext = "Comments"\n',
        encoding="utf-8",
    )
    refused(hd("--as", "ana", "survey", "template", "add", str(toml)), 1, "you may not manage survey templates")
    assert "survey template vpn added" in ok(hd("--as", "sara", "survey", "template", "add", str(toml))).stdout
    listed = ok(hd("survey", "template", "list")).stdout  # the trusted local administrator
    assert "vpn" in listed and "area Redes / VPN" in listed and "default (built in)" in listed
    shown = ok(hd("--lang", "es", "survey", "template", "show", "vpn")).stdout
    assert "Califique" in shown and "q2" in shown and "yes: Yes" in shown
    number = accepted(hd)
    survey = as_json(hd("--as", "carla", "survey", "show", number, "--json"))
    assert survey["form"]["name"] == "vpn"
    ok(hd("--as", "carla", "survey", "answer", number, "--score", "q1=4", "--choice", "q2=no"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "area": "Redes", "questions": [{"kind": "poll", "text": "?"}]}), encoding="utf-8")
    refused(hd("survey", "template", "add", str(bad)), 1, "the kind must be one of")
    broken = tmp_path / "broken.toml"
    broken.write_text("name = ", encoding="utf-8")
    refused(hd("survey", "template", "add", str(broken)), 2, "cannot read")
    assert "retired" in ok(hd("survey", "template", "retire", "vpn")).stdout


def test_throttle_setting(hd: Run) -> None:  # noqa: F811
    assert "every 30 days" in ok(hd("survey", "throttle")).stdout
    assert "not throttled" in ok(hd("survey", "throttle", "0")).stdout
    refused(hd("survey", "throttle", "--", "-3"), 1, "days: give a number of days from 0 to 3650")
    refused(hd("--as", "carla", "survey", "throttle", "5"), 1, "you may not manage survey templates")
    first, second = accepted(hd), accepted(hd)
    assert {p["ticket"] for p in as_json(hd("--as", "carla", "survey", "pending", "--json"))} == {first, second}
