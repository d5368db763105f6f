"""Play a story many times without a player, and count what happened.

Three strategies:

* ``random``: seeded play-throughs in the style of ChoiceScript's
  ``randomtest``: at each beat, usually (3 times in 4) take one of the enabled
  choices taken least often so far, ties broken by the seeded dice, otherwise
  any enabled choice. Preferring the least-taken covers a story in far fewer
  runs than uniform play; the random quarter still wanders into paths that
  depend on meters (waiting until the air runs out).
* ``cautious``: the same, but a choice that can end the game in a loss at
  once is left alone while a safe choice exists: one of the outcomes it can
  have now (by the engine's own odds) is a lost ending, or playing that
  outcome ends the game lost (a meter at its limit, entry effects, a routing
  beat). Each possible outcome is looked ahead once, forced, and rewound.
  Nothing more is avoided: not a risk several choices away, not an outcome
  that cannot happen now. Its endings and meters describe a sensible player,
  not a reckless one.
* ``exhaustive``: depth-first search over every enabled choice and every
  outcome it can have (each side of a chance roll, the branch whose condition
  holds, each weighted branch), each forced once, with states already seen
  skipped. For small stories; it stops at a bound (states, depth) and says so.

Random and cautious runs are played in blocks of ``BLOCK_RUNS``: a block's
dice and least-taken counts depend only on the seed and the block's number,
so blocks can be played in any order, in other processes (``jobs``), and the
merged report is the same for the same seed whatever the number of jobs.

The loop fires choices through the story's Machine (``Rules.fire``) on one
Game reused with ``Game.reset()`` and keeping no records (history, log,
samples), so building the state machine is paid once per story, not per run.
"""

from __future__ import annotations

import functools
import gc
import math
import multiprocessing
import operator
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.game import Checkpoint, Game
from ..engine.rng import Rng
from ..engine.rules import Runner, possible_outcomes, rules_for
from ..story.model import CHANCE_INDEX, Choice, Story

STRATEGIES = ("random", "cautious", "exhaustive")
DEFAULT_MAX_STEPS = 500
DEFAULT_MAX_STATES = 200_000
CHUNK = 8192  # meter values buffered per scene before folding
RESERVOIR = 8192  # rows of meter values kept per scene for the median
# Random runs keep the meter values of every SAMPLE_EVERY-th visit of each beat (its first
# included) for the median: a sample is all a median needs (the pool is thinned anyway), and
# keeping every row was a tenth of a run. The minimum and maximum see every visit.
SAMPLE_EVERY = 4
MAX_SOFTLOCK_EXAMPLES = 20
BLOCK_RUNS = 250  # runs played with one block's dice and counts (the unit of work for --jobs)
LOOP_WINDOW = 40  # the last choices of a run cut off at the step limit: where it was going round

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MeterRange:
    min: float
    median: float
    max: float


@dataclass(frozen=True)
class SoftLock:
    """A game that reached a beat with no enabled choice, and how."""

    beat: str
    path: tuple[str, ...]  # ``beat:choice`` steps from the start
    count: int


