"""Line mode: the game as plain lines on stdin and stdout.

For screen readers, pipes, scripts and tests. Each turn prints the beat, one
status line with every meter and its state, and numbered choices; a line of
input chooses or runs a command. End of input ends the game cleanly (the game
is autosaved after every choice, so nothing is lost).
"""

from __future__ import annotations

import os
import select
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from .engine.debrief import build_debrief
from .engine.game import Game, GameError
from .engine.saves import Autosaver, SaveError, SaveStore
from .engine.views import ChoiceResult, View
from .gcpause import collector_paused
from .i18n import N_, _, ngettext
from .line_input import NotAChoice, choice_word, clean, lenient, shorten
from .present.choices import choice_line
from .present.debrief import debrief_rows
from .present.durations import format_elapsed
from .present.events import announcements
from .present.meters import meter_detail, state_word, status_parts
from .present.reference import (
    FACTS_CITED,
    FACTS_TITLE,
    GLOSSARY_TITLE,
    NO_FACTS,
    NO_GLOSSARY,
    NO_NOTES,
    NOTES_TITLE,
    SOURCES_TITLE,
    FactRow,
    SourceRow,
    basis_label,
    closest_terms,
    fact_rows,
    find_term,
    glossary_sections,
    has_notes,
    notes_of,
    source_rows,
)
from .present.saves import autosave_notice, autosave_state
from .present.text import wrapped
from .story.model import Story

if TYPE_CHECKING:
    from .watch import StoryWatcher

HELP = N_("""\
Commands:
  1, 2, 3 ...   take that choice
  save NAME     save the game in slot NAME
  load NAME     load slot NAME (or `load autosave`)
  saves         list save slots
  undo          take back the last choice
  status        show the meters and the mission clock
  look          show the current beat again
  notes         the history notes of this passage: how true it is, the facts and their sources
  glossary      the words a reader may not know, this passage's first
  define WORD   what a word of the glossary means
  facts         the facts behind the passages played so far, and the sources
  log           show the mission log
  new           start a new game
  help          this list
  quit          leave (the game is autosaved after every choice)""")

# The commands in English, and the word for each in the player's language (both are understood).
COMMAND_WORDS = {
    "quit": N_("quit"),
    "exit": N_("exit"),
    "help": N_("help"),
    "save": N_("save"),
    "load": N_("load"),
    "saves": N_("saves"),
    "undo": N_("undo"),
    "status": N_("status"),
    "look": N_("look"),
    "log": N_("log"),
    "new": N_("new"),
    "notes": N_("notes"),
    "glossary": N_("glossary"),
    "define": N_("define"),
    "facts": N_("facts"),
}


def command_named(word: str) -> str:
    """The English command a typed word names, in English or the current language; "" if none."""
    word = word.lower()
    if word in COMMAND_WORDS:
        return word
    return next((command for command, said in COMMAND_WORDS.items() if _(said).lower() == word), "")


