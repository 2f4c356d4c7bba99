"""The survey form (V2): one invitation's questions, answered with the keyboard.

Scales and single choices are RadioSets (arrows move, Enter or Space picks), free text is a
TextArea; Tab goes from question to question, Ctrl+S sends, Escape leaves (asking first when
something was answered). The store decides everything — required answers, the comment a low
score asks for, once only, only the requester, not after expiry — and a refused answer is shown
under its question, which gets the focus.

`PendingSurveys` is the "Answer survey" list of My tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import _, current_language
from helpdesk_tui.text import one_line, safe
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.surveys import InvitationView, Question


def _date(moment: Any) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


class QuestionBlock(Vertical):
    """One question: its text, its input, and the store's refusal under it."""

    DEFAULT_CSS = """
    QuestionBlock {
        height: auto;
        margin: 0 0 1 0;
        & .question-text { text-style: bold; width: 1fr; }
        & .question-legend { color: $text-muted; }
        & .question-error { color: $text-error; text-style: bold; display: none; }
        & .question-error.-shown { display: block; }
        & RadioSet.scale { layout: horizontal; width: auto; }
        & RadioSet.scale RadioButton { margin-right: 1; }
        & RadioSet { width: 1fr; }
        & TextArea { height: 5; }
        &.-refused RadioSet, &.-refused TextArea { border: tall $error; }
    }
    """

    def __init__(self, question: Question, lang: str) -> None:
        super().__init__(id=f"block-{question.key}", classes="question")
        self.question = question
        self.lang = lang

    def compose(self) -> ComposeResult:
        question = self.question
        mark = " *" if question.required else ""
        yield Label(Text.assemble(safe(question.label(self.lang)), mark), classes="question-text")
        if question.kind == "scale":
            from helpdesk_tui.store.surveys import SCALE, SCALE_LABELS

            yield RadioSet(*(RadioButton(str(n)) for n in SCALE), id=f"answer-{question.key}", classes="scale")
            yield Static(
                _("1 = {low} · 5 = {high}", low=_(SCALE_LABELS[1]), high=_(SCALE_LABELS[5])),
                classes="question-legend", markup=False,
            )  # fmt: skip
        elif question.kind == "choice":
            yield RadioSet(
                *(RadioButton(one_line(o.label(self.lang))) for o in question.options),
                id=f"answer-{question.key}",
            )
        else:
            yield TextArea(id=f"answer-{question.key}", soft_wrap=True, tab_behavior="focus")
        yield Static("", classes="question-error", markup=False)

    @property
    def input(self) -> Widget:
        return self.query_one(f"#answer-{self.question.key}")

    def value(self) -> Any:
        widget = self.input
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, RadioSet)
        index = widget.pressed_index
        if index < 0:
            return None
        if self.question.kind == "scale":
            return index + 1
        return self.question.options[index].key

    def show_error(self, message: str | None) -> None:
        line = self.query_one(".question-error", Static)
        line.update(message or "")
        line.set_class(bool(message), "-shown")
        self.set_class(bool(message), "-refused")


