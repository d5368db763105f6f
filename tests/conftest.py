"""Shared fixtures: the small test story, copies of it to break, save stores."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from voskhod_game.engine.saves import SaveStore
from voskhod_game.story import Story, load_story

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).resolve().parent.parent
CREVASSE = REPO / "examples" / "crevasse"
# Words of the Voskhod-2 story: a front end showing any of them while playing another story
# has story data hard-coded in Python.
VOSKHOD_WORDS = ("Voskhod", "Leonov", "Belyayev", "Baikonur", "1965")


def voskhod_words_in(text: str) -> list[str]:
    """The story's words in ``text`` (case matters: the program is called ``voskhod``)."""
    return [word for word in VOSKHOD_WORDS if word in text]


_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Commands keep parsed story files in a cache folder: the tests' own, never the user's."""
    if "VOSKHOD_CACHE" not in os.environ:
        _CACHE.append(tempfile.mkdtemp(prefix="voskhod-test-cache-"))
        os.environ["VOSKHOD_CACHE"] = _CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _CACHE:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mini() -> Story:
    return load_story(MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini story, for tests that break it."""
    target = tmp_path / "story"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def store(tmp_path: Path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


@pytest.fixture(autouse=True)
def _game_speaks_english():
    """Every test starts and ends with the game's words in English (a test may run ``--lang ru``)."""
    from voskhod_game.i18n import set_language

    set_language("en")
    yield
    set_language("en")


def play_trace(story: Story, seed: int, steps: int = 60) -> list[tuple[object, ...]]:
    """A seeded game taking random open choices: the run after each (beat, meters, flags, visits, history, dice)."""
    import random

    from voskhod_game.engine import Game

    game = Game.new(story, seed)
    pick = random.Random(seed)
    out = []
    for _ in range(steps):
        if game.ended:
            break
        game.choose(pick.choice(game.enabled_choices()).id)
        run = game.run
        out.append((run.beat, dict(run.meters), dict(run.flags), dict(run.visits), list(run.history), run.rng))
    return out