_STYLES = {"critical": "\x1b[1;31m", "warn": "\x1b[33m", "bold": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


@dataclass
class LineGame:
    """One line-mode session: a story, a save store, a game, and two streams."""

    story: Story
    store: SaveStore
    out: TextIO = field(default_factory=lambda: sys.stdout)
    seed: int | None = None
    colour: bool = False
    width: int = 80
    game: Game | None = None
    autosaver: Autosaver = field(init=False)
    _last_scene: str = ""

    def __post_init__(self) -> None:
        self.autosaver = Autosaver(self.store)

    def style(self, kind: str, text: str) -> str:
        return f"{_STYLES[kind]}{text}{_RESET}" if self.colour and kind in _STYLES else text

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def para(self, text: str, indent: str = "") -> None:
        for block in wrapped(text, self.width, indent):
            self.say(block)
            self.say()

    # -- showing -------------------------------------------------------------
    def status_line(self, view: View) -> str:
        return " | ".join(
            self.style(state, text) if state_word(state) else text for text, state in status_parts(view.meters)
        )

    def show(self) -> None:
        assert self.game is not None
        view = self.game.view()
        if view.ending is not None:
            self.show_ending()
            return
        if view.scene_id != self._last_scene:
            self._last_scene = view.scene_id
            heading = _("== Scene {number}/{count}: {title} ==").format(
                number=view.scene_number, count=view.scene_count, title=view.scene_title
            )
            self.say(self.style("bold", heading))
            self.say()
        if view.title:
            self.say(self.style("bold", view.title))
        tag = self.notes_tag(view)
        if tag:
            self.say(self.style("dim", tag))
        if view.title or tag:
            self.say()
        self.para(view.text)
        if view.terms:
            terms = ", ".join(view.terms)
            hint = _("Glossary: {terms} (type `{define}` and a word).").format(
                terms=terms, define=_(COMMAND_WORDS["define"])
            )
            self.say(self.style("dim", hint))
            self.say()
        status = self.status_line(view)
        if status:
            self.say(status)
        self.say(_("Mission clock {clock}").format(clock=view.clock.line()))
        self.say()
        for c in view.choices:
            line = choice_line(c)
            self.say("  " + line.text if line.enabled else self.style("dim", "  " + line.text))
        self.say()

    def show_result(self, result: ChoiceResult) -> None:
        if result.result_text:
            self.para(result.result_text)
        told = announcements(result.events)
        for a in told:
            self.say(self.style(a.state if a.state in _STYLES else "bold", a.line))
        if told:
            self.say()

    def show_ending(self) -> None:
        assert self.game is not None
        d = build_debrief(self.game)
        rows = debrief_rows(d, self.game.story)
        self.say(self.style("bold", _("== THE END: {title} ({kind}) ==").format(title=rows.title, kind=rows.kind)))
        self.say()
        self.para(d.ending.text)
        self.say(self.style("bold", _("Debrief")))
        self.say()
        if rows.points:
            self.say(f"{rows.points_heading}:")
            for point in rows.points:
                for block in wrapped(point, self.width - 4):
                    self.say("  - " + block.replace("\n", "\n    "))
            self.say()
        if d.ending.debrief:
            self.para(d.ending.debrief)
        if rows.comparisons:
            self.say(f"{rows.comparison_heading}:")
            for c in rows.comparisons:
                self.say(
                    "  "
                    + _("{label}: you {yours}, {reference_label} {reference}").format(
                        label=c.label, yours=c.yours, reference_label=rows.reference_label, reference=c.reference
                    )
                )
                if c.note:
                    for block in wrapped(f"({c.note})", self.width, "      "):
                        self.say(block)
            self.say()
        if rows.timeline:
            self.say(_("Timeline (yours / real, {zone}):").format(zone=rows.zone))
            for t in rows.timeline:
                self.say(f"  {t.label}: {t.yours} / {t.reference} ({t.difference})")
            self.say()
        self.say(f"{rows.summary}.")
        if rows.facts or rows.sources:
            self.say(_("Type `facts` for the full fact list with its sources."))
        self.say(_("Type `new` to play again, `undo` to step back, or `quit`."))
        self.say()

    def show_status(self) -> None:
        assert self.game is not None
        view = self.game.view()
        for m in view.visible_meters:
            self.say(f"  {meter_detail(m)}")
        self.say("  " + _("Mission clock {clock}").format(clock=view.clock.line()))
        self.say()

    # -- acting --------------------------------------------------------------
    def start(self, load: str | None = None) -> bool:
        if load:
            if not self.load(load):
                return False
        else:
            self.game = Game.new(self.story, self.seed)
            if self.story.intro:
                self.say(self.style("bold", self.story.title))
                self.say()
                self.para(self.game.render(self.story.intro))
        self.show()
        return True

    def load(self, slot: str) -> bool:
        try:
            loaded = self.store.load(slot, self.story)
        except SaveError as exc:
            self.say(_("Cannot load: {problem}").format(problem=exc))
            return False
        self.game = loaded.game
        self._last_scene = ""
        self.say(_("Loaded “{slot}”.").format(slot=loaded.info.slot))
        for warning in loaded.warnings:
            self.say(_("Note: {warning}.").format(warning=warning))
        self.say()
        return True

    def autosave(self) -> None:
        assert self.game is not None
        notice = autosave_notice(self.autosaver.save(self.game), self.autosaver)
        if notice:
            self.say(self.style("warn", f"! {notice}"))

    def handle(self, line: str) -> bool:
        """Act on one input line; False when the player quits."""
        assert self.game is not None
        line = clean(line)
        words = line.split(maxsplit=1)
        if not words:
            return True
        command, arg = command_named(words[0]), (words[1].strip() if len(words) > 1 else "")
        actions: dict[str, Callable[[str], bool | None]] = {
            "quit": lambda _arg: False,
            "exit": lambda _arg: False,
            "help": lambda _arg: self.say(_(HELP) + "\n"),
            "save": self.cmd_save,
            "load": self.cmd_load,
            "saves": self.cmd_saves,
            "undo": self.cmd_undo,
            "status": lambda _arg: self.show_status(),
            "look": lambda _arg: self.show(),
            "log": self.cmd_log,
            "new": self.cmd_new,
            "notes": self.cmd_notes,
            "glossary": self.cmd_glossary,
            "define": self.cmd_define,
            "facts": self.cmd_facts,
        }
        if command in actions:
            return actions[command](arg) is not False
        try:
            result = self.game.choose(choice_word(words[0]) if len(words) == 1 else line)
        except (GameError, NotAChoice) as exc:
            problem = shorten(str(exc), 200)  # the engine's words are a clause; here they begin a sentence
            self.say(_("{problem}. Type a choice number or `help`.").format(problem=problem[:1].upper() + problem[1:]))
            return True
        self.say()
        self.show_result(result)
        self.autosave()
        self.show()
        return True

    def cmd_save(self, arg: str) -> None:
        assert self.game is not None
        if not arg:
            self.say(_("Name the slot: `save NAME`."))
            return
        try:
            info = self.store.save(arg, self.game)
        except SaveError as exc:
            self.say(_("Not saved: {problem}").format(problem=exc))
            return
        self.say(_("Saved as “{slot}” ({path}).").format(slot=info.slot, path=info.path))

    def cmd_load(self, arg: str) -> None:
        if not arg:
            self.say(_("Name the slot: `load NAME` (see `saves`)."))
            return
        if self.load(arg):
            self.show()

    def cmd_saves(self, _arg: str) -> None:
        infos = self.store.list()
        if not infos:
            self.say(_("No saves yet in {directory}.").format(directory=self.store.directory))
        for info in infos:
            self.say("  " + info.describe())
        self.say()

    def cmd_undo(self, _arg: str) -> None:
        assert self.game is not None
        try:
            self.game.undo()
        except GameError as exc:
            self.say(_("Cannot undo: {problem}.").format(problem=exc))
            return
        self.say(_("Undone."))
        self.say()
        self._last_scene = ""
        self.show()

    # -- the reference shelf: notes, glossary, facts ---------------------------------
    @staticmethod
    def notes_tag(view: View) -> str:
        """The line under a beat's title: how true it is, and that it has notes."""
        label = basis_label(view.basis)
        if has_notes(view):
            return (
                _("{basis} · type `notes` for the history behind it").format(basis=label)
                if label
                else _("Type `notes` for the history behind this passage.")
            )
        return label

    def item(self, text: str, indent: str = "  - ") -> None:
        """One list item wrapped under its bullet."""
        pad = " " * len(indent)
        for i, block in enumerate(wrapped(text, self.width - len(indent))):
            self.say((indent if i == 0 else pad) + block.replace("\n", "\n" + pad))

    def fact_list(self, facts: tuple[FactRow, ...]) -> None:
        for fact in facts:
            self.item(fact.text)
            if fact.source:
                self.item(_("Source: {source}").format(source=fact.source), "    ")

    def cmd_notes(self, _arg: str) -> None:
        assert self.game is not None
        view = self.game.view()
        notes = notes_of(view)
        self.say(self.style("bold", _(NOTES_TITLE) + (f": {view.title}" if view.title else "")))
        if notes.empty:
            self.say(_(NO_NOTES))
            self.say()
            return
        if notes.basis:
            self.item(f"{notes.basis}. {notes.meaning}", "  ")
        if notes.note:
            self.item(notes.note, "  ")
        self.fact_list(notes.facts)
        self.say()

    def cmd_glossary(self, _arg: str) -> None:
        assert self.game is not None
        sections = glossary_sections(self.game.glossary(), self.game.view().terms)
        if not sections:
            self.say(_(NO_GLOSSARY))
            self.say()
            return
        self.say(self.style("bold", _(GLOSSARY_TITLE)))
        for heading, entries in sections:
            self.say(f"{heading}:")
            for e in entries:
                self.item(f"{e.term}: {e.definition}")
        self.say()

    def cmd_define(self, word: str) -> None:
        assert self.game is not None
        if not word:
            self.cmd_glossary("")
            return
        entries = self.game.glossary()
        found = find_term(entries, word)
        if found is not None:
            self.item(f"{found.term}: {found.definition}", "  ")
        elif not entries:
            self.say(_(NO_GLOSSARY))
        else:
            close = closest_terms(entries, word)
            maybe = " " + _("Did you mean: {terms}?").format(terms=", ".join(close)) if close else ""
            self.say(
                _("The glossary has no “{word}”.{maybe} Type `glossary` for every term.").format(
                    word=shorten(word, 60), maybe=maybe
                )
            )
        self.say()

    def cmd_facts(self, _arg: str) -> None:
        assert self.game is not None
        if self.game.ended:
            rows = debrief_rows(build_debrief(self.game), self.game.story)
            facts, sources, title = rows.facts, rows.sources, _(FACTS_TITLE)
        else:
            facts = fact_rows(self.game.cited_facts())
            sources, title = source_rows(tuple(self.game.story.sources.values())), _(FACTS_CITED)
        self.say(self.style("bold", title))
        if facts:
            self.fact_list(facts)
        else:
            self.say(_(NO_FACTS))
        self.source_list(sources)
        self.say()

    def source_list(self, sources: tuple[SourceRow, ...]) -> None:
        if not sources:
            return
        self.say()
        self.say(self.style("bold", _(SOURCES_TITLE)))
        for source in sources:
            self.item(source.citation)
            if source.reliability:
                self.item(source.reliability, "    ")

    def cmd_log(self, _arg: str) -> None:
        assert self.game is not None
        for entry in self.game.log:
            self.say(f"  {format_elapsed(entry.minute)}  {entry.text}")
        self.say()

    def hot_reload(self, watcher: StoryWatcher) -> None:
        """Load the edited story and carry the game over; on problems keep playing the old one.

        The garbage collector waits until the new text is printed (see ``gcpause.py``):
        with two versions of a large story alive, a collection in between costs more
        than the reload itself.
        """
        with collector_paused():
            self._hot_reload(watcher)

    def _hot_reload(self, watcher: StoryWatcher) -> None:
        from .watch import carry_over, reload_story

        reloaded = reload_story(watcher.root, self.story.language)
        self.say()
        if reloaded.story is None:
            count = len(reloaded.problems)
            self.say(
                self.style(
                    "warn",
                    ngettext(
                        "! The edited story has {count} problem; still playing the previous version:",
                        "! The edited story has {count} problems; still playing the previous version:",
                        count,
                    ).format(count=count),
                )
            )
            self.say(reloaded.report())
            self.say()
            return
        self.story = reloaded.story
        if self.game is None:
            return
        self.game, message = carry_over(self.game, self.story)
        self.say(self.style("bold", f"* {message}"))
        self.say()
        self._last_scene = ""
        self.show()

    def cmd_new(self, _arg: str) -> None:
        self.game = Game.new(self.story, self.seed)
        self._last_scene = ""
        self.say(_("A new game begins."))
        self.say()
        self.show()


def run_plain(
    story: Story,
    store: SaveStore,
    *,
    seed: int | None = None,
    load: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    watch: StoryWatcher | None = None,
) -> int:
    """Play in line mode until `quit` or end of input; return the exit status.

    With ``watch``, the story is reloaded whenever its files change: while
    waiting for input (where stdin can be polled) and before each line.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    lenient(stdin)  # one invalid byte must not end the game under a strict UTF-8 locale
    width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 2
    session = LineGame(story, store, stdout, seed, use_colour(stdout), max(width, 40))
    echo = not getattr(stdin, "isatty", lambda: False)()
    if not session.start(load):
        return 1
    if watch is not None:
        session.say(_("Watching {root} for changes; save a scene file to reload it.").format(root=watch.root))
        session.say()
    while True:
        stdout.write("> ")
        stdout.flush()
        if watch is not None:
            _wait_for_input(stdin, session, watch)
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        if echo:  # piped input: show what was typed so a transcript reads like a session
            stdout.write(clean(line) + "\n")
        if watch is not None and watch.poll():
            session.hot_reload(watch)
        if not session.handle(line):
            session.say(_("Goodbye. {state}").format(state=autosave_state(session.autosaver)))
            return 0


def _wait_for_input(stdin: TextIO, session: LineGame, watch: StoryWatcher) -> None:
    """Block until stdin has a line, reloading the story whenever it changes meanwhile."""
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests, some IDEs): reloads happen before each line instead
    while True:
        try:
            ready, _w, _x = select.select([fd], [], [], watch.interval)
        except (OSError, ValueError):
            return  # select() does not work on this stream (Windows console): reload per line
        if ready:
            return
        if watch.poll():
            session.hot_reload(watch)
            session.out.write("> ")
            session.out.flush()
