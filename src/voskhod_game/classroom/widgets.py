"""Textual pieces the teacher screen and the terminal student share.

They render the protocol's typed messages (``messages.py``), so the projector and a
student's terminal draw the same thing from the same ``StateMessage``.
The TUI package's meter widget had not landed when this was written; ``Meters``
is a small stand-in with the same ok/warn/critical colours.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Static

from ..engine.views import state_word
from ..i18n import N_, _
from ..present.reference import GLOSSARY_TITLE, NO_GLOSSARY, NO_NOTES, NOTES_TITLE
from ..present.text import reflow
from ..story.markup import runs
from .messages import ChoiceInfo, MeterInfo, RoundInfo, StateMessage

SOURCE = N_("Source: {source}")
STATE_STYLES = {"ok": "green", "warn": "yellow", "critical": "bold red"}
BAR_WIDTH = 18


class PlainTextApp(App[int]):
    """An app whose notifications are plain text: they carry nicknames, paths and server messages.

    Textual reads ``[...]`` in a notification as markup, so a student called ``[/]``
    would crash the projector and ``[@click=app.quit]`` would put a quit link on it."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def story_text(text: str) -> Text:
    """Story markup (``*em*``, ``**strong**``) as Rich text, reflowed to the widget's width."""
    out = Text()
    for style, chunk in runs(reflow(text)):
        out.append(chunk, style={"em": "italic", "strong": "bold"}.get(style, ""))
    return out


def bar(fraction: float, width: int, style: str) -> Text:
    filled = max(0, min(width, round(fraction * width)))
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "grey37"))


class Meters(Static):
    """The meters of a ``state`` message: label, bar, value; colour by state."""

    def show(self, meters: list[MeterInfo]) -> None:
        width = max((len(m.label) for m in meters), default=0)
        lines = []
        for m in meters:
            style = STATE_STYLES.get(m.state, "")
            line = Text(m.label.ljust(width) + "  ")
            line.append_text(bar(float(m.fraction), BAR_WIDTH, style))
            line.append(f"  {m.display}", style=style)
            if m.state != "ok":
                line.append(f"  {state_word(m.state)}", style=style)
            lines.append(line)
        self.update(Group(*lines))


class Tally(Static):
    """A round's votes as a bar chart, from a ``state`` message's ``round``.

    While a vote runs: the live counts, or only how many voted when the tally is
    hidden (the projector is what the class sees). Once it closes: the whole split
    with the winner marked, kept until the next vote opens."""

    def show(self, rnd: RoundInfo | None, choices: list[ChoiceInfo]) -> None:
        if rnd is None:
            self.update(Group())
            return
        lines: list[Text] = []
        if rnd.summary:
            lines.append(Text(rnd.summary, style="bold"))
        if rnd.counts is None:
            hidden = _("Votes are hidden until the vote closes ({turnout}).").format(turnout=rnd.turnout)
            lines.append(Text(hidden, style="italic"))
            self.update(Group(*lines))
            return
        live = rnd.status in ("open", "paused", "closed")  # still this beat: the keys are its numbers
        numbers = {c.id: c.number for c in choices} if live else {}
        counts = rnd.counts
        total = sum(counts.values())
        top = max(counts.values(), default=0)
        for choice in rnd.choices:
            n = counts.get(choice, 0)
            won = choice == rnd.winner
            style = "bold green" if won else ("bold" if n == top and n else "")
            number = f"{numbers[choice]}. " if choice in numbers else ""
            line = Text(number + rnd.labels.get(choice, choice), style=style)
            if won:
                line.append("  ✔", style="bold green")
            lines.append(line)
            count = Text("   ")
            count.append_text(bar(n / total if total else 0, 24, "green" if won else "cyan"))
            count.append(f" {n:>3}", style=style)
            lines.append(count)
        self.update(Group(*lines))


def cost_text(choice: ChoiceInfo) -> str:
    """``13 min 13 s, risky``: what a choice costs, beside its label."""
    return _("{cost}, risky").format(cost=choice.cost) if choice.risky else choice.cost


def round_line(c: dict[str, Any]) -> str:
    """``Round 2: Open the hatch 3, Wait 2 (won by 1 vote)``: one of the closest votes."""
    return _("Round {round}: {split} ({close})").format(round=c["round"], split=c["split"], close=c["close"])


def class_and_real(row: dict[str, Any]) -> str:
    """A debrief row: what the class did beside the record."""
    return _("{label}: class {yours}, real {real}").format(label=row["label"], yours=row["yours"], real=row["real"])


def choice_lines(choices: list[ChoiceInfo]) -> Group:
    """The choices before a vote opens, with the reason a disabled one cannot be taken."""
    lines = []
    for c in choices:
        line = Text(f"{c.number}. {c.label}", style="" if c.enabled else "dim")
        if c.minutes:
            line.append(f"  ({cost_text(c)})", style="dim")
        if not c.enabled and c.reason:
            line.append(f"  — {c.reason}", style="dim italic")
        lines.append(line)
    return Group(*lines)


def countdown_text(ms: int, paused: bool = False) -> str:
    seconds = (max(0, ms) + 999) // 1000
    return f"{'⏸ ' if paused else ''}{seconds // 60}:{seconds % 60:02d}"


