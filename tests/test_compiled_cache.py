"""The checked-story cache: a new process's load revives a story only with the key of its files and engine.

Every test compares a revived story with one loaded from its files: the same
beats (texts, places, choices), the same template texts, fingerprint and
warnings. A damaged, stale, foreign or unwritable cache is ignored, never an
error and never a different story.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from voskhod_game.engine import Game
from voskhod_game.story import compiled, load_story
from voskhod_game.story.compiled import MAGIC, CompiledStories, LazyBeats, seal
from voskhod_game.story.diagnostics import StoryError
from voskhod_game.story.loader import _analyse, forget_built
from voskhod_game.story.parsed import ParsedFiles

HERE = Path(__file__).resolve().parent
MINI = HERE / "fixtures" / "mini"
CREVASSE = HERE.parent / "examples" / "crevasse"


def described(story: Any) -> tuple[Any, ...]:
    """What a player and a translator get: every beat's texts, place and choices; the template; the fingerprint."""
    beats = [
        (qid, str(b.text), str(b.title), b.where, [(c.id, str(c.label), c.where) for c in b.choices])
        for qid, b in story.beats.items()
    ]
    return beats, tuple(story.texts), story.fingerprint, [s.title for s in story.scenes], story.start


def load(root: Path, folder: Path, lang: str = "") -> Any:
    """A load as a new process makes it: nothing kept in memory, the cache folder on disk."""
    forget_built()
    return load_story(root, lang, ParsedFiles(folder))


def revived(story: Any) -> bool:
    return isinstance(story.beats, LazyBeats)


@pytest.fixture
def crevasse(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CREVASSE, tmp_path / "crevasse"))


def slots(folder: Path) -> list[Path]:
    return sorted((folder / compiled.FOLDER).glob("*.bin"))


@pytest.mark.parametrize("lang", ["", "ru"])
def test_a_second_load_revives_the_same_story(tmp_path: Path, crevasse: Path, lang: str) -> None:
    folder = tmp_path / "cache"
    first = load(crevasse, folder, lang)
    assert not revived(first) and len(slots(folder)) == 1
    files = ParsedFiles(folder)
    forget_built()
    again = load_story(crevasse, lang, files)
    assert revived(again) and files.parsed == 0
    assert described(again) == described(first)


def test_the_warnings_of_the_first_load_come_back(tmp_path: Path, crevasse: Path) -> None:
    po = crevasse / "locales" / "ru.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(re.sub(r'msgstr ".+"', 'msgstr ""', text, count=1), "utf-8")  # one text not translated
    folder = tmp_path / "cache"
    forget_built()
    story, first = _analyse(crevasse, "ru", ParsedFiles(folder), keep=True)
    assert story is not None and any(d.code == "W501" for d in first)
    forget_built()
    story, again = _analyse(crevasse, "ru", ParsedFiles(folder), keep=True)
    assert story is not None and revived(story)
    assert [d.format() for d in again] == [d.format() for d in first]


def test_a_revived_story_plays_like_a_loaded_one(tmp_path: Path, crevasse: Path) -> None:
    folder = tmp_path / "cache"
    games = []
    for _ in range(2):
        story = load(crevasse, folder)
        game = Game.new(story, seed=7)
        steps = []
        while not game.ended and len(steps) < 40:
            view = game.view()
            open_choices = [c for c in view.choices if c.enabled]
            if not open_choices:
                break
            result = game.choose(open_choices[-1].id)
            steps.append((view.beat_id, view.text, [c.label for c in view.choices], result.result_text))
        games.append((revived(story), steps, game.snapshot()))
    assert [g[0] for g in games] == [False, True]
    assert games[0][1:] == games[1][1:]


