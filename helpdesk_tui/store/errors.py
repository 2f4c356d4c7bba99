"""Domain errors: a stable code, an English message id and its parameters.

The message is translated where it is shown (command line or screen), so the store never needs
to know the reader's language.
"""

from __future__ import annotations

from typing import Any


class HelpdeskError(Exception):
    code = "error"
    exit_status = 1

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params

    def message(self, translate: Any = None) -> str:
        template = translate(self.msgid) if translate else self.msgid
        return template.format(**{k: _param(v, translate) for k, v in self.params.items()})


def _param(value: Any, translate: Any) -> Any:
    if isinstance(value, Label) and translate:
        return translate(value.msgid)
    return value


class Label(str):
    """A parameter that is itself a message id (e.g. a state name) and gets translated too."""

    @property
    def msgid(self) -> str:
        return str(self)


class NotPermitted(HelpdeskError):
    code = "not_permitted"


class InvalidTransition(HelpdeskError):
    code = "invalid_transition"


class ValidationFailed(HelpdeskError):
    """Field -> message id. Every bad field is reported at once so the form can mark them all."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]] | str]) -> None:
        self.errors = {
            field: (err, {}) if isinstance(err, str) else err for field, err in errors.items()
        }
        first_field, (msgid, params) = next(iter(self.errors.items()))
        super().__init__("{field}: " + msgid, field=first_field, **params)

    def message(self, translate: Any = None) -> str:
        return "; ".join(f"{field}: {text}" for field, text in self.field_messages(translate).items())

    def field_messages(self, translate: Any = None) -> dict[str, str]:
        out = {}
        for field, (msgid, params) in self.errors.items():
            template = translate(msgid) if translate else msgid
            out[field] = template.format(**params)
        return out


class Conflict(HelpdeskError):
    code = "conflict"
    exit_status = 4


class NotFound(HelpdeskError):
    code = "not_found"
    exit_status = 3


class QueryError(HelpdeskError):
    """A filter that cannot be understood; `position` points at the offending term."""

    code = "bad_query"

    def __init__(self, msgid: str, position: int = 0, **params: Any) -> None:
        super().__init__(msgid, **params)
        self.position = position
