"""The cache of parsed story files: used when the bytes match, never trusted otherwise.

A damaged, stale or foreign cache must never crash a load or change what it
finds: every test compares a cached load with a load that parses everything.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from voskhod_game.story import analyse_story, load_story, parsed
from voskhod_game.story.loader import forget_built
from voskhod_game.story.parsed import ParsedFiles
from voskhod_game.story.yamlsource import SourceFile

MINI = Path(__file__).parent / "fixtures" / "mini"


def outcome(root: Path, files: ParsedFiles) -> tuple[str | None, list[str], list[str]]:
    """What a load finds: the story's fingerprint, every diagnostic, every beat's text."""
    story, found = analyse_story(root, files=files)
    texts = [str(b.text) for b in story.beats.values()] if story else []
    return (story.fingerprint if story else None), [d.format() for d in found], texts


def fresh(folder: Path | None = None) -> ParsedFiles:
    return ParsedFiles(folder)  # its own memory layer: only the disk can help it


def story_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


@pytest.fixture
def broken(mini_copy: Path) -> Path:
    """A story with problems the parser and the schema find (a duplicate key, an unknown key)."""
    scene = next(p for p in story_files(mini_copy) if p.name != "story.yaml")
    text = scene.read_text(encoding="utf-8")
    scene.write_text(text.replace("title:", "title: Once\ntitle:", 1) + "\nsurprise: 1:30\n", encoding="utf-8")
    return mini_copy


def test_the_cache_keeps_every_field_of_a_parsed_file() -> None:
    carried = {f.name for f in dataclasses.fields(parsed.Entry)} | {"path", "content"}
    assert {f.name for f in dataclasses.fields(SourceFile)} <= carried


def test_an_unchanged_story_is_not_parsed_again_and_an_edit_parses_one_file(mini_copy: Path) -> None:
    files = fresh()
    first = outcome(mini_copy, files)
    count = len(story_files(mini_copy))
    assert files.parsed == count
    assert outcome(mini_copy, files) == first and files.parsed == count
    scene = next(p for p in story_files(mini_copy) if p.name != "story.yaml")
    scene.write_text(scene.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert outcome(mini_copy, files)[1:] == first[1:] and files.parsed == count + 1


@pytest.mark.parametrize("story", ["mini", "broken"])
def test_a_load_from_disk_finds_what_parsing_finds(tmp_path: Path, broken: Path, story: str) -> None:
    root = MINI if story == "mini" else broken
    expected = outcome(root, fresh())
    assert outcome(root, fresh(tmp_path / "cache")) == expected
    warm = fresh(tmp_path / "cache")
    assert outcome(root, warm) == expected
    assert warm.parsed == 0  # everything came from the disk


def damage(entry: Path, how: str, other: Path) -> None:
    blob = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(blob[: len(blob) // 2])
    elif how == "flipped":
        entry.write_bytes(blob[:-1] + bytes([blob[-1] ^ 0xFF]))
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "garbage":
        entry.write_bytes(b"\x00\xff" * 500)
    elif how == "foreign":  # another file's entry, intact, under this key
        entry.write_bytes(other.read_bytes())
    elif how == "folder":
        entry.unlink()
        entry.mkdir()
    elif how == "header only":
        entry.write_bytes(blob[:40])


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "garbage", "foreign", "folder", "header only"])
def test_a_damaged_entry_is_ignored_and_parsed_again(tmp_path: Path, broken: Path, how: str) -> None:
    folder = tmp_path / "cache"
    expected = outcome(broken, fresh())
    outcome(broken, fresh(folder))
    entries = sorted(folder.glob("*.bin"))
    assert len(entries) == len(story_files(broken))
    for entry, other in zip(entries, entries[1:] + entries[:1], strict=True):
        damage(entry, how, other)
    again = fresh(folder)
    assert outcome(broken, again) == expected
    assert again.parsed == len(entries)  # nothing damaged was used
    if how != "folder":  # rewritten whole: the next load finds them again
        healed = fresh(folder)
        assert outcome(broken, healed) == expected and healed.parsed == 0


def test_entries_of_another_engine_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    expected = outcome(MINI, fresh(folder))
    monkeypatch.setattr(parsed, "ENGINE", b"another version of the parser")
    stale = fresh(folder)
    assert outcome(MINI, stale) == expected and stale.parsed == len(story_files(MINI))


def test_a_cache_folder_that_cannot_be_written_is_left_alone(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    expected = outcome(MINI, fresh())
    assert outcome(MINI, fresh(blocker)) == expected
    assert blocker.read_text() == "a file where the folder should be"


def test_a_story_moved_elsewhere_reports_its_new_paths(tmp_path: Path, broken: Path) -> None:
    folder = tmp_path / "cache"
    outcome(broken, fresh(folder))
    moved = shutil.copytree(broken, tmp_path / "moved")
    found = outcome(moved, fresh(folder))[1]
    assert found and all(line.startswith(str(moved)) for line in found if not line.startswith("    "))


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(parsed.CACHE_ENV, str(tmp_path / "here"))
    assert parsed.default_folder() == tmp_path / "here"
    monkeypatch.setenv(parsed.CACHE_ENV, "off")
    assert parsed.default_folder() is None and parsed.on_disk() is parsed.MEMORY


CREVASSE = Path(__file__).resolve().parent.parent / "examples" / "crevasse"


def built(root: Path, lang: str = "") -> tuple[Any, ...]:
    """What a load gives a player and a translator: beats' texts and choices, the template's texts."""
    story = load_story(root, lang)
    beats = [(b.id, str(b.text), [(c.id, str(c.label)) for c in b.choices]) for b in story.beats.values()]
    return beats, tuple(story.texts), story.fingerprint


@pytest.mark.parametrize("lang", ["", "ru"])
def test_a_reload_that_reuses_built_beats_gives_the_same_story(tmp_path: Path, lang: str) -> None:
    root = shutil.copytree(CREVASSE, tmp_path / "crevasse")
    forget_built()
    first = built(root, lang)
    assert built(root, lang) == first  # the beats of every file kept from the first load
    forget_built()
    assert built(root, lang) == first  # and the same as building them all again


def test_a_changed_catalogue_rebuilds_the_beats_it_translates(tmp_path: Path) -> None:
    root = shutil.copytree(CREVASSE, tmp_path / "crevasse")
    catalogue = root / "locales" / "ru.po"
    original = catalogue.read_text(encoding="utf-8")
    word = "Полозья проверены."  # in the first beat's translated text
    assert word in original
    before = built(root, "ru")  # every beat kept for reloads
    catalogue.write_text(original.replace(word, "Полозья ПРОВЕРЕНЫ.", 1), encoding="utf-8")
    after = built(root, "ru")
    assert "ПРОВЕРЕНЫ" in str(after[0]) and "ПРОВЕРЕНЫ" not in str(before[0])
    forget_built()
    assert built(root, "ru") == after  # what building every beat again gives
