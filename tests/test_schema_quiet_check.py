"""The schema's quiet check (``valid``) agrees with the full one on every value it is given.

The loader asks ``object_valid`` first and runs ``check_object`` (with its key paths and
messages) only where the quiet one says no, so a quiet check that let a bad value through
would hide an error. Every value of real scene and manifest files is replaced, one at a
time, by hostile ones, and both checks must agree.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import MINI, REPO
from voskhod_game.story import schema
from voskhod_game.story.diagnostics import Diagnostic
from voskhod_game.story.schema import check_object, object_valid
from voskhod_game.story.yamlsource import SourceFile, read_yaml

HOSTILE: list[Any] = [
    None, True, False, 0, -1, 1.5, 1e400, -1e400, math.nan, 10**30, "", "   ", "Bad Id!", "x",
    "1:30", [], [None], [""], {}, {"x": 1}, {"Bad Key": 1}, {"id": "a"},
]  # fmt: skip


def places(value: Any, key: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield key
    if isinstance(value, dict):
        for k, v in value.items():
            yield from places(v, (*key, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from places(v, (*key, i))


def replaced(data: Any, key: tuple[Any, ...], new: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for step in key[:-1]:
        node = node[step]
    node[key[-1]] = new
    return out


def agree(data: Any, kind: str, src: SourceFile) -> None:
    found: list[Diagnostic] = []
    schema.QUIET_FIRST = False  # the full check all the way down
    try:
        full = check_object(data, kind, (), src, found)
    finally:
        schema.QUIET_FIRST = True
    assert object_valid(data, kind) == (full and not found), [d.format() for d in found]


def sources() -> list[tuple[Path, str]]:
    crevasse = REPO / "examples" / "crevasse"
    scenes = [p for p in sorted(crevasse.glob("*.yaml")) if p.name not in ("story.yaml", "facts.yaml")]
    return [(MINI / "story.yaml", "manifest"), (crevasse / "story.yaml", "manifest"), *((p, "scene") for p in scenes)]


@pytest.mark.parametrize(("path", "kind"), sources(), ids=lambda v: getattr(v, "name", v))
def test_the_quiet_check_agrees_with_the_full_one(path: Path, kind: str) -> None:
    src = read_yaml(path, [])
    assert src is not None and isinstance(src.data, dict)
    agree(src.data, kind, src)
    keys = [k for k in places(src.data) if k]
    for n, key in enumerate(keys):
        for new in HOSTILE[n % 3 :: 3]:  # each place gets a third of the hostile values, all are used
            agree(replaced(src.data, key, new), kind, src)
    for key in keys:  # an unknown key beside each known one, and a missing one
        if isinstance(key[-1], str):
            agree(replaced(src.data, (*key[:-1], "surprise"), 1), kind, src)
            without = copy.deepcopy(src.data)
            node = without
            for step in key[:-1]:
                node = node[step]
            del node[key[-1]]
            agree(without, kind, src)
