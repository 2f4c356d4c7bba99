"""X4: every user-facing string has a Spanish translation.

The English message ids are found in the source: literals passed to `_()`, binding
descriptions, and the messages of the store's domain errors (raised with a literal first
argument, or given as field messages to ValidationFailed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import helpdesk_tui
from helpdesk_tui.i18n import catalogue

PACKAGE = Path(helpdesk_tui.__file__).parent
ERRORS = {
    "HelpdeskError", "NotPermitted", "InvalidTransition", "Conflict", "NotFound", "QueryError",
    "LoginRefused", "Locked",
}  # fmt: skip


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_errors_item(target: ast.AST) -> bool:
    """`errors["field"] = ...`: a field message collected for ValidationFailed."""
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == "errors"
    )


def message_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if "locale" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_errors_item(node.targets[0]):
                text = _literal(node.value) or (
                    _literal(node.value.elts[0]) if isinstance(node.value, ast.Tuple) else None
                )
                if text:
                    found[text] = f"{path.name}:{node.lineno}"
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _call_name(node)
            first = _literal(node.args[0])
            if name in ("_", "N_", "error", *ERRORS) and first:
                found[first] = f"{path.name}:{node.lineno}"
            if name == "Binding" and len(node.args) >= 3 and _literal(node.args[2]):
                found[_literal(node.args[2])] = f"{path.name}:{node.lineno}"
            if name == "ValidationFailed" and isinstance(node.args[0], ast.Dict):
                for value in node.args[0].values:
                    text = _literal(value) or (
                        _literal(value.elts[0]) if isinstance(value, ast.Tuple) and value.elts else None
                    )
                    if text:
                        found[text] = f"{path.name}:{node.lineno}"
    return found


def test_message_ids_are_found() -> None:
    ids = message_ids()
    assert "reject: only the requester or the contact may reject" in ids
    assert len(ids) > 40


def test_every_message_has_spanish() -> None:
    spanish = catalogue("es")
    missing = {msgid: where for msgid, where in message_ids().items() if msgid not in spanish}
    assert missing == {}


def test_spanish_keeps_the_placeholders() -> None:
    import string

    for msgid, text in catalogue("es").items():
        fields = {f for _, f, _, _ in string.Formatter().parse(msgid) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(text) if f}, msgid


def test_catalogue_parts_never_disagree() -> None:
    """The Spanish is split by part of the program; one msgid must read the same everywhere."""
    import importlib
    import pkgutil

    import helpdesk_tui.locale.es as es

    seen: dict[str, tuple[str, str]] = {}
    for part in pkgutil.iter_modules(es.__path__):
        for msgid, text in importlib.import_module(f"{es.__name__}.{part.name}").MESSAGES.items():
            if msgid in seen:
                assert seen[msgid][1] == text, (msgid, seen[msgid][0], part.name)
            seen[msgid] = (part.name, text)
