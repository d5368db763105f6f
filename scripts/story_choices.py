"""Do the story's choices matter, and are its losses fair? The figures docs/story.md reports.

Five measures, each with the target issue 12 set:

1. **Branching**: the share of beats whose choices (their chance rolls, multi-way outcomes and
   routes included, as ``voskhod graph`` draws them) lead to two or more different next beats.
   Target at least 40%. Endings are counted separately, not as next beats.
2. **Swaps**: for every beat of the historical path and every other choice open there, the
   historical path with that one choice swapped in, played on by the historical choices where
   they are open (else the first open choice), over several seeds. A swap *changes the ending*
   when most seeds end somewhere other than the historical ending. Target at least 30%.
3. **Lopsided beats**: over seeded random play, the survival of the runs that took each choice
   at each beat. A beat is lopsided when one choice survives 95%+ while all its alternatives
   survive 50% or less; allowed only where the beat's text names the danger (``PLAIN_DANGER``).
4. **Warned losses**: every lost ending must follow a visible warning at the beat where the
   fatal choice was made: a shown meter in warn or critical that belongs to that ending, or
   words in the beat's text (``WARNING_WORDS``). Target: every lost run warned.
5. **Survival** of uniform random play, for the balance band (20-50%).

Usage: PYTHONPATH=src python3 scripts/story_choices.py [--runs 4000] [--seeds 12] [--story scenes]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from voskhod_game.authoring.graph import BEAT_KINDS, build_graph
from voskhod_game.engine.game import Game
from voskhod_game.story import load_story
from voskhod_game.story.model import Story

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from story_paths import HISTORICAL_PATH  # the tests hold the one copy of the path

MAX_STEPS = 500

# Meters whose warn/critical state warns of each lost ending.
WARNING_METERS = {
    "hypoxia": {"oxygen"},
    "blackout": {"suit_pressure"},
    "decompression": {"bends"},
    "heatstroke": {"body_temp", "heart_rate"},
    "collapse": {"heart_rate"},
    "cabin_fire": {"cabin_o2"},
    "no_gas": {"fuel"},
    "hypothermia": {"body_temp"},
}
# Words that name the danger, looked for in the text of the beat where the fatal choice was made.
WARNING_WORDS = {
    "blackout": r"may not close again|will not close|hiss does not stop|pressure is falling",
    "unable_reenter": r"will not pass|does not fit|not (?:get|fit) through|tear|jam",
    "decompression": r"bends|bubbles|ache",
    "violent_reentry": r"tumbling|tear|crooked|steeper and harder|out of place|loose",
    "cabin_fire": r"spark|burn|fire",
    "heatstroke": r"heat|hot|sweat",
    "collapse": r"heart|pulse",
    "hypothermia": r"cold|freez|shiver",
    "hypoxia": r"oxygen|breath",
    "no_gas": r"fuel",
}
# Beats where one choice is far safer and the text says plainly why (checked against the text).
PLAIN_DANGER: dict[str, str] = {
    "retrofire.seats": r"come in\s+tumbling",
    "inflation.stuck": r"will not pass|does not fit|tear",
}


@dataclass
class Figures:
    beats: int = 0
    branching: list[str] = field(default_factory=list)
    branching_with_endings: list[str] = field(default_factory=list)
    swaps: list[tuple[str, str, str, float]] = field(default_factory=list)  # beat, choice, ending, share changed
    lopsided: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    lost: int = 0
    unwarned: Counter = field(default_factory=Counter)
    unwarned_where: Counter = field(default_factory=Counter)
    runs: int = 0
    survived: int = 0
    endings: Counter = field(default_factory=Counter)


def branching(story: Story, out: Figures) -> None:
    graph = build_graph(story)
    beats = {n.id for n in graph.nodes if n.kind in BEAT_KINDS}
    targets: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        if edge.source in beats:
            targets[edge.source].add(edge.target)
    out.beats = len(beats)
    for beat in sorted(beats):
        if len(targets[beat] & beats) >= 2:
            out.branching.append(beat)
        if len(targets[beat]) >= 2:
            out.branching_with_endings.append(beat)


def _play_on(game: Game, preferred: dict[str, str]) -> None:
    """Continue by the historical choice of each beat where it is open, else the first open one."""
    for _ in range(MAX_STEPS):
        if game.ended:
            return
        enabled = game.enabled_choices()
        if not enabled:
            return
        want = preferred.get(game.state)
        ids = [c.id for c in enabled]
        game.choose(want if want in ids else ids[0])


def swaps(story: Story, seeds: int, out: Figures) -> None:
    reference = Game.new(story, seed=0)
    preferred: dict[str, str] = {}
    stops: list[tuple[str, list[str]]] = []
    for choice in HISTORICAL_PATH:
        stops.append((reference.state, [c.id for c in reference.enabled_choices()]))
        preferred.setdefault(reference.state, choice)
        reference.choose(choice)
    historical = reference.ending_id
    for i, (beat, open_ids) in enumerate(stops):
        for alternative in open_ids:
            if alternative == HISTORICAL_PATH[i]:
                continue
            changed = 0
            endings: Counter = Counter()
            for seed in range(seeds):
                game = Game.new(story, seed=seed)
                for choice in HISTORICAL_PATH[:i]:
                    game.choose(choice)
                game.choose(alternative)
                _play_on(game, preferred)
                endings[game.ending_id] += 1
                changed += game.ending_id != historical
            out.swaps.append((beat, alternative, endings.most_common(1)[0][0] or "-", changed / seeds))


def random_play(story: Story, runs: int, out: Figures) -> None:
    taken: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )  # beat -> choice -> [n, ok]
    texts: dict[str, str] = {}
    for seed in range(runs):
        game = Game.new(story, seed=seed)
        pick = random.Random(seed)
        steps: list[tuple[str, str]] = []
        last_warned: set[str] = set()
        last_text = ""
        for _ in range(MAX_STEPS):
            if game.ended:
                break
            enabled = game.enabled_choices()
            if not enabled:
                break
            scene = story.scene_of(game.state)
            last_warned = {m.name for m in game.meter_views(scene) if not m.hidden and m.state != "ok"}
            beat = story.beats[game.state]
            last_text = game.render(beat.text) + " " + " ".join(game.render(c.label) for c in enabled)
            texts.setdefault(game.state, game.render(beat.text))
            choice = pick.choice(enabled).id
            steps.append((game.state, choice))
            game.choose(choice)
        out.runs += 1
        ending = story.endings.get(game.ending_id or "")
        out.endings[game.ending_id] += 1
        ok = ending is not None and ending.type in ("historical", "survived")
        out.survived += ok
        for beat, choice in set(steps):
            cell = taken[beat][choice]
            cell[0] += 1
            cell[1] += ok
        if ending is not None and ending.type == "lost":
            out.lost += 1
            meters = WARNING_METERS.get(ending.id, set())
            words = WARNING_WORDS.get(ending.id)
            if not (meters & last_warned) and not (words and re.search(words, last_text, re.IGNORECASE)):
                out.unwarned[ending.id] += 1
                out.unwarned_where[f"{steps[-1][0] if steps else '?'} -> {ending.id}"] += 1
    for beat, choices in sorted(taken.items()):
        rates = {c: ok / n for c, (n, ok) in choices.items() if n >= 30}
        if len(rates) < 2:
            continue
        best = max(rates, key=lambda c: rates[c])
        others = [r for c, r in rates.items() if c != best]
        if rates[best] >= 0.95 and max(others) <= 0.50:
            plain = PLAIN_DANGER.get(beat)
            if plain and re.search(plain, texts.get(beat, ""), re.IGNORECASE):
                continue
            out.lopsided.append((beat, rates))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000, help="seeded random play-throughs")
    parser.add_argument("--seeds", type=int, default=12, help="seeds per swapped choice")
    parser.add_argument("--story", default=str(Path(__file__).resolve().parent.parent / "scenes"))
    parser.add_argument("--verbose", action="store_true", help="list every swap and every unwarned loss")
    args = parser.parse_args(argv)
    story = load_story(args.story)
    out = Figures()
    branching(story, out)
    swaps(story, args.seeds, out)
    random_play(story, args.runs, out)

    share = len(out.branching) / out.beats
    print(f"branching: {len(out.branching)} of {out.beats} beats lead to 2+ different next beats = {100 * share:.0f}%")
    print(f"  counting endings too: {len(out.branching_with_endings)} of {out.beats}")
    changed = [s for s in out.swaps if s[3] >= 0.5]
    swap_share = len(changed) / len(out.swaps) if out.swaps else 0.0
    print(
        f"swaps: {len(changed)} of {len(out.swaps)} single swaps into the historical path change the ending "
        f"= {100 * swap_share:.0f}% ({args.seeds} seeds each, changed when most seeds end elsewhere)"
    )
    if args.verbose:
        for beat, alternative, ending, part in out.swaps:
            print(f"    {beat}:{alternative:<18} -> {ending:<16} changed in {100 * part:.0f}% of seeds")
    print(f"lopsided beats (one choice 95%+ survival, the others 50% or less): {len(out.lopsided)}")
    for beat, rates in out.lopsided:
        print(f"    {beat}: " + ", ".join(f"{c} {100 * r:.0f}%" for c, r in sorted(rates.items())))
    unwarned = sum(out.unwarned.values())
    print(f"lost runs: {out.lost}; without a visible warning at the fatal beat: {unwarned}")
    for where, n in out.unwarned_where.most_common(12 if args.verbose else 5):
        print(f"    {where}: {n}")
    print(f"random survival: {out.survived} of {out.runs} = {100 * out.survived / out.runs:.1f}%")
    for ending, n in out.endings.most_common():
        print(f"    {ending}: {n}")
    ok = share >= 0.40 and swap_share >= 0.30 and not out.lopsided and unwarned == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
