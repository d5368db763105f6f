"""``voskhod simulate``: play a story many times and report coverage, endings and meters.

Exit status: 0 when the runs finished, 1 when a run got stuck (a soft-lock:
a beat with every choice disabled) or the story does not load, 2 for a usage
error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..authoring.simulate import Report
    from ..story.model import Story

from ..i18n import _, ngettext
from ..i18n import format_grouped as num
from .common import load_or_report, story_arg, story_path

MAX_RUNS = 10_000_000
MAX_LOOP_BEATS = 8  # beats of cut-off loops listed in the text report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help=_("play the story many times and report what happened"),
        description=_(
            "Seeded play-throughs that prefer the least-taken choice (random), the same avoiding "
            "choices that can lose at once while a safe one is open (cautious: a sensible player), or every path "
            "of a small story (exhaustive). Reports hit counts for every beat and choice, what was never reached, "
            "endings and causes of loss, meter ranges per scene, soft-locks with the path to them, loops that "
            "runs could not leave, average length and speed. The same seed gives the same report, whatever --jobs."
        ),
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help=_("story directory (default: the story that comes with the game)")
    )
    p.add_argument("--runs", type=int, default=1000, help=_("play-throughs for the random strategy (default 1000)"))
    p.add_argument("--seed", type=int, default=0, help=_("seed: the same seed gives the same report (default 0)"))
    p.add_argument(
        "--strategy",
        choices=["random", "cautious", "exhaustive"],
        default="random",
        help=_("random (default), cautious (avoids choices that can lose at once), exhaustive (every state)"),
    )
    p.add_argument(
        "--jobs", type=int, default=1, help=_("random, cautious: processes to share the runs (default 1; same report)")
    )
    p.add_argument("--max-steps", type=int, default=500, help=_("stop a run after this many choices (default 500)"))
    p.add_argument(
        "--max-states", type=int, default=200_000, help=_("exhaustive: stop after this many distinct states")
    )
    p.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    p.set_defaults(func=run)


MAX_JOBS = 64
LINE_INTERVAL = 5.0  # seconds between progress lines when stderr is not a terminal


class _Bar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {num(done)}/{num(total)}")
        if done >= total:
            self.stream.write("\r" + " " * (len(self.label) + width + 30) + "\r")
        self.stream.flush()


class _StateLines:
    """Exhaustive search progress as plain lines (a log, a pipe): every few seconds and once at the end.

    The search has no known end, only its bound, so a writer waiting on a big
    story is told how far it got rather than left with silence.
    """

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = self.last = clock()

    def __call__(self, done: int, bound: int) -> None:
        if self.clock() - self.last >= LINE_INTERVAL:
            self.line(done, bound)

    def line(self, done: int, bound: int) -> None:
        self.last = now = self.clock()
        line = _("exhaustive: {done} distinct states explored (bound {bound}), {seconds} s")
        self.stream.write(line.format(done=num(done), bound=num(bound), seconds=num(now - self.started, 0)) + "\n")
        self.stream.flush()


def _progress(strategy: str) -> Callable[[int, int], None] | None:
    if sys.stderr.isatty():
        return _Bar(sys.stderr, _("exploring states") if strategy == "exhaustive" else _("simulating"))
    return _StateLines(sys.stderr) if strategy == "exhaustive" else None


def run(args: argparse.Namespace) -> int:
    from ..authoring.simulate import simulate_cautious, simulate_exhaustive, simulate_random

    if not 1 <= args.jobs <= MAX_JOBS:
        print("voskhod simulate: " + _("--jobs must be between 1 and {most}").format(most=MAX_JOBS), file=sys.stderr)
        return 2
    if not 1 <= args.runs <= MAX_RUNS:
        print(
            "voskhod simulate: " + _("--runs must be between 1 and {most}").format(most=num(MAX_RUNS)),
            file=sys.stderr,
        )
        return 2
    if args.max_steps < 1 or args.max_states < 1:
        print("voskhod simulate: " + _("--max-steps and --max-states must be at least 1"), file=sys.stderr)
        return 2
    if not story_path(story_arg(args, args.dir)).is_dir():
        print(f"voskhod simulate: {story_path(story_arg(args, args.dir))}: " + _("no such directory"), file=sys.stderr)
        return 2
    # JSON is for scripts: the story's own words (causes of loss), whatever --lang says
    story = load_or_report(story_arg(args, args.dir), None if args.json else args)
    if story is None:
        return 1
    bar = _progress(args.strategy)
    if args.strategy == "exhaustive":
        report = simulate_exhaustive(story, max_states=args.max_states, max_depth=args.max_steps, progress=bar)
        if isinstance(bar, _StateLines):
            bar.line(report.states, args.max_states)
    else:
        simulate = simulate_cautious if args.strategy == "cautious" else simulate_random
        report = simulate(story, args.runs, args.seed, max_steps=args.max_steps, progress=bar, jobs=args.jobs)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_report(report, story))
    return 1 if report.soft_locks else 0


def format_report(report: Report, story: Story) -> str:
    """The report as text a writer reads top to bottom: the problems first, counts last."""
    from ..authoring.simulate import LOOP_WINDOW

    out: list[str] = []
    say = out.append
    total_endings = sum(report.endings.values()) or 1
    if report.strategy != "exhaustive":
        jobs = " " + _("on {n} processes").format(n=report.jobs) if report.jobs > 1 else ""
        say(
            _("{title}: {runs} {strategy} runs (seed {seed}) in {seconds} s{jobs}, {speed} runs/s").format(
                title=story.title,
                runs=num(report.runs),
                strategy=report.strategy,
                seed=report.seed,
                seconds=num(report.seconds, 2),
                jobs=jobs,
                speed=num(report.runs_per_second),
            )
        )
        if report.strategy == "cautious":
            say("  " + _("Cautious: a choice that can lose at once is avoided while a safe one is open."))
    else:
        say(
            _("{title}: exhaustive search, {states} distinct states, {runs} finished branches in {seconds} s").format(
                title=story.title, states=num(report.states), runs=num(report.runs), seconds=num(report.seconds, 2)
            )
        )
        say(
            "  " + _("Bound reached: {bound}").format(bound=report.bound_hit)
            if report.bound_hit
            else "  " + _("Complete: every reachable state seen.")
        )
    cov = report.to_json(timing=False)["coverage"]
    say(
        _("Coverage: beats {beats}, choices {choices}, endings {endings}").format(
            **{kind: f"{cov[kind]['reached']}/{cov[kind]['total']}" for kind in ("beats", "choices", "endings")}
        )
    )
    say(
        _("Average run: {choices} choices, {minutes} mission minutes").format(
            choices=num(report.mean_choices, 1), minutes=num(report.mean_minutes, 1)
        )
    )
    say("")
    if report.soft_locks:
        say(_("SOFT-LOCKS (a beat with every choice disabled):"))
        for lock in report.soft_locks:
            say("  " + _("{beat} ({count}x), reached by:").format(beat=lock.beat, count=num(lock.count)))
            say("    " + (" -> ".join(lock.path) or _("(the start beat)")))
        say("")
    if report.cut_off:
        say(
            ngettext(
                "{n} run stopped at the step limit: a loop the player may never leave?",
                "{n} runs stopped at the step limit: a loop the player may never leave?",
                report.cut_off,
            ).format(n=num(report.cut_off))
        )
        say(
            "  "
            + _("Going round through (cut-off runs with the beat among their last {n} choices):").format(n=LOOP_WINDOW)
        )
        for beat_id, n in list(report.cut_off_beats.items())[:MAX_LOOP_BEATS]:
            say(f"    {beat_id:<40} {num(n):>9}")
        if len(report.cut_off_beats) > MAX_LOOP_BEATS:
            more = len(report.cut_off_beats) - MAX_LOOP_BEATS
            say("    " + _("... and {n} more (--json lists them all)").format(n=more))
        say("")
    if report.complete:
        say(_("Endings:"))
        for ending_id, n in sorted(report.endings.items(), key=lambda kv: (-kv[1], kv[0])):
            ending = story.endings[ending_id]
            say(f"  {ending_id:<24} {ending.type:<10} {num(n):>9}  {num(100 * n / total_endings, 1):>5}%")
    else:
        say(_("Endings reached in the part explored (no shares: the search stopped at its bound, so they"))
        say(_("would describe only that part; raise the bound or use --strategy random or cautious):"))
        for ending_id, n in sorted(report.endings.items(), key=lambda kv: (-kv[1], kv[0])):
            seen = _("reached") if n else _("not seen")
            say(f"  {ending_id:<24} {story.endings[ending_id].type:<10} {seen:>9}")
    if report.causes_of_loss:
        causes = ", ".join(f"{c} {num(n)}" for c, n in report.causes_of_loss.items())
        say(_("Causes of loss: {causes}").format(causes=causes))
    never = report.to_json(timing=False)["never_reached"]
    if any(never.values()):
        say("")
        say(_("Never reached:"))
        kinds = {"beats": _("beat"), "choices": _("choice"), "endings": _("ending")}
        width = max(7, *(len(word) for word in kinds.values()))
        for kind, word in kinds.items():
            for item in never[kind]:
                say(f"  {word:<{width}} {item}")
    say("")
    say(_("Meter ranges by scene (min / median / max):"))
    width = max((len(m.label) for m in story.meters.values()), default=10) + 2
    for scene in story.scenes:
        ranges = report.meter_ranges.get(scene.id)
        if not ranges:
            continue
        say(f"  {scene.number}. {scene.title}")
        for name, r in ranges.items():
            m = story.meters[name]
            say(
                f"      {m.label:<{width}} {num(r.min, m.precision):>9} {num(r.median, m.precision):>9} "
                f"{num(r.max, m.precision):>9} {m.unit}"
            )
    say("")
    say(_("Hits per beat and choice:"))
    for scene in story.scenes:
        for beat_id in scene.beats:
            say(f"  {num(report.beat_hits[beat_id]):>9}  {beat_id}")
            for choice in story.beats[beat_id].choices:
                say(f"  {num(report.choice_hits[f'{beat_id}:{choice.id}']):>9}      -> {choice.id}")
    return "\n".join(out)