def qr_text(data: str) -> Text:
    """A QR code in half-block characters, dark modules on a light square (phones need the contrast)."""
    import segno

    rows = [list(row) for row in segno.make(data, error="m").matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    out = Text(no_wrap=True)
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        for a, b in zip(top, bottom, strict=True):
            out.append({(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}[(a, b)], style="black on white")
        out.append("\n")
    out.rstrip()
    return out


def show_story(screen: DOMNode, state: StateMessage) -> None:
    """Show a state message's story part (where, meters, text) in ``#where``, ``Meters`` and ``#text``.

    The projector and the terminal student draw the same story from the same message.
    """
    scene = state.scene
    where = _("Scene {number} of {count}: {title}").format(number=scene.number, count=scene.count, title=scene.title)
    screen.query_one("#where", Static).update(Text(f"{where}   {state.clock}"))
    screen.query_one(Meters).show(state.meters)
    text = story_text(state.text)
    if state.basis:  # how true the passage is, under its title
        text = Text.assemble((state.basis + "\n", "dim italic"), text)
    if state.heading:
        text = Text.assemble((state.heading + "\n", "bold"), "" if state.basis else "\n", text)
    screen.query_one("#text", Static).update(text)


def summary_lines(debrief: dict[str, Any]) -> list[Text]:
    """The story's summary of the run, which leads the class debrief (nothing when it has none)."""
    summary = debrief.get("summary")
    if not summary:
        return []
    return [Text(summary["heading"], style="bold underline"), *(Text(f"  • {p}") for p in summary["points"]), Text("")]


def question_lines(debrief: dict[str, Any]) -> list[Text]:
    """What to talk about: each played scene's history questions, then the session's questions."""
    lines: list[Text] = []
    groups = debrief.get("scene_questions", ())
    for group in groups:
        lines.append(Text(f"  {group['scene']}", style="bold"))
        lines += [Text(f"    • {q}") for q in group["questions"]]
    if groups:
        lines.append(Text("  " + _("After the session"), style="bold"))
    indent = "    " if groups else "  "
    lines += [Text(f"{indent}• {q}") for q in debrief.get("questions", ())]
    return lines


def fact_lines(debrief: dict[str, Any]) -> list[Text]:
    """The facts behind the passages played, with their sources, then the sources with their reliability."""
    if not debrief.get("facts") and not debrief.get("sources"):
        return []
    lines = [Text(""), Text(debrief["facts_title"], style="bold underline")]
    for fact in debrief["facts"]:
        lines.append(Text(f"  • {fact['text']}"))
        if fact["source"]:
            lines.append(Text("    " + _(SOURCE).format(source=fact["source"]), style="italic"))
    if debrief["sources"]:
        lines.append(Text("  " + _("Sources"), style="bold"))
        for source in debrief["sources"]:
            lines.append(Text(f"  • {source['citation']}"))
            if source["reliability"]:
                lines.append(Text(f"    {source['reliability']}", style="italic"))
    return lines


def notes_renderable(state: StateMessage) -> Text:
    """The passage's history notes from a ``state`` message: how true it is, the note, the facts."""
    notes = state.notes
    out = Text()
    if not notes or state.ending is not None:
        out.append(_(NO_NOTES), style="italic")
        return out
    if notes.get("basis"):
        out.append(notes["basis"], style="bold")
        out.append(f" — {notes.get('meaning', '')}")
    if notes.get("note"):
        if out:
            out.append("\n\n")
        out.append_text(story_text(notes["note"]))
    for fact in notes.get("facts", ()):
        out.append("\n• " if out else "• ")
        out.append(fact["text"])
        if fact.get("source"):
            out.append("\n  ")
            out.append(_(SOURCE).format(source=fact["source"]), style="italic")
    return out


def glossary_renderable(state: StateMessage) -> Text:
    """The glossary from a ``state`` message, the passage's own terms first."""
    out = Text()
    if not state.glossary:
        out.append(_(NO_GLOSSARY), style="italic")
        return out
    for i, section in enumerate(state.glossary):
        if i:
            out.append("\n\n")
        out.append(section["heading"], style="bold underline")
        for term in section["terms"]:
            out.append("\n")
            out.append(term["term"], style="bold")
            out.append(": ")
            out.append_text(story_text(term["definition"]))
    return out


class ReadingScreen(ModalScreen[None]):
    """The history notes or the glossary over the projector or a student's terminal, during play.

    Drawn from the ``state`` message (the same data the phone page opens), so all
    three read alike; any of the keys that open it, or Esc, closes it."""

    DEFAULT_CSS = """
    ReadingScreen { align: center middle; }
    ReadingScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,n,g,q", "close", _("Close"))]

    def __init__(self, state: StateMessage, part: str) -> None:
        super().__init__()
        self.state = state
        self.part = part  # "notes" or "glossary"

    def compose(self) -> ComposeResult:
        notes = self.part == "notes"
        heading = (self.state.notes or {}).get("title") if notes else None  # in the reader's language
        title = Text(heading or _(NOTES_TITLE if notes else GLOSSARY_TITLE), style="bold")
        body = notes_renderable(self.state) if notes else glossary_renderable(self.state)
        with VerticalScroll(id="reading-box"):
            yield Static(Group(title, Text(""), body), id="reading-text")

    def action_close(self) -> None:
        self.dismiss(None)


def open_reading(app: App[Any], state: StateMessage | None, part: str) -> None:
    """Open the notes or the glossary over ``app`` (nothing to open before the first state)."""
    if state is None:
        return
    if isinstance(app.screen, ReadingScreen):
        app.screen.dismiss(None)
        return
    app.push_screen(ReadingScreen(state, part))
