"""Bindings are declared with English descriptions and translated per instance, so the footer,
the help screen and the palette speak the language chosen at start-up (or in a test)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from helpdesk_tui.i18n import _


def translate_bindings(node: DOMNode) -> None:
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=_(b.description) if b.description else b.description,
                    tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            for b in bindings
        ]  # fmt: skip


class TranslatedBindings:
    """Mixin for screens and widgets: call translate_bindings after DOMNode.__init__."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        translate_bindings(self)  # type: ignore[arg-type]
