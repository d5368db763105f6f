"""The Textual app: owns the story, the save store, the current game and the screens.

Screens render and ask; the app acts: starting, loading, saving, undoing and
moving between title, game and debrief all happen here, so every path (a key,
the title menu, the command palette, a debrief button) does the same thing.
The title screen paints first while the story is read in a thread worker
(the engine and the save store are imported when first needed, other screens
and dialogs too), which keeps the title close to a bare Textual app; a key that
needs the story before it arrived loads it then. Reloads (``--watch``, ``r`` on
the problems screen) are read in the same worker and posted back, so the
screen never freezes while a big story is read. The window title is the story's title.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen, Screen

from ..gcpause import CollectorHold
from ..i18n import N_, NP_, _, set_language
from .bindings import speak_bindings
from .settings import Settings, load_settings, save_settings
from .themes import DEFAULT_THEME, HIGH_CONTRAST_THEME, OWN_THEMES

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..engine.game import Game
    from ..engine.saves import Autosaver, SaveInfo, SaveStore
    from ..story.model import Story
    from ..watch import Reloaded, StoryWatcher

STYLES = Path(__file__).parent / "styles"
UNTITLED = N_("Story")  # the window title until the story's own title is known
RELOAD_DRAWN_GRACE = 0.1  # seconds from a reload's screen being laid out until it is surely written


class StoryReloaded(Message):
    """Posted by the reload worker: the story read again, or the problems that stopped it."""

    def __init__(self, reloaded: Reloaded, watched: bool, initial: bool = False, quiet: bool = False) -> None:
        super().__init__()
        self.reloaded = reloaded
        self.watched = watched  # from --watch (carry the game over) or from the problems screen
        self.initial = initial  # the load at start-up
        self.quiet = quiet  # the player asked for it (a new language): no notice


class VoskhodApp(App[int]):
    TITLE = UNTITLED
    CSS_PATH = [  # noqa: RUF012 (Textual reads these class attributes once)
        STYLES / "app.tcss",
        STYLES / "game.tcss",
        STYLES / "screens.tcss",
        STYLES / "dialogs.tcss",
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (140, "-huge")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", NP_("key", "Keys"), key_display="?"),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        story_dir: Path,
        saves_dir: Path,
        *,
        seed: int | None = None,
        load: str | None = None,
        reveal: bool | None = None,
        watch: bool = False,
        lang: str = "",
        lang_from_settings: bool = True,
    ) -> None:
        super().__init__()
        self.story_dir = Path(story_dir)
        self.lang = lang  # the story's texts in this language, where it has a translation
        self.saves_dir = Path(saves_dir)
        self.seed = seed
        self.initial_load = load
        self.force_reveal = reveal
        self.watch_story = watch
        self.collector = CollectorHold()  # paused while a --watch reload is on its way to the screen
        self.story: Story | None = None
        self.game: Game | None = None
        self.crash: Exception | None = None  # the first unhandled error: the run ends as an internal error
        self._autosave_due = False  # a choice was made and its autosave is not written yet
        self.settings = Settings()
        for theme in OWN_THEMES:
            self.register_theme(theme)
        # Settings and theme before the first frame: changing the theme later restyles
        # every widget, which costs more than drawing the title screen.
        self.settings = load_settings(self.saves_dir)
        self.apply_look()
        if lang_from_settings and self.settings.language:  # unless --lang asked for one
            from ..commands.common import translation_for

            set_language(self.settings.language)
            self.lang = translation_for(self.settings.language, self.story_dir)
        self.title = _(UNTITLED)
        speak_bindings(self)

    # -- start-up ----------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Remember a crash so ``voskhod`` exits 3 (internal error) and reports it the way every command does.

        Textual ends the app with status 1 and prints a traceback with locals; 1 means
        "the story cannot be played" here, so the crash is kept and Textual's printout
        dropped: :func:`run_app` hands it to ``cli.report_internal_error`` (a short
        message, the traceback in a file, or on screen with VOSKHOD_DEBUG=1).
        """
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)
        self._exit_renderables.clear()

    @cached_property
    def store(self) -> SaveStore:
        from ..engine.saves import SaveStore

        return SaveStore(self.saves_dir)

    @cached_property
    def autosaver(self) -> Autosaver:
        from ..engine.saves import Autosaver

        return Autosaver(self.store)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.screen_change_signal.subscribe(self, self._speak_on)
        self.push_screen(self._title())
        if self.watch_story:
            # The files' times and sizes are taken before the first read, so a save made while
            # the story loads is noticed, and at once: a broken story's problems screen comes
            # up in place of the title, and a writer's fix must reach it.
            self.start_watching()
        # The story is read in a thread from the start, so the title screen paints
        # and answers keys while it loads; the menu updates when it arrives.
        self._read_story(watched=False, initial=True)

    def on_unmount(self) -> None:
        self.collector.release()  # an app closed mid-reload does not leave the collector off

    def _started(self) -> None:
        """The start-up load arrived: open the game if ``--load`` asked for it."""
        if self.initial_load and self.story is not None:
            self.load_slot(self.initial_load)

    def ensure_story(self) -> Story | None:
        """The story, loaded now if a key needs it before the start-up load arrived."""
        if self.story is None:
            from ..watch import reload_story

            self._story_read(reload_story(self.story_dir, self.lang, cached=not self.watch_story), watched=False)
        return self.story

    def _set_story(self, story: Story) -> None:
        self.story = story
        self.title = story.title

    def _story_read(self, reloaded: Reloaded, *, watched: bool, quiet: bool = False) -> None:
        """Take a freshly read story, or show why it cannot be played.

        From ``--watch`` the running game moves into the new story and a story with
        problems is reported while the previous version keeps playing; on the
        problems screen the list updates.
        """
        from .screens.problems import ProblemsScreen
        from .screens.title import TitleScreen

        story = reloaded.story
        if story is None:
            if self.story is None or not watched or isinstance(self.screen, ProblemsScreen):
                self._switch_to(ProblemsScreen(str(self.story_dir), reloaded.problems))
                return
            count = len(reloaded.problems)
            first = reloaded.problems[0]
            more = (
                "\n" + _("(and {count} more: `voskhod check` lists them)").format(count=count - 1) if count > 1 else ""
            )
            self.notify(
                f"{first.path.name}:{first.line}:{first.col} {first.code} {first.message}{more}\n"
                + _("Still playing the previous version."),
                title=_("The edited story does not load"),
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self._set_story(story)
        screen = self.main_screen
        if isinstance(screen, ProblemsScreen):
            self._switch_to(self._title())
        elif isinstance(screen, TitleScreen):
            screen.refresh_menu()
        if not watched:
            return
        if self.game is not None:
            from ..watch import carry_over
            from .screens.debrief import DebriefScreen
            from .screens.game import GameScreen

            self.game, message = carry_over(self.game, story)
            if not quiet:
                self.notify(message, title=_("Story reloaded"), markup=False)
            if isinstance(screen, GameScreen) and not self.game.ended and screen.can_take(self.game):
                screen.take_over(self.game)  # the same screen shows the new text: no new screen to build
            elif isinstance(screen, (GameScreen, DebriefScreen)):
                self.show_game(self.game)
        elif not quiet:
            self.notify(_("The story was reloaded."), title=_("Story reloaded"), markup=False)

    @property
    def main_screen(self) -> Screen[object]:
        """The screen under any dialogs: title, game, debrief or problems."""
        return next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), self.screen)

    def reload_story(self, *, watched: bool = False, quiet: bool = False) -> None:
        """Read the story again in a thread; the result comes back as :class:`StoryReloaded`."""
        self._read_story(watched, quiet=quiet)

    @work(thread=True, exclusive=True, group="story")
    def _read_story(self, watched: bool, initial: bool = False, quiet: bool = False) -> None:
        from ..watch import reload_story

        # The first load of a game that is not watched revives the checked story when the same
        # files loaded before; a writer's --watch session and a reload check the story again.
        cached = initial and not self.watch_story
        reloaded = reload_story(self.story_dir, self.lang, cached=cached)
        self.post_message(StoryReloaded(reloaded, watched, initial, quiet))

    @on(StoryReloaded)
    def _story_reloaded(self, message: StoryReloaded) -> None:
        if message.initial:
            if self.story is None:  # else a key needed the story first and loaded it then
                self._story_read(message.reloaded, watched=False)
                self._started()
            return
        try:
            self._story_read(message.reloaded, watched=message.watched, quiet=message.quiet)
        finally:
            if self.collector.holding:
                self.call_after_refresh(self._after_reload_drawn)

    def _after_reload_drawn(self) -> None:
        """The reload's screen is laid out; once it is on the terminal the collector may run again.

        Its first collection walks every object made since the hold (the whole new
        story: a second or more for 10,000 beats) without letting the thread that
        writes to the terminal run, so it waits a moment more, until the writer sees
        the new text rather than a frozen screen."""
        self.set_timer(RELOAD_DRAWN_GRACE, self.collector.release)

    # -- hot reload (--watch) ----------------------------------------------------------
    def start_watching(self) -> None:
        from ..watch import StoryWatcher

        self.watcher: StoryWatcher = StoryWatcher(self.story_dir)
        self.set_interval(self.watcher.interval, self.poll_story)

    def poll_story(self) -> None:
        """Reload the story when its files change.

        While a dialog is open the change waits (the watcher keeps it), so a writer
        typing a slot name is not interrupted.
        """
        if isinstance(self.screen, ModalScreen) or not self.watcher.poll():
            return
        # No garbage collection from here until the new text is drawn: with two versions of
        # a large story alive, one collection costs more than the reload (see gcpause.py).
        self.collector.hold()
        self.reload_story(watched=True)

    def _title(self) -> Screen[None]:
        from .screens.title import TitleScreen

        return TitleScreen()

    # -- looks ---------------------------------------------------------------------
    @property
    def reveal(self) -> bool:
        return self.settings.reveal if self.force_reveal is None else self.force_reveal

    def apply_look(self) -> None:
        s = self.settings
        wanted = HIGH_CONTRAST_THEME if s.high_contrast else s.theme
        name = wanted if wanted in self.available_themes else DEFAULT_THEME
        if self.is_running or not self._theme_before_start(name):
            self.theme = name
        self.set_class(s.high_contrast, "-high-contrast")

    def _theme_before_start(self, name: str) -> bool:
        """Take the theme ``name`` before the app runs, without Textual parsing every stylesheet twice.

        Setting ``theme`` queues a full re-parse of the stylesheets, which at start-up
        comes right after their first parse (about 30 ms before the title shows).
        Before the first parse the new theme's variables and classes are all it
        needs: the same ones Textual's theme watcher sets. A theme that is light where
        the current one is dark (or the reverse) also changes the colour filter, so it
        goes the usual way (False).
        """
        theme = self.get_theme(name)
        if theme is None or theme.dark != self.current_theme.dark:
            return False
        self.set_reactive(VoskhodApp.theme, name)
        classes = dict.fromkeys((c for c in self.classes if c.startswith("-theme-")), False)
        classes[f"-theme-{name}"] = True
        classes["-dark-mode"] = theme.dark
        classes["-light-mode"] = not theme.dark
        self.update_classes(classes, update=False)
        self.stylesheet.set_variables(self.get_css_variables())
        return True

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", "")
        if name and name != HIGH_CONTRAST_THEME and name != self.settings.theme:
            self.change_settings(theme=name)

    # -- language ------------------------------------------------------------------
    def _speak_on(self, screen: Screen[object]) -> None:
        """A screen is shown: its footer keys in the current language (Textual made them in English)."""
        if speak_bindings(screen):
            screen.refresh_bindings()

    def change_language(self, lang: str) -> None:
        """Speak ``lang`` from now on (the Settings screen): every screen's words and keys, the story's
        texts where the story is translated into it (the game carries over), and remember it."""
        from ..commands.common import translation_for

        set_language(lang)
        self.change_settings(language=lang)
        self.title = self.story.title if self.story is not None else _(UNTITLED)
        speak_bindings(self)
        for screen in self.screen_stack:
            self._speak_on(screen)
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
        story_lang = translation_for(lang, self.story_dir)
        if story_lang != self.lang:
            self.lang = story_lang
            self.reload_story(watched=True, quiet=True)

    def change_settings(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self.settings, key, value)
        self.apply_look()
        problem = save_settings(self.saves_dir, self.settings)
        if problem:
            self.notify(problem, severity="warning", markup=False)

    # -- games -------------------------------------------------------------------------
    def new_game(self, seed: int | None = None) -> None:
        story = self.ensure_story()
        if story is None:
            return
        from ..engine.game import Game

        game = Game.new(story, self.seed if seed is None else seed)
        self.show_game(game, intro=game.render(story.intro))

    def action_new_game(self) -> None:
        self.new_game()

    def continue_game(self) -> None:
        self.flush_autosave()
        story = self.ensure_story()
        if story is None:
            return
        info = self.store.latest_autosave(story)
        if info is None:
            self.notify(_("There is no autosave yet: start a new game."), severity="warning", markup=False)
            return
        self.load_slot(info.slot)

    def load_slot(self, slot: str) -> bool:
        story = self.ensure_story()
        if story is None:
            return False
        from ..engine.saves import SaveError

        try:
            loaded = self.store.load(slot, story)
        except SaveError as exc:
            self.notify(str(exc), title=_("Cannot load"), severity="error", timeout=8, markup=False)
            return False
        for warning in loaded.warnings:
            self.notify(warning, title=_("Note"), severity="warning", markup=False)
        self.notify(_("Loaded “{slot}”.").format(slot=loaded.info.slot), title=_("Loaded"), markup=False)
        self.show_game(loaded.game)
        return True

    def show_game(self, game: Game, intro: str = "") -> None:
        self.flush_autosave()  # the game that was playing, before another takes its place
        self.game = game
        if game.ended:
            self.show_debrief()
            return
        from .screens.game import GameScreen

        self._switch_to(GameScreen(game, reveal=self.reveal, intro=intro))

    def show_debrief(self) -> None:
        if self.game is None:
            return
        from .screens.debrief import DebriefScreen

        self._switch_to(DebriefScreen(self.game))

    def _switch_to(self, screen: Screen[None]) -> None:
        """Replace the current main screen, closing any dialogs above it first."""
        self.flush_autosave()  # the title screen reads it
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def autosave(self) -> None:
        """Autosave after a choice, as soon as the new beat is on screen.

        The write (compact JSON, fsync, atomic rename, folder fsync) costs the player
        several milliseconds before the next beat appears if it comes first; it runs
        right after that frame is drawn instead. Whatever reads the save folder, changes
        the game or ends the app writes a due autosave first (:meth:`flush_autosave`),
        so nothing ever sees a stale one.
        """
        if self.game is not None and not self._autosave_due:
            self._autosave_due = True
            self.call_after_refresh(self.flush_autosave)

    def flush_autosave(self) -> None:
        """Write the autosave if one is due; the player hears of a failure and of the recovery, not every turn."""
        if not self._autosave_due:
            return
        self._autosave_due = False
        if self.game is None:
            return
        from ..present.saves import autosave_notice

        change = self.autosaver.save(self.game)
        notice = autosave_notice(change, self.autosaver)
        if notice:
            recovered = change == "recovered"
            self.notify(
                notice, title=_("Autosave"), severity="information" if recovered else "error", timeout=10, markup=False
            )

    # -- actions (keys, menu, palette) -----------------------------------------------------
    def _in_play(self) -> bool:
        if self.game is None:
            return False  # no game yet: the game and debrief screens need not even be imported
        from .screens.debrief import DebriefScreen
        from .screens.game import GameScreen

        return isinstance(self.screen, (GameScreen, DebriefScreen))

    def action_save(self) -> None:
        game = self.game
        if game is None or not self._in_play():
            self.notify(_("Start or load a game first."), severity="warning", markup=False)
            return
        from .modals.save import SaveModal

        self.flush_autosave()
        existing = tuple(i.slot for i in self.store.list())

        def save(slot: str) -> SaveInfo:
            return self.store.save(slot, game)

        def saved(info: SaveInfo | None) -> None:
            if info is not None:
                self.notify(_("Saved as “{slot}”.").format(slot=info.slot), title=_("Saved"), markup=False)

        beat = game.beat
        suggestion = f"scene-{game.story.scene_of(beat.id).number}" if beat is not None else ""
        self.push_screen(SaveModal(save, suggestion, existing), saved)

    def action_load(self) -> None:
        story = self.ensure_story()
        if story is None:
            return
        from .modals.load import LoadModal

        self.flush_autosave()

        def chosen(slot: str | None) -> None:
            if slot:
                self.load_slot(slot)

        self.push_screen(LoadModal(self.store.list(), story.id, str(self.store.directory)), chosen)

    def action_undo(self) -> None:
        if self.game is None or not self._in_play():
            return
        from ..engine.game import GameError

        try:
            self.game.undo()
        except GameError as exc:
            self.notify(_("Cannot undo: {reason}.").format(reason=exc), severity="warning", markup=False)
            return
        self.autosave()
        self.notify(_("The last choice was taken back."), title=_("Undone"), markup=False)
        from .screens.game import GameScreen

        screen = self.screen
        if isinstance(screen, GameScreen):
            screen.render_view(None)
        else:
            self.show_game(self.game)

    def action_restart(self) -> None:
        if self.game is None:
            self.new_game()
            return
        from .modals.confirm import ConfirmModal

        seed = self.game.seed

        def answer(yes: bool | None) -> None:
            if yes:
                self.new_game(seed=seed)

        self.push_screen(
            ConfirmModal(
                _("Restart the mission?"), _("You go back to the start with the same dice."), _("Restart"), _("Cancel")
            ),
            answer,
        )

    def action_to_title(self) -> None:
        self._switch_to(self._title())

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """End the app, the last choice's autosave written first (Ctrl+Q quits at once)."""
        self.flush_autosave()
        super().exit(result, return_code, message)

    def action_leave(self, code: int = 0) -> None:
        """Quit with an exit status (1 from the problems screen: the story could not be played)."""
        self.exit(code, return_code=code)

    def action_request_quit(self) -> None:
        from .modals.confirm import ConfirmModal

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        from ..present.saves import autosave_state

        self.flush_autosave()  # the question says whether the game is saved
        self.push_screen(
            ConfirmModal(_("Leave the game?"), autosave_state(self.autosaver), _("Quit"), _("Stay")), answer
        )

    def action_help(self) -> None:
        from .modals.help import HelpModal

        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal())

    def action_how_to_play(self) -> None:
        """The story's own how-to-play page (a neutral one when the story has none)."""
        from ..story import defaults
        from .modals.text_modal import TextModal
        from .text import story_text

        story = self.story
        self.push_screen(TextModal(_("How to play"), story_text(story.how_to_play if story else defaults.HOW_TO_PLAY)))

    def action_settings(self) -> None:
        from .modals.settings import SettingsModal

        self.push_screen(SettingsModal())

    def action_command_palette(self) -> None:
        """The command palette, its prompt in the player's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def search_themes(self) -> None:
        """Textual's theme picker, its prompt in the player's language."""
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands, all in the player's language (Textual's own are English, so
        the ones a player needs are listed here: theme, keys, quit)."""
        commands: list[tuple[str, str, object]] = []
        if self.story is not None:
            in_play = self._in_play()
            if in_play:
                commands.append((_("Save game"), _("Save in a named slot"), self.action_save))
            commands.append((_("Load game"), _("Load a saved game"), self.action_load))
            if in_play:
                commands.append(
                    (_("Undo"), _("Take back the last choice (not past a point of no return)"), self.action_undo)
                )
                commands.append((_("Restart mission"), _("Start again from the beginning"), self.action_restart))
            commands.append((_("New game"), _("Start a new mission"), self.new_game))
            commands.append((_("How to play"), _("The rules in a page"), self.action_how_to_play))
        commands.append((_("Settings"), _("Theme, high contrast, text reveal, language"), self.action_settings))
        commands.append((_("Theme"), _("Change the colours"), self.action_change_theme))
        commands.append((_("Keys"), _("Every key the game answers to"), self.action_help))
        commands.append((_("Quit"), _("Leave the game (asks first)"), self.action_request_quit))
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)  # type: ignore[arg-type]


def run_app(args: argparse.Namespace) -> int:
    """Entry point from ``voskhod play``: run the app and return its exit status."""
    from ..commands.common import requested_language, story_arg, story_language, story_path
    from ..paths import saves_dir

    root = story_path(story_arg(args))
    lang_asked = requested_language(args)[1]
    app = VoskhodApp(
        root,
        saves_dir(getattr(args, "saves", None)),
        seed=args.seed,
        load=args.load,
        watch=bool(getattr(args, "watch", False)),
        lang=story_language(args, root),
        lang_from_settings=not lang_asked,  # --lang wins over the setting for this run
    )
    result = app.run()
    if app.crash is not None:
        from ..cli import report_internal_error

        return report_internal_error(app.crash, "play")
    return app.return_code or int(result or 0)