@pytest.mark.parametrize("edit", ["scene", "manifest", "new file", "catalogue"])
def test_an_edit_is_loaded_from_the_files(tmp_path: Path, crevasse: Path, edit: str) -> None:
    folder = tmp_path / "cache"
    lang = "ru" if edit == "catalogue" else ""
    load(crevasse, folder, lang)
    scene = crevasse / "1_depot.yaml"
    if edit == "scene":
        scene.write_text(scene.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    elif edit == "manifest":
        manifest = crevasse / "story.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    elif edit == "new file":
        (crevasse / "4_more.yaml").write_text("# not yet a scene\n", encoding="utf-8")
    else:
        po = crevasse / "locales" / "ru.po"
        po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    if edit == "new file":
        with pytest.raises(StoryError):  # the new, empty scene file is reported, not hidden by the cache
            load(crevasse, folder, lang)
        return
    story = load(crevasse, folder, lang)
    assert not revived(story)
    assert described(story) == described(load_story(crevasse, lang, ParsedFiles()))
    assert revived(load(crevasse, folder, lang))  # the new story was kept in the same slot
    assert len(slots(folder)) == 1


def test_a_story_with_errors_is_never_kept(tmp_path: Path, crevasse: Path) -> None:
    scene = crevasse / "1_depot.yaml"
    scene.write_text(scene.read_text(encoding="utf-8").replace("target:", "target: nowhere\n    x:", 1), "utf-8")
    folder = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(StoryError):
            load(crevasse, folder)
    assert slots(folder) == []


def damage(slot: Path, how: str, crevasse: Path, tmp_path: Path) -> None:
    blob = slot.read_bytes()
    if how == "truncated":
        slot.write_bytes(blob[: len(blob) // 2])
    elif how == "flipped":
        slot.write_bytes(blob[:-1] + bytes([blob[-1] ^ 0xFF]))
    elif how == "empty":
        slot.write_bytes(b"")
    elif how == "garbage":
        slot.write_bytes(b"\x00\xff" * 500)
    elif how == "folder":
        slot.unlink()
        slot.mkdir()
    elif how == "foreign":  # another story's slot, intact, in this story's place
        other = Path(shutil.copytree(MINI, tmp_path / "mini"))
        shelf = CompiledStories(tmp_path / "other")
        load(other, tmp_path / "other")
        slot.write_bytes(shelf.slot(other, "").read_bytes())
    elif how == "wrong shapes":  # sealed and under the right key, but not a story's files
        key = compiled.marshal.loads(blob[40:])[0]
        slot.write_bytes(seal(MAGIC, (key, ("story.yaml", {"id": 1}, {}, b""), ())))


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "garbage", "folder", "foreign", "wrong shapes"])
def test_a_damaged_slot_is_ignored_and_the_story_loaded_again(tmp_path: Path, crevasse: Path, how: str) -> None:
    folder = tmp_path / "cache"
    expected = described(load(crevasse, folder))
    [slot] = slots(folder)
    damage(slot, how, crevasse, tmp_path)
    story = load(crevasse, folder)
    assert not revived(story) and described(story) == expected
    if how != "folder":  # rewritten whole: the next load revives it
        again = load(crevasse, folder)
        assert revived(again) and described(again) == expected


def test_a_story_kept_by_another_engine_is_not_used(
    tmp_path: Path, crevasse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    expected = described(load(crevasse, folder))
    monkeypatch.setattr(compiled, "_ENGINE", b"another version of the loader")
    story = load(crevasse, folder)
    assert not revived(story) and described(story) == expected


def test_a_cache_folder_that_cannot_be_written_is_left_alone(tmp_path: Path, crevasse: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    expected = described(load_story(crevasse, files=ParsedFiles()))
    for _ in range(2):
        story = load(crevasse, blocker)
        assert not revived(story) and described(story) == expected
    assert blocker.read_text() == "a file where the folder should be"


def test_the_cache_folders_are_the_users_own(tmp_path: Path, crevasse: Path) -> None:
    folder = tmp_path / "cache" / "voskhod"
    load(crevasse, folder)
    for made in (tmp_path / "cache", folder, folder / compiled.FOLDER):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made


def test_a_moved_story_is_loaded_with_its_new_paths(tmp_path: Path, crevasse: Path) -> None:
    folder = tmp_path / "cache"
    load(crevasse, folder)
    moved = Path(shutil.copytree(crevasse, tmp_path / "moved"))
    story = load(moved, folder)
    assert not revived(story)
    assert all(b.where is None or str(b.where.path).startswith(str(moved)) for b in story.beats.values())


def test_revived_beats_behave_as_a_mapping_built_on_demand(tmp_path: Path, crevasse: Path) -> None:
    folder = tmp_path / "cache"
    loaded = load(crevasse, folder)
    story = load(crevasse, folder)
    beats = story.beats
    assert isinstance(beats, LazyBeats) and list(beats) == list(loaded.beats) and len(beats) == len(loaded.beats)
    assert story.start in beats and "nowhere.at_all" not in beats
    with pytest.raises(KeyError):
        beats["nowhere.at_all"]
    assert beats.get("nowhere.at_all") is None
    start = beats[story.start]
    assert beats[story.start] is start and str(start.text) == str(loaded.beats[story.start].text)
    assert [b.id for b in beats.values()] == list(loaded.beats)
    assert [qid for qid, _ in beats.items()] == list(loaded.beats) and beats[story.start] is start