@dataclass
class Report:
    story_id: str
    strategy: str
    seed: int
    runs: int
    beat_hits: dict[str, int]
    choice_hits: dict[str, int]  # ``beat:choice``
    endings: dict[str, int]
    ending_types: dict[str, int]
    causes_of_loss: dict[str, int]
    meter_ranges: dict[str, dict[str, MeterRange]]  # scene -> meter -> range
    soft_locks: list[SoftLock]
    cut_off: int  # runs stopped at the step limit (a loop?)
    cut_off_beats: dict[str, int]  # beat -> cut-off runs that were going round through it, most first
    mean_choices: float
    mean_minutes: float
    seconds: float
    bound_hit: str = ""  # exhaustive only: which bound stopped the search
    states: int = 0  # exhaustive only: distinct states explored
    jobs: int = 1  # processes the runs were shared between (the report does not depend on it)

    @property
    def complete(self) -> bool:
        """False when an exhaustive search stopped at a bound: its counts cover only what it saw."""
        return not self.bound_hit

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.seconds if self.seconds > 0 else 0.0

    @property
    def beats_never_reached(self) -> list[str]:
        return [b for b, n in self.beat_hits.items() if n == 0]

    @property
    def choices_never_taken(self) -> list[str]:
        return [c for c, n in self.choice_hits.items() if n == 0]

    @property
    def endings_never_reached(self) -> list[str]:
        return [e for e, n in self.endings.items() if n == 0]

    def to_json(self, *, timing: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "story": self.story_id,
            "strategy": self.strategy,
            "seed": self.seed,
            "runs": self.runs,
            "coverage": {
                "beats": _fraction(self.beat_hits),
                "choices": _fraction(self.choice_hits),
                "endings": _fraction(self.endings),
            },
            "beat_hits": self.beat_hits,
            "choice_hits": self.choice_hits,
            "never_reached": {
                "beats": self.beats_never_reached,
                "choices": self.choices_never_taken,
                "endings": self.endings_never_reached,
            },
            "endings": self.endings,
            "ending_types": self.ending_types,
            "causes_of_loss": self.causes_of_loss,
            "meter_ranges": {
                scene: {m: r.__dict__ for m, r in meters.items()} for scene, meters in self.meter_ranges.items()
            },
            "soft_locks": [{"beat": s.beat, "count": s.count, "path": list(s.path)} for s in self.soft_locks],
            "cut_off_runs": self.cut_off,
            "cut_off_beats": self.cut_off_beats,
            "complete": self.complete,
            "mean_choices": round(self.mean_choices, 3),
            "mean_mission_minutes": round(self.mean_minutes, 3),
        }
        if self.strategy == "exhaustive":
            out["states"] = self.states
            out["bound_hit"] = self.bound_hit
        if timing:
            out["jobs"] = self.jobs
            out["seconds"] = round(self.seconds, 4)
            out["runs_per_second"] = round(self.runs_per_second, 1)
        return out


def _fraction(hits: dict[str, int]) -> dict[str, int]:
    return {"reached": sum(1 for n in hits.values() if n), "total": len(hits)}


def widen(lows: dict[str, float], highs: dict[str, float], values: dict[str, Any], names: Sequence[str]) -> None:
    """Widen a scene's ranges (lowest and highest value per meter) to the ``names`` meters' values."""
    for name in names:
        value = values[name]
        if value < lows[name]:
            lows[name] = value
        if value > highs[name]:
            highs[name] = value


