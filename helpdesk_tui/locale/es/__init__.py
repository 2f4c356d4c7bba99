"""Spanish catalogue: English message id -> Spanish text, one module per part of the program,
merged here."""

import importlib
import pkgutil

MESSAGES: dict[str, str] = {}
for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    MESSAGES.update(importlib.import_module(f"{__name__}.{_module.name}").MESSAGES)
