"""Whole flows through the Textual app, driven by Pilot on the mini story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textual.color import Color
from textual.widgets import OptionList
from tui_support import MINI, make_app, record_notifications, text_of

from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.story import load_story
from voskhod_game.tui.modals.load import LoadModal
from voskhod_game.tui.modals.save import SaveModal
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen
from voskhod_game.tui.screens.problems import ProblemsScreen
from voskhod_game.tui.screens.title import TitleScreen


def screen_name(app) -> str:  # type: ignore[no-untyped-def]
    return type(app.screen).__name__


async def test_full_flow_new_game_save_load_undo_ending_debrief_new_game(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen)
        assert "Scene 1 of 2" in text_of(app, "#scene-label")
        assert "T+00:00:00" in text_of(app, "#clock-label")

        await pilot.press("3")  # rush out: 1 minute
        assert app.game.state == "walk.outside"
        assert "Scene 2 of 2" in text_of(app, "#scene-label")
        assert "UTC 08:01" in text_of(app, "#clock-label")
        assert "Moscow 11:01" in text_of(app, "#clock-label")
        assert "Rush out with a racing heart" in text_of(app, "#story-text")

        # save in a named slot
        await pilot.press("s")
        assert isinstance(app.screen, SaveModal)
        await pilot.press(*"outside", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert (tmp_path / "saves" / "outside.json").is_file()

        await pilot.press("1")  # look at the view
        assert app.game.env["looks"] == 1

        # load the slot back: the look is gone
        await pilot.press("l")
        assert isinstance(app.screen, LoadModal)
        slots = app.screen.query_one("#slots", OptionList)
        index = next(i for i in range(slots.option_count) if slots.get_option_at_index(i).id == "outside")
        slots.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.env["looks"] == 0

        # take a look, then undo it
        await pilot.press("1")
        assert app.game.env["looks"] == 1
        await pilot.press("u")
        assert app.game.env["looks"] == 0
        await pilot.press("1")

        # go back in: an ending, and the debrief
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        outcome = text_of(app, "#outcome")
        assert "Home again" in outcome or "A long way round" in outcome
        assert app.screen.query(".debrief-chart")

        # new game from the debrief
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.state == "hatch.inside"
        assert app.game.history == []


async def test_number_keys_take_the_numbered_choice(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "2")
        assert app.game.history[-1].choice == "wait"
        assert app.game.elapsed == 3
        await pilot.press("1")
        assert app.game.state == "walk.outside"
        await pilot.press("9")  # no ninth choice: nothing happens
        assert len(app.game.history) == 2


async def test_arrows_and_enter_take_the_highlighted_choice(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "down", "enter")
        assert app.game.history[-1].choice == "wait"


async def test_clicking_a_choice_takes_it(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        choices = app.screen.query_one("#choices", OptionList)
        # the list's border takes the first row; the second option is on the second line inside it
        await pilot.click(choices, offset=(6, 2))
        await pilot.pause()
        assert app.game.history[-1].choice == "wait"


async def test_disabled_choice_is_listed_dimmed_with_reason_and_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    notes = record_notifications(app)
    async with app.run_test() as pilot:
        await pilot.press("n", "1")
        choices = app.screen.query_one("#choices", OptionList)
        go_back = choices.get_option("go_back")
        assert go_back.disabled
        assert "You have not looked yet" in str(go_back.prompt)
        assert "secret" not in [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        await pilot.press("3")
        assert app.game.state == "walk.outside"
        assert ("Not possible now", "Go back in: You have not looked yet", "warning") in notes


async def test_crossing_a_threshold_raises_a_notification(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    notes = record_notifications(app)
    async with app.run_test() as pilot:
        await pilot.press("n", "3")
        assert ("What happened", "Heart rate: WARN", "warning") in notes
        row = app.screen.query_one("#meter-heart")
        assert row.has_class("-warn")
        await pilot.press("1", "1", "1")
        assert ("What happened", "Heart rate: CRITICAL", "error") in notes
        assert app.screen.query_one("#meter-heart").has_class("-critical")
        assert app.screen.query_one("#meters").border_title == "CRITICAL: Heart rate"
        assert "CRIT" in text_of(app, "#meter-heart")


async def test_invalid_story_opens_the_problems_screen(tmp_path: Path) -> None:
    story = tmp_path / "broken"
    story.mkdir()
    for f in MINI.iterdir():
        (story / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    walk = story / "2_walk.yaml"
    walk.write_text(walk.read_text(encoding="utf-8").replace("target: outside", "target: nowhere"), encoding="utf-8")
    app = make_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        listing = text_of(app, "#problems-list")
        assert f"{walk}:" in listing
        assert "V202" in listing
        # fixing the file and pressing r loads the story
        walk.write_text((MINI / "2_walk.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        await pilot.press("r")
        await app.workers.wait_for_complete()  # the story is read in a thread worker
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_quitting_the_problems_screen_exits_with_status_1(tmp_path: Path) -> None:
    story = tmp_path / "broken"
    shutil.copytree(MINI, story)
    (story / "story.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    app = make_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert "story.yaml:" in text_of(app, "#problems-list")
        await pilot.press("q")
    assert app.return_code == 1


async def test_failed_save_tells_the_player_and_keeps_the_old_slot(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    damaged = saves / "mine.json"
    damaged.write_text("{not json", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "3", "s")
        await pilot.press(*"mine", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveModal)  # still open: the player can pick another name
        error = text_of(app, "#save-error")
        assert "Not saved" in error
        assert "kept and not overwritten" in error
        assert damaged.read_text(encoding="utf-8") == "{not json"
        await pilot.press(*"other", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert (saves / "other.json").is_file()


async def test_write_failure_keeps_the_previous_save(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "s", *"slot1", "enter")
        await pilot.pause()
        before = (tmp_path / "saves" / "slot1.json").read_bytes()

        def fail(path, data):  # type: ignore[no-untyped-def]
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("voskhod_game.engine.saves.write_atomically", fail)
        await pilot.press("3", "s", *"slot1", "enter")
        await pilot.pause()
        assert "No space left on device" in text_of(app, "#save-error")
        assert (tmp_path / "saves" / "slot1.json").read_bytes() == before


async def test_autosave_after_every_choice_and_continue_resumes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "2", "1")
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.state == "walk.outside"
        assert [s.choice for s in app.game.history] == ["wait", "open"]
    saved = json.loads((tmp_path / "saves" / "autosave-mini.json").read_text(encoding="utf-8"))
    assert saved["beat"] == "walk.outside"


async def test_the_autosave_is_written_once_the_beat_is_drawn_and_before_quitting_at_once(tmp_path: Path) -> None:
    """The autosave waits for the frame with the new beat (the player does not wait for the disk),
    then is on disk; quitting at once (Ctrl+Q) straight after a choice still writes it first."""
    autosave = tmp_path / "saves" / "autosave-mini.json"
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "2")
        await pilot.pause()
        first = json.loads(autosave.read_text(encoding="utf-8"))
        assert (first["beat"], first["elapsed"]) == (app.game.state, app.game.elapsed) and first["elapsed"] > 0
        app.game.choose("open")  # a choice whose autosave is only scheduled: the frame has not been drawn
        app.autosave()
        assert app._autosave_due
        app.exit()  # as Ctrl+Q does, before the frame that would have written it
    assert json.loads(autosave.read_text(encoding="utf-8"))["beat"] == "walk.outside"


async def test_autosave_failure_is_reported_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    notes = record_notifications(app)

    def fail(path, data):  # type: ignore[no-untyped-def]
        raise OSError(13, "Permission denied")

    monkeypatch.setattr("voskhod_game.engine.saves.write_atomically", fail)
    async with app.run_test() as pilot:
        await pilot.press("n", "2", "2", "2")
    failures = [n for n in notes if n[0] == "Autosave"]
    assert len(failures) == 1
    assert "Permission denied" in failures[0][1]


async def test_load_lists_damaged_and_foreign_saves_with_the_reason(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "broken.json").write_text("{", encoding="utf-8")
    game = Game.new(load_story(MINI), seed=1).snapshot() | {"story_id": "other"}
    foreign = {"app": "voskhod", "format": 2, "story_id": "other", "story_title": "Another Story", "game": game}
    (saves / "theirs.json").write_text(json.dumps(foreign), encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, LoadModal)
        slots = app.screen.query_one("#slots", OptionList)
        broken = slots.get_option("broken")
        theirs = slots.get_option("theirs")
        assert broken.disabled and "damaged" in str(broken.prompt)
        assert theirs.disabled and "Another Story" in str(theirs.prompt)
        await pilot.press("escape")
        assert isinstance(app.screen, TitleScreen)


async def test_quit_asks_first_and_stay_keeps_playing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "q")
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen)
        await pilot.press("q", "y")
    assert app.return_code == 0


async def test_help_lists_every_key(tmp_path: Path) -> None:
    from voskhod_game.tui.keys import KEYS

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("n", "question_mark")
        assert type(app.screen).__name__ == "HelpModal"
        shown = app.screen.query("Static").last().content
        from rich.console import Console

        console = Console(width=118, no_color=True)
        with console.capture() as cap:
            console.print(shown)
        for key in KEYS:
            assert key.keys in cap.get()
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen)


async def test_debrief_undo_returns_to_play(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n", "3", "1", "3")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.state == "walk.outside"


async def test_load_on_start_opens_the_game(tmp_path: Path) -> None:
    from voskhod_game.engine.game import Game
    from voskhod_game.story import load_story

    store = SaveStore(tmp_path / "saves")
    game = Game.new(load_story(MINI), seed=3)
    game.choose("open")
    store.save("ready", game)
    app = make_app(tmp_path, load="ready")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.state == "walk.outside"


async def test_settings_high_contrast_is_applied_and_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        assert type(app.screen).__name__ == "SettingsModal"
        app.screen.query_one("#high-contrast").value = True
        await pilot.pause()
        assert app.theme == "high-contrast"
        assert app.has_class("-high-contrast")
    settings = json.loads((tmp_path / "saves" / ".settings.json").read_text(encoding="utf-8"))
    assert settings["high_contrast"] is True
    again = make_app(tmp_path)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "high-contrast"


async def test_palette_offers_save_load_undo_restart_and_theme(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "2")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Save game", "Load game", "Undo", "Restart mission", "Theme"} <= titles


def test_every_key_in_the_help_is_documented() -> None:
    from voskhod_game.tui.keys import KEYS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "playing.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"| {key.where} | `{key.keys}` | {key.action} |" in docs


async def test_text_reveal_is_skipped_by_any_key_without_acting(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from voskhod_game.tui.app import VoskhodApp
    from voskhod_game.tui.widgets import story_pane
    from voskhod_game.tui.widgets.story_pane import StoryPane

    monkeypatch.setattr(story_pane, "REVEAL_SECONDS", 60.0)  # slow enough that the test always sees it

    app = VoskhodApp(MINI, tmp_path / "saves", seed=7, reveal=True)
    async with app.run_test() as pilot:
        app.animation_level = "full"
        await pilot.press("n")
        pane = app.screen.query_one(StoryPane)
        assert pane.revealing
        await pilot.press("1")  # finishes the reveal; does not choose
        assert not pane.revealing
        assert app.game.history == []
        assert "The hatch is closed" in text_of(app, "#story-text")


async def test_no_reveal_when_animations_are_off(tmp_path: Path) -> None:
    from voskhod_game.tui.app import VoskhodApp
    from voskhod_game.tui.widgets.story_pane import StoryPane

    app = VoskhodApp(MINI, tmp_path / "saves", seed=7, reveal=True)
    async with app.run_test() as pilot:
        app.animation_level = "none"
        await pilot.press("n")
        assert not app.screen.query_one(StoryPane).revealing
        assert "The hatch is closed" in text_of(app, "#story-text")


async def test_new_game_opens_with_the_story_intro_until_the_first_choice(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()  # the story loads just after the first frame
        assert "A small test mission" in text_of(app, "#tagline")
        await pilot.press("n")
        assert "A small test mission with a hatch and a walk." in text_of(app, "#story-text")
        await pilot.press("2")
        assert "A small test mission" not in text_of(app, "#story-text")


async def test_restart_from_the_palette_asks_then_starts_over_with_the_same_dice(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "2", "1")
        seed = app.game.seed
        app.action_restart()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.history == [] and app.game.seed == seed


async def test_a_theme_chosen_in_settings_is_applied_and_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "mission-control"
        app.change_settings(theme="nord")
        await pilot.pause()
        assert app.theme == "nord"
    settings = json.loads((tmp_path / "saves" / ".settings.json").read_text(encoding="utf-8"))
    assert settings["theme"] == "nord"


async def test_square_brackets_in_story_text_are_shown_as_written(tmp_path: Path) -> None:
    story = tmp_path / "brackets"
    shutil.copytree(MINI, story)
    manifest = story / "story.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("title: Mini Mission", 'title: "Mini [bold]Mission[/]"').replace(
        "    label: Oxygen\n", '    label: "Oxygen [O2"\n'
    )
    manifest.write_text(text, encoding="utf-8")
    hatch = story / "1_hatch.yaml"
    hatch.write_text(
        hatch.read_text(encoding="utf-8").replace("label: Wait and breathe", 'label: "Wait [and] breathe"'),
        encoding="utf-8",
    )
    app = make_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "Mini [bold]Mission[/]" in text_of(app, "#story-title")
        await pilot.press("n")
        choices = app.screen.query_one("#choices", OptionList)
        assert "Wait [and] breathe" in str(choices.get_option("wait").prompt)
        await pilot.press("2")
        assert app.game.history[-1].choice == "wait"
        assert "Oxygen [O2" in text_of(app, "#meter-oxygen")


async def test_a_scene_that_hides_a_meter_takes_its_row_away(tmp_path: Path) -> None:
    story = tmp_path / "story"
    shutil.copytree(MINI, story)
    scene = story / "2_walk.yaml"
    scene.write_text(scene.read_text().replace("title: The walk\n", "title: The walk\nhide_meters: [pressure]\n"))
    app = make_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.press("n")
        assert app.screen.query_one("#meter-pressure").display
        await pilot.press("1")
        await pilot.pause()
        assert app.game.state == "walk.outside"
        assert not app.screen.query_one("#meter-pressure").display
        assert app.screen.query_one("#meter-oxygen").display


async def test_a_critical_meter_row_is_drawn_in_the_alarm_colours_in_every_look(tmp_path: Path) -> None:
    """The row's parts (label, value, bar) take the state's colours from the stylesheet, also in high contrast."""
    app = make_app(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("n", "3", "1", "1", "1")  # heart rate critical, oxygen ok
        critical, ok = app.screen.query_one("#meter-heart"), app.screen.query_one("#meter-oxygen")
        error = Color.parse(app.theme_variables["error"]).rich_color
        parts = ("meter--label", "meter--value", "meter--bar")
        assert all(critical.get_component_rich_style(p).color == error for p in parts)
        assert all(critical.get_component_rich_style(p).bold for p in parts)
        assert ok.get_component_rich_style("meter--value").color != error
        drawn = critical.render()
        assert any(span.style and getattr(span.style, "color", None) == error for span in drawn.spans)
        app.change_settings(high_contrast=True)
        await pilot.pause()
        background = Color.parse(app.theme_variables["background"]).rich_color
        assert all(critical.get_component_rich_style(p).color == background for p in parts)
