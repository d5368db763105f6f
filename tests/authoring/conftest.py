"""Shared helpers: a clean story to break, and the check command's result for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from voskhod_game.authoring.scaffold import scaffold

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"


@pytest.fixture
def clean_story(tmp_path: Path) -> Path:
    """The `voskhod new` story: no errors and no warnings, ready to be broken."""
    root = tmp_path / "story"
    scaffold(root, "Lighthouse")
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a story file."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, name: str, marker: str) -> int:
    """1-based line of the first line containing ``marker``."""
    for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {name}")


Edit = Callable[[Path], None]
