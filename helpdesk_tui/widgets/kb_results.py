"""Knowledge-base pieces shared by the KB screen, the solution picker and the case form's
suggestions: a search result as safe Content with its matched words highlighted, a list of
results, and a Markdown view for untrusted article bodies.

Everything shown here comes from other people. Titles and snippets become `Content` built
literally (never markup), and the highlights are styles applied to spans the store computed.
Article bodies go to Textual's `Markdown` with links switched off: a link shows its address and
opens nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import on
from textual.content import Content
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import _
from helpdesk_tui.text import strip_controls

if TYPE_CHECKING:
    from helpdesk_tui.store.kb import SearchHit

HIGHLIGHT = "bold underline"


def marked(text: str, spans: Sequence[tuple[int, int]], style: str = "") -> Content:
    """Untrusted text as literal Content, the spans highlighted. Spans are dropped if cleaning
    the text changed it (they would point at the wrong characters)."""
    cleaned = strip_controls(text or "", single_line=True)
    content = Content(cleaned)
    if style:
        content = content.stylize(style)
    if cleaned != text:
        return content
    for start, end in spans:
        if 0 <= start < end <= len(cleaned):
            content = content.stylize(HIGHLIGHT, start, end)
    return content


def hit_prompt(hit: SearchHit, *, snippet: bool = True) -> Content:
    """Title (matches highlighted), area and visibility; then the snippet on a second line."""
    parts: list[Any] = [marked(hit.title, hit.title_spans, "bold")]
    if hit.area:
        parts.extend(["  ", marked(hit.area, (), "dim")])
    if hit.visibility == "internal":
        parts.extend(["  ", Content(_("internal article")).stylize("italic")])
    if snippet and hit.snippet:
        parts.extend(["\n", marked(hit.snippet, hit.snippet_spans, "dim")])
    return Content.assemble(*parts)


class KbResultList(OptionList):
    """Search results; each option's id is the article id."""

    DEFAULT_CSS = """
    KbResultList { height: 1fr; }
    """

    def __init__(self, *, snippets: bool = True, id: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id, compact=compact)
        self.snippets = snippets
        self.hits: tuple[SearchHit, ...] = ()

    def show_hits(self, hits: Sequence[SearchHit], *, keep: bool = False) -> None:
        """Replace the results and highlight the best one; with `keep` (the same search again),
        the highlighted article stays highlighted while it is still there."""
        option = self.highlighted_option
        previous = option.id if keep and option is not None else None
        self.hits = tuple(hits)
        self.set_options([Option(hit_prompt(h, snippet=self.snippets), id=str(h.id)) for h in self.hits])
        if self.hits:
            ids = [str(h.id) for h in self.hits]
            self.highlighted = ids.index(previous) if previous in ids else 0

    @property
    def current_id(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id else None


class ArticleMarkdown(Markdown):
    """An untrusted Markdown body: links open nothing (the address is shown instead)."""

    def __init__(self, markdown: str | None = None, *, id: str | None = None) -> None:
        super().__init__(safe_markdown(markdown or ""), id=id, open_links=False)

    async def show(self, markdown: str) -> None:
        await self.update(safe_markdown(markdown))

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        address = strip_controls(event.href, single_line=True)[:300]
        self.notify(_("Link (not opened): {address}", address=address), markup=False)


def safe_markdown(text: str) -> str:
    """Markdown without control characters (the store already removed them; once more for
    anything that did not come through it)."""
    return strip_controls(text)
