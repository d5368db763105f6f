"""Saved games of every format, brought up to today's and fitted to the story as it is now.

The policy (also in docs/saves.md):

- A saved game carries ``format``. Each change to its shape bumps
  ``STATE_FORMAT`` and adds one upgrade step ``N -> N+1`` to ``_UPGRADES``.
  Released steps are never edited; a save of each released format is kept in
  ``tests/fixtures/saves/`` and must load and play on.
- A format newer than this version knows is refused with a message, never guessed at.
- After upgrading, the run is fitted to the story as it is now: beats the
  writer renamed (``renamed:`` in the manifest) are followed, new meters and
  flags start at their start values, removed ones are dropped, and values are
  clamped to today's ranges. Each adjustment becomes a note for the player.

Nothing here trusts the data: every step checks what it reads and raises
:class:`~.state.StateError` with a message for the player.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from ..i18n import _
from ..story.model import ENDING_PREFIX, Story
from .state import RunState, StateError

STATE_FORMAT = 2
MAX_UNDO_MARKS = 100
MAX_RENAME_HOPS = 50


def load_run(story: Story, data: Any) -> tuple[RunState, list[dict[str, Any]], list[str]]:
    """The run, undo marks and notes of a saved game of any known format, fitted to ``story``."""
    data = upgrade(data, story)
    if data.get("story_id") != story.id:
        raise StateError(f"this save belongs to the story “{str(data.get('story_id'))[:80]}”, not “{story.id}”")
    run, marks = parse(data)
    notes = fit_to_story(story, run, marks)
    return run, marks, notes


def check_snapshot(data: Any) -> None:
    """Raise StateError unless ``data`` is a whole, readable saved game (no story needed)."""
    parse(upgrade(data, None))


def upgrade(data: Any, story: Story | None) -> dict[str, Any]:
    """A saved game of any known format in today's format (structure not yet checked)."""
    if not isinstance(data, dict):
        raise StateError("the saved game is damaged (not an object)")
    version = data.get("format")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StateError(f"the saved game has no usable format number ({str(version)[:20]})")
    if version > STATE_FORMAT:
        raise StateError(
            f"the saved game is format {version}, made by a newer version of the game; "
            f"this version reads formats 1 to {STATE_FORMAT}"
        )
    while version < STATE_FORMAT:
        try:
            data = _UPGRADES[version](data, story)
        except StateError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise StateError(f"the saved game is damaged ({type(exc).__name__} in a format {version} save)") from None
        version += 1
    return data


def parse(data: dict[str, Any]) -> tuple[RunState, list[dict[str, Any]]]:
    """The run and undo marks of a saved game in today's format, every part checked."""
    run = RunState.from_json(data.get("run"))
    undo = data.get("undo", [])
    if not isinstance(undo, list):
        raise StateError("the saved undo history is damaged")
    marks = [RunState.mark_from_json(m, f"undo[{i}]") for i, m in enumerate(undo[-MAX_UNDO_MARKS:])]
    for mark in marks:
        if mark["history"] > len(run.history) or mark["log"] > len(run.log) or mark["samples"] > len(run.samples):
            raise StateError("the saved undo history does not match the game")
    return run, marks


# -- upgrades -------------------------------------------------------------------------
def _split_values(values: dict[str, Any], story: Story | None) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Format 1 kept meters, flags and the clock in one dict; split it by the story's names.

    Without a story (checking a save for a listing), meters are told by their
    float values: format 1 always stored meters as floats and flags as bool or int.
    """
    meters: dict[str, Any] = {}
    flags: dict[str, Any] = {}
    for name, value in values.items():
        if name == "elapsed":
            continue
        known_meter = story is not None and name in story.meters
        known_flag = story is not None and name in story.flags
        if known_meter or (not known_flag and type(value) is float):
            meters[name] = value
        else:
            flags[name] = value
    return meters, flags, values["elapsed"]


def _v1_to_v2(d: dict[str, Any], story: Story | None) -> dict[str, Any]:
    """Format 1 (first release): ``values`` with an ``elapsed`` key, steps as dicts, no visits."""
    steps = [[s["beat"], s["choice"], s["minute"], 1 if s.get("chance") else 0] for s in d["steps"]]

    def visits(history: list[list[Any]], beat: str) -> dict[str, int]:
        # Every beat a choice was taken in was entered once for it; the current one once more.
        counts = Counter(str(h[0]) for h in history)
        if not beat.startswith(ENDING_PREFIX):
            counts[beat] += 1
        return dict(counts)

    def taken(history: list[list[Any]]) -> dict[str, int]:
        return dict(Counter(f"{h[0]}:{h[1]}" for h in history))

    def part(src: dict[str, Any], history: list[list[Any]]) -> dict[str, Any]:
        meters, flags, elapsed = _split_values(src["values"], story)
        return {
            "seed": d["seed"],
            "beat": src["state"],
            "meters": meters,
            "flags": flags,
            "elapsed": elapsed,
            "rates": src["rates"],
            "rng": src["rng"],
            "visits": visits(history, src["state"]),
            "taken": taken(history),
            "milestones": src["milestones"],
        }

    run = part(d, steps) | {"history": steps, "log": d["log"], "samples": d["samples"]}
    undo = []
    for m in d.get("undo", []):
        n = m["steps"]
        undo.append(part(m, steps[:n]) | {"history": n, "log": m["log"], "samples": m["samples"]})
    return {"format": 2, "story_id": d["story_id"], "fingerprint": d.get("fingerprint", ""), "run": run, "undo": undo}


_UPGRADES: dict[int, Callable[[dict[str, Any], Story | None], dict[str, Any]]] = {1: _v1_to_v2}


# -- fitting a run to the story as it is now -------------------------------------------
def resolve_beat(story: Story, beat: str) -> str:
    """A beat id after the story's renames (``renamed: {old: new}``), followed to the end."""
    for _hop in range(MAX_RENAME_HOPS):
        new = story.renamed.get(beat)
        if new is None:
            return beat
        beat = new
    return beat