class _Tally:
    """Counters shared by both strategies."""

    def __init__(self, story: Story, seed: int) -> None:
        self.story = story
        self.beat_hits = dict.fromkeys(story.beats, 0)
        self.route_beats = tuple(b.id for b in story.beats.values() if b.is_route)
        self.choice_hits = {f"{b.id}:{c.id}": 0 for b in story.beats.values() for c in b.choices}
        self.choice_keys = {(b.id, c.id): f"{b.id}:{c.id}" for b in story.beats.values() for c in b.choices}
        self.endings = dict.fromkeys(story.endings, 0)
        self.causes: Counter[str] = Counter()
        self.soft_locks: dict[str, SoftLock] = {}
        self.cut_off = 0
        self.looping: Counter[str] = Counter()
        self.lengths: list[int] = []
        self.minutes: list[float] = []
        self.meter_names = list(story.meters)
        self.scene_of = {b.id: b.scene for b in story.beats.values()}
        self.rows: dict[str, list[tuple[float, ...]]] = {sc.id: [] for sc in story.scenes}
        self.pool: dict[str, list[tuple[float, ...]]] = {sc.id: [] for sc in story.scenes}
        # Each scene's exact extremes so far, per meter (infinite until the scene is first seen).
        self.lows = {sc.id: dict.fromkeys(self.meter_names, math.inf) for sc in story.scenes}
        self.highs = {sc.id: dict.fromkeys(self.meter_names, -math.inf) for sc in story.scenes}
        # Per beat, its scene's buffer (fold empties it in place), and the meter values as one tuple, read in C.
        self.rows_of = {b.id: self.rows[b.scene] for b in story.beats.values() if b.scene in self.rows}
        names = self.meter_names
        self.meter_values: Callable[[dict[str, Any]], tuple[float, ...]] = (
            operator.itemgetter(*names) if len(names) > 1 else lambda values: tuple(values[n] for n in names)
        )

    def at_beat(self, beat_id: str, values: dict[str, Any]) -> None:
        """Count a visit and keep the meter values for the scene's ranges."""
        self.beat_hits[beat_id] += 1
        scene = self.scene_of[beat_id]
        rows = self.rows_of.get(beat_id)
        if rows is None:
            rows = self.rows[scene]
        rows.append(self.meter_values(values))
        if len(rows) >= CHUNK:
            self.fold(scene)
        widen(self.lows[scene], self.highs[scene], values, self.meter_names)

    def extremes(self) -> dict[str, tuple[list[float], list[float]]]:
        """Per scene seen, its meters' lowest and highest values, in the story's order of meters."""
        names = self.meter_names
        out = {}
        for scene, lows in self.lows.items():
            if names and lows[names[0]] != math.inf:
                highs = self.highs[scene]
                out[scene] = ([float(lows[n]) for n in names], [float(highs[n]) for n in names])
        return out

    def fold(self, scene: str) -> None:
        """Move buffered values into a thinned sample for the median (the extremes are kept as they come)."""
        rows = self.rows[scene]
        if not rows:
            return
        pool = self.pool[scene]
        pool.extend(rows[:: max(1, len(rows) // (RESERVOIR // 4))])
        if len(pool) > RESERVOIR:
            del pool[1::2]
        rows.clear()

    def passed(self, game: Game) -> None:
        """Routing beats are passed through, never stopped at: count them from the run's visits."""
        visits = game.run.visits
        for beat_id in self.route_beats:
            self.beat_hits[beat_id] += visits.get(beat_id, 0)

    def ended(self, game: Game, choices: int) -> None:
        """A run (or an explored branch) reached an ending after ``choices`` choices."""
        self.passed(game)
        ending_id = game.ending_id or ""
        self.endings[ending_id] += 1
        ending = self.story.endings[ending_id]
        if ending.type == "lost":
            self.causes[ending.cause or ending.id] += 1
        self.lengths.append(choices)
        self.minutes.append(game.elapsed)

    def cut(self, path: list[str] | tuple[str, ...]) -> None:
        """A run stopped at the step limit: count the beats of its last choices, once each (its loop)."""
        self.cut_off += 1
        self.looping.update({key.split(":", 1)[0] for key in path[-LOOP_WINDOW:]})

    def counts(self) -> dict[str, Any]:
        """Everything counted, as plain data another process can send back (see :meth:`absorb`)."""
        for scene in list(self.rows):
            self.fold(scene)
        return {
            "beat_hits": self.beat_hits,
            "choice_hits": self.choice_hits,
            "endings": self.endings,
            "causes": dict(self.causes),
            "soft_locks": list(self.soft_locks.values()),
            "cut_off": self.cut_off,
            "looping": dict(self.looping),
            "lengths": self.lengths,
            "minutes": self.minutes,
            "extremes": self.extremes(),
            "pool": self.pool,
        }

    def absorb(self, counts: dict[str, Any]) -> None:
        """Add a block's :meth:`counts`; blocks absorbed in the same order give the same tally."""
        for mine, theirs in ((self.beat_hits, counts["beat_hits"]), (self.choice_hits, counts["choice_hits"])):
            for key, n in theirs.items():
                mine[key] += n
        for key, n in counts["endings"].items():
            self.endings[key] += n
        self.causes.update(counts["causes"])
        for lock in counts["soft_locks"]:
            known = self.soft_locks.get(lock.beat)
            if known is not None:
                self.soft_locks[lock.beat] = SoftLock(lock.beat, known.path, known.count + lock.count)
            elif len(self.soft_locks) < MAX_SOFTLOCK_EXAMPLES:
                self.soft_locks[lock.beat] = lock
        self.cut_off += counts["cut_off"]
        self.looping.update(counts["looping"])
        self.lengths.extend(counts["lengths"])
        self.minutes.extend(counts["minutes"])
        names = self.meter_names
        for scene, (lows, highs) in counts["extremes"].items():
            widen(self.lows[scene], self.highs[scene], dict(zip(names, lows, strict=True)), names)
            widen(self.lows[scene], self.highs[scene], dict(zip(names, highs, strict=True)), names)
        for scene, rows in counts["pool"].items():
            pool = self.pool[scene]
            pool.extend(rows)
            while len(pool) > RESERVOIR:
                del pool[1::2]

    def stuck(self, beat_id: str, path: tuple[str, ...]) -> None:
        known = self.soft_locks.get(beat_id)
        if known is None:
            if len(self.soft_locks) < MAX_SOFTLOCK_EXAMPLES:
                self.soft_locks[beat_id] = SoftLock(beat_id, path, 1)
        else:
            self.soft_locks[beat_id] = SoftLock(beat_id, known.path, known.count + 1)

    def report(self, strategy: str, seed: int, runs: int, seconds: float, **extra: Any) -> Report:
        ranges: dict[str, dict[str, MeterRange]] = {}
        extremes = self.extremes()
        for scene in self.story.scenes:
            # Never folded: the median of every value; otherwise of the thinned sample.
            pool = list(self.rows[scene.id]) if not self.pool[scene.id] else None
            self.fold(scene.id)
            if scene.id not in extremes:
                continue
            lows, highs = extremes[scene.id]
            pool = pool if pool is not None else self.pool[scene.id]
            for i, (name, column) in enumerate(zip(self.meter_names, zip(*pool, strict=True), strict=True)):
                ranges.setdefault(scene.id, {})[name] = MeterRange(lows[i], float(statistics.median(column)), highs[i])
        types: Counter[str] = Counter()
        for ending_id, n in self.endings.items():
            types[self.story.endings[ending_id].type] += n
        return Report(
            story_id=self.story.id,
            strategy=strategy,
            seed=seed,
            runs=runs,
            beat_hits=self.beat_hits,
            choice_hits=self.choice_hits,
            endings=self.endings,
            ending_types={t: types.get(t, 0) for t in ("historical", "survived", "lost")},
            causes_of_loss=dict(self.causes.most_common()),
            meter_ranges=ranges,
            soft_locks=sorted(self.soft_locks.values(), key=lambda s: s.beat),
            cut_off=self.cut_off,
            cut_off_beats=dict(sorted(self.looping.items(), key=lambda kv: (-kv[1], kv[0]))),
            mean_choices=statistics.fmean(self.lengths) if self.lengths else 0.0,
            mean_minutes=statistics.fmean(self.minutes) if self.minutes else 0.0,
            seconds=seconds,
            **extra,
        )


def simulate_random(
    story: Story,
    runs: int,
    seed: int = 0,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    progress: Progress | None = None,
    jobs: int = 1,
    strategy: str = "random",
) -> Report:
    """``runs`` seeded play-throughs preferring the least-taken choice (``strategy`` random or cautious)."""
    return _simulate_runs(story, runs, seed, strategy, max_steps, progress, jobs)


simulate_cautious = functools.partial(simulate_random, strategy="cautious")
simulate_cautious.__doc__ = "Random runs that never take a choice that can lose at once while a safe one is open."


def _simulate_runs(
    story: Story, runs: int, seed: int, strategy: str, max_steps: int, progress: Progress | None, jobs: int
) -> Report:
    blocks = [(b, min(BLOCK_RUNS, runs - b * BLOCK_RUNS)) for b in range(math.ceil(runs / BLOCK_RUNS))]
    tally = _Tally(story, seed)
    started = time.perf_counter()
    done = 0
    jobs = max(1, min(jobs, len(blocks)))
    if jobs == 1:
        collecting = gc.isenabled()
        gc.disable()  # for all the blocks, not each (see _play_block)
        try:
            results = (_play_block(story, seed, b, n, strategy, max_steps) for b, n in blocks)
            for (_, n), counts in zip(blocks, results, strict=True):
                tally.absorb(counts)
                done += n
                if progress is not None:
                    progress(done, runs)
        finally:
            if collecting:
                gc.enable()
    else:
        from concurrent.futures import ProcessPoolExecutor

        # "spawn": a fresh interpreter loads the story from its folder (compiled
        # expressions cannot be pickled), and no state of this process leaks in.
        with ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_load_worker, initargs=(story.root,)
        ) as pool:
            work = [(seed, b, n, strategy, max_steps) for b, n in blocks]
            for (_, n), counts in zip(blocks, pool.map(_play_block_in_worker, work), strict=True):
                tally.absorb(counts)  # in block order, whichever finished first
                done += n
                if progress is not None:
                    progress(done, runs)
    seconds = time.perf_counter() - started
    return tally.report(strategy, seed, runs, seconds, jobs=jobs)


_WORKER_STORY: Story | None = None


def _load_worker(root: Any) -> None:
    global _WORKER_STORY
    from ..story.loader import load_story

    _WORKER_STORY = load_story(root)


def _play_block_in_worker(work: tuple[int, int, int, str, int]) -> dict[str, Any]:
    assert _WORKER_STORY is not None, "the pool's initializer loads the story"
    return _play_block(_WORKER_STORY, *work)


def _play_block(story: Story, seed: int, block: int, runs: int, strategy: str, max_steps: int) -> dict[str, Any]:
    """Play one block of runs with the garbage collector paused.

    The runs make no reference cycles (everything they make is freed as they
    go), but they make many small objects, and each of the collector's full
    passes would walk the whole story and its Machine again: paused, a run
    costs about an eighth less.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _play_runs(story, seed, block, runs, strategy, max_steps)
    finally:
        if collecting:
            gc.enable()


def _play_runs(story: Story, seed: int, block: int, runs: int, strategy: str, max_steps: int) -> dict[str, Any]:
    """Play one block of runs; its dice come from the seed and the block number only.

    The hot loop of ``voskhod simulate``: each beat's menu comes with its
    choices' gates and tally keys looked up once (a beat whose choices have no
    condition has a menu that never changes), the picker is ``random.Random``
    (the game's own dice stay in the run), and the game keeps no records.
    """
    tally = _Tally(story, seed)
    rand = random.Random(Rng.from_seed(seed).next64() ^ block).random
    hits = tally.choice_hits
    beat_hits = tally.beat_hits
    meter_values = tally.meter_values
    meter_names = tally.meter_names
    all_lows, all_highs = tally.lows, tally.highs
    lows, highs = all_lows[story.scenes[0].id], all_highs[story.scenes[0].id]
    menus = _menus(story, tally)
    lost = frozenset(e.id for e in story.endings.values() if e.type == "lost")
    cautious = strategy == "cautious"
    game = Game.new(story, 0)
    game.records = False
    through_library = game.rules.through_library
    for _ in range(runs):
        game.reset(int(rand() * 0x80000000))
        run = game.run  # the same object until the next reset (a cautious look-ahead rewinds it in place)
        path: list[str] = []
        last_scene = ""
        while True:
            beat_id = run.beat
            menu = menus.get(beat_id)
            if menu is None:  # an ending
                tally.ended(game, len(path))
                break
            fixed, gated, rows, scene = menu
            visits = beat_hits[beat_id] + 1
            beat_hits[beat_id] = visits
            env = game.env
            if visits % SAMPLE_EVERY == 1:  # counted per block, so blocks sample alike whatever --jobs
                rows.append(meter_values(env))
                if len(rows) >= CHUNK:
                    tally.fold(scene)
            # The scene's ranges: every meter when the run enters the scene, else only those the
            # last choice changed (Game.moved; the others are as they were at the last beat).
            moved = game.moved
            if moved is None or scene != last_scene:
                last_scene = scene
                lows, highs = all_lows[scene], all_highs[scene]
                widen(lows, highs, env, meter_names)
            elif moved:
                widen(lows, highs, env, moved)
            options: Sequence[Option]
            if fixed is not None:
                options = fixed
            else:
                options = []
                for option, gate in gated:
                    if gate is None or gate(game):
                        options.append(option)
            if not options:
                tally.passed(game)
                tally.stuck(beat_id, tuple(path))
                break
            if len(path) >= max_steps:
                tally.passed(game)
                tally.cut(path)
                break
            if cautious and len(options) > 1:
                options = _safe(game, options, lost)
            count = len(options)
            if count == 1:
                choice, key, runner = options[0]
            elif rand() < 0.25:  # now and then any choice, so meter-driven paths are explored too
                choice, key, runner = options[int(rand() * count)]
            elif count == 2:  # the commonest menu: the same pick as the loop below, in fewer steps
                first, second = options
                one, two = hits[first[1]], hits[second[1]]
                if one == two:
                    choice, key, runner = options[int(rand() * 2)]
                else:
                    choice, key, runner = first if one < two else second
            else:  # one of those taken least often so far (a plain loop: the fastest way here)
                fewest = -1
                least: list[Option] = []
                for option in options:
                    taken = hits[option[1]]
                    if taken < fewest or fewest < 0:
                        fewest, least = taken, [option]
                    elif taken == fewest:
                        least.append(option)
                choice, key, runner = least[int(rand() * len(least))] if len(least) > 1 else least[0]
            hits[key] += 1
            path.append(key)
            game.route_hops = 0
            # The choice's transitions from the Machine's table, its gate just checked (Game.step_open).
            if through_library or not runner(game, True):
                game.step_open(choice)
    return tally.counts()


Option = tuple[Choice, str, Runner]  # a choice, its tally key, how its trigger is fired here
Menu = tuple[
    tuple[Option, ...] | None,  # every choice, when none has a gate (a menu that never changes)
    tuple[tuple[Option, Callable[[Game], bool] | None], ...],  # every choice with its gate
    list[tuple[float, ...]],  # the beat's scene's buffer of meter values
    str,  # the beat's scene
]


def _menus(story: Story, tally: _Tally) -> dict[str, Menu]:
    """Per beat that stops for a choice, what the hot loop needs from it, looked up once."""
    rules = rules_for(story)
    out: dict[str, Menu] = {}
    for beat_id, menu in rules.menus.items():
        gated = tuple(((c, tally.choice_keys[beat_id, c.id], rules.runner(c.id, beat_id)), gate) for c, gate in menu)
        fixed = tuple(option for option, _ in gated) if beat_id in rules.always_open else None
        scene = story.beats[beat_id].scene
        out[beat_id] = (fixed, gated, tally.rows[scene], scene)
    return out


def _safe(game: Game, options: Sequence[Option], lost: frozenset[str]) -> Sequence[Option]:
    """The choices that cannot end the game in a loss at once, or all of them when none is safe.

    A choice is unsafe when one of the outcomes it can have now (by the
    Machine's own odds: a chance that can happen, the branch whose condition
    holds or a weighted one with a weight) is a lost ending, or ends the game
    lost when taken: a meter at its limit, entry effects, a routing beat that
    leads there. Outcomes that cannot happen now are not held against it. Each
    outcome is played once, forced, from a mark of the run and rewound, so the
    run and its dice are untouched.
    """
    run = game.run
    here = run.mark()
    safe = []
    for option in options:
        choice = option[0]
        fine = True
        for index, _ in possible_outcomes(choice, game):
            outcome = choice.outcome_at(index)
            if outcome.ending is not None:
                fine = outcome.ending not in lost
            else:
                game.step_open(choice, force_outcome=index)
                fine = not (game.ended and game.ending_id in lost)
                run.rewind(here)
                game.changed()
            if not fine:
                break
        if fine:
            safe.append(option)
    return safe or options


@dataclass
class _Node:
    checkpoint: Checkpoint
    path: tuple[str, ...]
    depth: int = 0


def simulate_exhaustive(
    story: Story,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    max_depth: int = DEFAULT_MAX_STEPS,
    progress: Progress | None = None,
) -> Report:
    """Every reachable state, depth first, each state once, up to the bounds.

    Hit counts are counts of distinct states (a beat with different meter
    values counts once per combination); ``runs`` is the number of finished
    branches (an ending, a soft-lock or the depth bound).
    """
    tally = _Tally(story, 0)
    reads_elapsed = _story_reads_elapsed(story)
    reads_visits = _story_reads(story, "visits(", "seen(", "{&", "{~")
    game = Game.new(story, 0)
    game.records = False
    started = time.perf_counter()
    stack = [_Node(game.checkpoint(), ())]
    visited: set[tuple[Any, ...]] = set()
    runs = 0
    bound = ""
    while stack:
        node = stack.pop()
        game.rewind(node.checkpoint)
        key = _state_key(game, reads_elapsed, reads_visits)
        if key in visited:
            continue
        if len(visited) >= max_states:
            bound = f"stopped after {max_states:,} distinct states (--max-states)"
            break
        visited.add(key)
        beat_id = game.state
        tally.at_beat(beat_id, game.env)
        choices = game.enabled_choices()
        if not choices:
            tally.stuck(beat_id, node.path)
            runs += 1
            continue
        if node.depth >= max_depth:
            tally.cut(node.path)
            runs += 1
            bound = bound or f"some branches are longer than {max_depth} choices (--max-steps)"
            continue
        here = node.checkpoint
        for choice in reversed(choices):
            step = tally.choice_keys[beat_id, choice.id]
            outcomes = possible_outcomes(choice, game)
            several = sum(1 for index, _ in outcomes if index != CHANCE_INDEX) > 1
            for index, _ in outcomes:  # each outcome the choice can have here, forced, once
                game.rewind(here)
                game.step_open(choice, force_outcome=index)
                tally.choice_hits[step] += 1
                mark = "!" if index == CHANCE_INDEX else f"#{index}" if several else ""
                path = (*node.path, step + mark)
                if game.ended:
                    tally.ended(game, node.depth + 1)
                    runs += 1
                else:
                    stack.append(_Node(game.checkpoint(), path, node.depth + 1))
            game.rewind(here)
        if progress is not None and (len(visited) & 1023) == 0:
            progress(len(visited), max_states)
    if progress is not None:
        progress(len(visited), max_states)
    seconds = time.perf_counter() - started
    return tally.report("exhaustive", 0, runs, seconds, bound_hit=bound, states=len(visited))


def _story_reads(story: Story, *words: str) -> bool:
    """Whether any of the story's files mentions one of ``words`` (conditions, effects, texts).

    Deliberately wide: a state key that keeps too much only explores more, one
    that keeps too little would merge states whose futures differ.
    """
    for path in story.root.glob("*.yaml"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return True
        if any(word in text for word in words):
            return True
    return False


def _story_reads_elapsed(story: Story) -> bool:
    return _story_reads(story, "elapsed")


def _state_key(game: Game, reads_elapsed: bool, reads_visits: bool = True) -> tuple[Any, ...]:
    run = game.run
    meters = tuple((k, round(v, 9)) for k, v in sorted(run.meters.items()))
    clock = round(run.elapsed, 9) if reads_elapsed else None
    visits = tuple(sorted(run.visits.items())) if reads_visits else ()
    return (
        run.beat,
        meters,
        tuple(sorted(run.flags.items())),
        clock,
        tuple(sorted(run.rates.items())),
        tuple(sorted(run.taken.items())),
        visits,
    )


def play_uniform(story: Story, seed: int, max_steps: int = 500) -> tuple[Game, list[str], str | None]:
    """One play-through picking uniformly among the enabled choices with ``random.Random(seed)``.

    The plain random player the story's balance figures use (docs/story.md), as opposed to the
    least-taken preference of :func:`simulate`. Returns the game, the beats seen and the beat
    it got stuck in (None unless every choice was disabled or ``max_steps`` ran out).
    """
    import random

    game = Game.new(story, seed=seed)
    pick = random.Random(seed)
    seen = [game.state]
    for _ in range(max_steps):
        if game.ended:
            return game, seen, None
        enabled = game.enabled_choices()
        if not enabled:
            return game, seen, game.state
        game.choose(pick.choice(enabled).id)
        if not game.ended:
            seen.append(game.state)
    return game, seen, game.state
