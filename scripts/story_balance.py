"""Seeded random play-throughs of a story: survival rate, endings, coverage, soft-locks.

Each run starts ``Game.new(story, seed=i)`` and, at every beat, picks uniformly among the
enabled choices with ``random.Random(i)``. Prints the figures ``docs/story.md`` records.

Usage: PYTHONPATH=src python3 scripts/story_balance.py [--runs 10000] [--story scenes]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from voskhod_game.authoring.simulate import play_uniform
from voskhod_game.story import load_story
from voskhod_game.story.model import Story

MAX_STEPS = 500


@dataclass
class Balance:
    runs: int = 0
    survived: int = 0
    endings: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    beats: Counter = field(default_factory=Counter)
    choices: Counter = field(default_factory=Counter)
    stuck: list = field(default_factory=list)
    steps: list = field(default_factory=list)

    @property
    def survival(self) -> float:
        return self.survived / self.runs if self.runs else 0.0


def simulate(story: Story, runs: int, first_seed: int = 0) -> Balance:
    out = Balance()
    for seed in range(first_seed, first_seed + runs):
        game, seen, stuck = play_uniform(story, seed, MAX_STEPS)
        out.runs += 1
        out.beats.update(seen)
        out.choices.update(f"{s.beat}:{s.choice}" for s in game.history)
        out.steps.append(len(game.history))
        if stuck is not None:
            out.stuck.append((seed, stuck))
            continue
        ending = story.endings[game.ending_id]
        out.endings[ending.id] += 1
        out.types[ending.type] += 1
        if ending.type in ("historical", "survived"):
            out.survived += 1
    return out


def all_choices(story: Story) -> list[str]:
    return [f"{b.id}:{c.id}" for b in story.beats.values() for c in b.choices]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--story", default=str(Path(__file__).resolve().parent.parent / "scenes"))
    parser.add_argument("--seed", type=int, default=0, help="first seed (runs use seed, seed+1, ...)")
    args = parser.parse_args(argv)

    story = load_story(args.story)
    result = simulate(story, args.runs, args.seed)
    n_choices = sum(len(b.choices) for b in story.beats.values())
    print(f"story: {story.id}  beats: {len(story.beats)}  choices: {n_choices}  endings: {len(story.endings)}")
    print(f"runs: {result.runs} (seeds {args.seed}..{args.seed + args.runs - 1}), uniform random choice")
    print(f"survived (historical or survived): {result.survived} = {100 * result.survival:.1f}%")
    for kind in ("historical", "survived", "lost"):
        print(f"  {kind:<10} {result.types[kind]:>6}  {100 * result.types[kind] / result.runs:5.1f}%")
    print("endings:")
    for ending in story.endings.values():
        n = result.endings[ending.id]
        print(f"  {ending.id:<18} {ending.type:<10} {n:>6}  {100 * n / result.runs:5.1f}%")
    print(
        f"choices per run: min {min(result.steps)}, mean {sum(result.steps) / len(result.steps):.1f}, max {max(result.steps)}"
    )
    unseen_beats = [b for b, beat in story.beats.items() if result.beats[b] == 0 and not beat.is_route]  # routes pass
    unseen_choices = [c for c in all_choices(story) if result.choices[c] == 0]
    rare = sorted((result.choices[c], c) for c in all_choices(story))[:5]
    print(f"beats never reached: {len(unseen_beats)} {unseen_beats}")
    print(f"choices never taken: {len(unseen_choices)} {unseen_choices}")
    print("rarest choices: " + ", ".join(f"{c} ({n})" for n, c in rare))
    print(f"soft-locks (no enabled choice, no ending): {len(result.stuck)} {result.stuck[:5]}")
    return 0 if not result.stuck else 1


if __name__ == "__main__":
    sys.exit(main())