def _place_exists(story: Story, state: str) -> bool:
    if state.startswith(ENDING_PREFIX):
        return state[len(ENDING_PREFIX) :] in story.endings
    return state in story.beats


def fit_to_story(story: Story, run: RunState, marks: list[dict[str, Any]]) -> list[str]:
    """Make a run fit today's story; return a note for each thing the player should know."""
    notes: list[str] = []
    run.beat = resolve_beat(story, run.beat)
    if not _place_exists(story, run.beat):
        raise StateError(f"the saved beat “{run.beat[:80]}” no longer exists in this story")
    for step in run.history:
        step.beat = resolve_beat(story, step.beat)
    _fit_run(story, run, notes)
    kept: list[dict[str, Any]] = []
    for mark in marks:
        mark["beat"] = resolve_beat(story, mark["beat"])
        if not _place_exists(story, mark["beat"]):
            notes.append(_("the undo history was cleared: it went back to beats this story no longer has"))
            kept = []
            break
        _fit_mark(story, mark)
        kept.append(mark)
    marks[:] = kept
    return notes


def _renamed_taken(story: Story, taken: dict[str, int]) -> dict[str, int]:
    """``beat:choice`` keys with the beat's current name."""
    out: dict[str, int] = {}
    for key, n in taken.items():
        beat, _sep, choice = key.rpartition(":")
        out[f"{resolve_beat(story, beat)}:{choice}"] = n
    return out


def _fit_run(story: Story, run: RunState, notes: list[str]) -> None:
    run.taken = _renamed_taken(story, run.taken)
    run.visits = {resolve_beat(story, b): n for b, n in run.visits.items()}
    run.milestones = {resolve_beat(story, b): t for b, t in run.milestones.items()}
    for name in [n for n in run.meters if n not in story.meters]:
        del run.meters[name]
        notes.append(_("the meter “{name}” is no longer in the story and was dropped").format(name=name))
    for name, meter in story.meters.items():
        if name not in run.meters:
            run.meters[name] = float(meter.start)
            notes.append(
                _("the story has a new meter, “{label}”, which starts at {start}").format(
                    label=meter.label, start=f"{meter.start:g}"
                )
            )
            continue
        value = run.meters[name]
        clamped = meter.clamp(value)
        if clamped != value:
            run.meters[name] = clamped
            notes.append(
                _("“{label}” was {value}, outside today's range {low} to {high}: now {now}").format(
                    label=meter.label,
                    value=f"{value:g}",
                    low=f"{meter.min:g}",
                    high=f"{meter.max:g}",
                    now=f"{clamped:g}",
                )
            )
    run.rates = {name: run.rates.get(name, meter.rate) for name, meter in story.meters.items()}
    for name in [n for n in run.flags if n not in story.flags]:
        del run.flags[name]
        notes.append(_("the flag “{name}” is no longer in the story and was dropped").format(name=name))
    for name, flag in story.flags.items():
        if name not in run.flags:
            run.flags[name] = flag.default
            notes.append(
                _("the story has a new flag, “{name}”, which starts as {value}").format(
                    name=name, value=repr(flag.default)
                )
            )
        else:
            run.flags[name] = _as_flag_type(run.flags[name], flag.default)


def _fit_mark(story: Story, mark: dict[str, Any]) -> None:
    mark["taken"] = _renamed_taken(story, mark["taken"])
    mark["visits"] = {resolve_beat(story, b): n for b, n in mark["visits"].items()}
    mark["milestones"] = {resolve_beat(story, b): t for b, t in mark["milestones"].items()}
    mark["meters"] = {n: m.clamp(mark["meters"].get(n, float(m.start))) for n, m in story.meters.items()}
    mark["rates"] = {n: mark["rates"].get(n, m.rate) for n, m in story.meters.items()}
    flags = mark["flags"]
    mark["flags"] = {n: _as_flag_type(flags[n], f.default) if n in flags else f.default for n, f in story.flags.items()}


def _as_flag_type(value: Any, default: Any) -> Any:
    """A saved flag value in the type the story declares today (yes/no, a whole number or text)."""
    if isinstance(default, str):
        return value if isinstance(value, str) else default
    if isinstance(value, str):
        return default
    return bool(value) if isinstance(default, bool) else int(value)