class SurveyScreen(TranslatedBindings, Screen[bool]):
    """Answer one survey. Dismisses with True once the store has the answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="survey.send", priority=True),
        Binding("escape", "leave", "Leave", id="survey.leave"),
    ]

    DEFAULT_CSS = """
    SurveyScreen {
        & #survey-title { height: auto; padding: 0 1; background: $panel; text-style: bold; }
        & #survey-intro { height: auto; padding: 0 1; color: $text-muted; }
        & #survey-error { height: auto; padding: 0 1; color: $text-error; background: $error-muted;
                          display: none; }
        & #survey-error.-shown { display: block; }
        & #survey-questions { height: 1fr; padding: 0 1; }
    }
    """

    def __init__(self, invitation: InvitationView) -> None:
        super().__init__()
        self.invitation = invitation
        self.lang = current_language()
        self.sending = False
        self.answered = False

    def compose(self) -> ComposeResult:
        invitation = self.invitation
        from helpdesk_tui.store.surveys import localized

        title = localized(invitation.form.title, self.lang) or _("Satisfaction survey")
        yield Static(
            Text.assemble(safe(title), " · ", invitation.number, " ", one_line(invitation.subject)),
            id="survey-title",
        )
        yield Static(
            _("Answer before {date}. * marks a required answer. Tab: next question; arrows and "
              "Space: choose; Ctrl+S: send; Escape: leave.", date=_date(invitation.expires_at)),
            id="survey-intro", markup=False,
        )  # fmt: skip
        yield Static("", id="survey-error", markup=False)
        with VerticalScroll(id="survey-questions"):
            for question in invitation.form.questions:
                yield QuestionBlock(question, self.lang)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = _("Answer survey")
        blocks = list(self.query(QuestionBlock))
        if blocks:
            blocks[0].input.focus()

    @property
    def blocks(self) -> list[QuestionBlock]:
        return list(self.query(QuestionBlock))

    def answers(self) -> dict[str, Any]:
        out = {}
        for block in self.blocks:
            value = block.value()
            if value is not None and value != "":
                out[block.question.key] = value
        return out

    def _has_answers(self) -> bool:
        return any(str(v).strip() for v in self.answers().values())

    # ------------------------------------------------------------------ send

    def action_send(self) -> None:
        if not self.sending and not self.answered:
            self.sending = True
            self.run_worker(self._send(), group="send", exclusive=True)

    async def _send(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError, ValidationFailed

        try:
            await self.app.store.surveys.answer(self.app.actor, self.invitation.ticket_id, self.answers())  # type: ignore[attr-defined]
        except ValidationFailed as refusal:
            self._show_refusal(refusal.field_messages(_))
            return
        except HelpdeskError as error:
            self._show_error(error.message(_))
            return
        finally:
            self.sending = False
        self.answered = True
        self.app.notify(_("Thank you: the survey of {number} is answered.", number=self.invitation.number))
        self.dismiss(True)

    def _show_refusal(self, messages: dict[str, str]) -> None:
        first: QuestionBlock | None = None
        for block in self.blocks:
            message = messages.get(block.question.key)
            block.show_error(message)
            if message and first is None:
                first = block
        unknown = [f"{k}: {m}" for k, m in messages.items() if k not in {b.question.key for b in self.blocks}]
        self._show_error("; ".join(unknown) or None)
        if first is not None:
            first.input.focus()
            first.scroll_visible(animate=False)

    def _show_error(self, message: str | None) -> None:
        line = self.query_one("#survey-error", Static)
        line.update(message or "")
        line.set_class(bool(message), "-shown")

    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    def _answer_changed(self, event: RadioSet.Changed | TextArea.Changed) -> None:
        widget = event.radio_set if isinstance(event, RadioSet.Changed) else event.text_area
        for block in self.blocks:
            if block.input is widget and block.has_class("-refused") and block.value() not in (None, ""):
                block.show_error(None)

    # ----------------------------------------------------------------- leave

    def action_leave(self) -> None:
        if not self._has_answers():
            self.dismiss(False)
            return
        from helpdesk_tui.screens.new_ticket import ChoiceDialog

        self.app.push_screen(
            ChoiceDialog(
                _("Leave the survey?"),
                _("Your answers have not been sent and will be lost."),
                [("stay", _("Keep answering"), "k"), ("leave", _("Leave"), "l")],
                escape="stay",
            ),
            self._leave_answer,
        )

    def _leave_answer(self, answer: str | None) -> None:
        if answer == "leave":
            self.dismiss(False)


async def open_survey(app: Any, ref: int | str, done: Callable[[bool | None], Any] | None = None) -> bool:
    """Open the survey of a ticket for the signed-in person; a refusal is shown as a
    notification (already answered, expired, somebody else's)."""
    from helpdesk_tui.store.errors import HelpdeskError

    try:
        invitation = await app.store.surveys.invitation(app.actor, ref)
    except HelpdeskError as error:
        app.show_error(error)
        return False
    app.push_screen(SurveyScreen(invitation), done)
    return True


class PendingSurveys(Vertical):
    """My tickets: the surveys waiting for this person (seed 004's "Contestar encuesta").
    Hidden when there are none; S (on the screen) or Enter (on the list) opens the form."""

    DEFAULT_CSS = """
    PendingSurveys {
        height: auto;
        display: none;
        padding: 0 1;
        &.-some { display: block; }
        & #pending-title { text-style: bold; color: $text-accent; }
        & OptionList { height: auto; max-height: 4; border: none; padding: 0; }
        & OptionList:focus { background-tint: $foreground 5%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.invitations: list[InvitationView] = []
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield Label("", id="pending-title")
        yield OptionList(id="pending-list")

    def reload(self) -> None:
        self.run_worker(self._load(), group="pending-surveys", exclusive=True)

    async def _load(self) -> None:
        app = self.app
        invitations = await app.store.surveys.pending(app.actor)  # type: ignore[attr-defined]
        self.invitations = invitations
        options = self.query_one("#pending-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for invitation in invitations:
            prompt = Text.assemble(
                (_("Answer survey"), "bold"), "  ", invitation.number, "  ",
                one_line(invitation.subject), "  ",
                (_("before {date}", date=_date(invitation.expires_at)), "dim"),
            )  # fmt: skip
            options.add_option(Option(prompt, id=str(invitation.ticket_id)))
        if invitations:
            options.highlighted = min(highlighted or 0, len(invitations) - 1)
        count = len(invitations)
        self.query_one("#pending-title", Label).update(
            _("1 survey waits for your answer (S to answer it):")
            if count == 1
            else _("{n} surveys wait for your answer (Tab to choose one, S or Enter to answer):", n=count)
        )
        self.set_class(bool(invitations), "-some")
        self.screen.refresh_bindings()
        self.loads += 1

    def open_highlighted(self) -> None:
        """The survey under the list's cursor (the newest one until another is chosen)."""
        options = self.query_one("#pending-list", OptionList)
        if options.highlighted is None or not self.invitations:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is not None:
            self.run_worker(open_survey(self.app, int(option.id)), group="open-survey", exclusive=True)

    @on(OptionList.OptionSelected, "#pending-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.run_worker(open_survey(self.app, int(event.option.id)), group="open-survey", exclusive=True)
