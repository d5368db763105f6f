"""Write a valid story of any size, for load and engine benchmarks.

The generated story looks like a real one to the loader: a manifest with
meters (thresholds, limits that end the game), flags, facts and endings, and
scene files of 50 beats each whose choices carry conditions, effects, times,
rates, chances and history notes, with numbers varied so that no two
expressions are forced to be the same text. Every beat is reachable (each has
an unconditional ``next`` choice), so a seeded walk never gets stuck, and the
back-links make long walks possible before an ending is reached.

Run directly to write one: ``python benchmarks/story_gen.py 1000 /tmp/story``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

BEATS_PER_SCENE = 50

MANIFEST = """\
id: generated
title: Generated story ({beats} beats)
version: 1
start: {start}
intro: |
  A generated story for benchmarks.
scenes: [{scenes}]
clock:
  start: "1965-03-18T07:00:00Z"
  zones:
    - {{label: UTC, offset: 0}}
    - {{label: Moscow, offset: 180}}
meters:
  oxygen:
    label: Suit oxygen
    unit: min
    start: 45
    min: 0
    max: 45
    rate: -0.01
    warn_below: 15
    critical_below: 5
    at_min: hypoxia
  pressure:
    label: Suit pressure
    unit: atm
    start: 0.40
    min: 0
    max: 0.6
    precision: 2
    warn_below: 0.3
    critical_below: 0.2
  heart:
    label: Heart rate
    unit: bpm
    start: 80
    min: 40
    max: 200
    warn_above: 130
    critical_above: 170
  temperature:
    label: Body temperature
    unit: "°C"
    start: 36.8
    min: 30
    max: 42
    precision: 1
    warn_above: 38.5
    critical_above: 39.5
    at_max: heatstroke
flags:
  reported: false
  attempts: 0
  camera: {{default: true, description: The camera is still attached.}}
endings:
  - id: home
    type: historical
    title: Home
    text: You are back with {{oxygen}} minutes of oxygen.
    debrief: The real flight ended in the taiga.
  - id: hypoxia
    type: lost
    title: Out of air
    text: The oxygen runs out.
    cause: hypoxia
  - id: heatstroke
    type: lost
    title: Too hot
    text: The suit is an oven.
    cause: heatstroke
  - id: drifted
    type: survived
    title: A long way round
    text: You make it back, slowly.
facts:
  F1: {{text: "The walk lasted about twelve minutes.", source: "generated"}}
  F2: {{text: "Suit pressure was 0.40 atm, 0.27 in emergency.", source: "generated"}}
debrief:
  comparisons:
    - {{label: Oxygen left, yours: oxygen, real: 10, unit: min}}
    - {{label: Peak heart rate, yours: heart, real: 143, unit: bpm}}
  milestones:
    - {{beat: {start}, label: Start, real: "07:00:00"}}
"""


def _beat(rng: random.Random, scene: str, index: int, count: int, next_target: str) -> list[str]:
    bid = f"b{index:03d}"
    lines = [
        f"  - id: {bid}",
        f"    title: Step {index} of {scene}",
        "    text: |",
        f"      The needle reads {{pressure}} atm; {{oxygen}} minutes of oxygen left. Beat {index}.",
        "      The Earth turns below, *blue* and **bright**, and the hatch waits.",
    ]
    if rng.random() < 0.3:
        lines.append(f"    rates: {{oxygen: -{rng.randint(1, 9) / 100:.2f}, heart: {rng.randint(-3, 3)}}}")
    if rng.random() < 0.2:
        lines += ["    history:", "      facts: [F1, F2]", "      note: Figures from the flight log."]
    lines += [
        "    choices:",
        "      - id: next",
        f"        label: Carry on ({index})",
        f"        target: {next_target}",
        f"        time: {rng.randint(1, 4)}",
        f"        effects: [heart += {rng.randint(1, 6)}, pressure -= 0.00{rng.randint(1, 5)}]",
        "      - id: rest",
        "        label: Rest and breathe",
        f"        target: {bid}",
        f"        if: heart > {rng.randint(60, 100)} and oxygen > {rng.randint(3, 9)}",
        "        reason: You are calm already",
        f"        time: {rng.randint(1, 3)}",
        "        rates: {heart: -1}",
        f"        effects: [heart -= {rng.randint(5, 15)}, attempts += 1]",
    ]
    if index > 1:
        back = rng.randint(1, index - 1)
        lines += [
            "      - id: back",
            "        label: Go back and check again",
            f"        target: b{back:03d}",
            f"        if: attempts < {rng.randint(3, 12)} and not reported",
            "        hide: true",
            "        time: 2",
            f"        effects: [temperature += 0.{rng.randint(1, 4)}]",
        ]
    if index + 2 <= count:
        lines += [
            "      - id: gamble",
            "        label: Take the risk",
            f"        target: b{index + 2:03d}",
            f"        if: 0.2 < pressure <= 0.{rng.randint(4, 6)}",
            "        reason: The suit is too stiff",
            "        time: 1",
            f"        effects: [reported = true, heart += {rng.randint(10, 25)}]",
            "        chance:",
            f"          p: 0.{rng.randint(1, 3)} + heart / {rng.randint(800, 2000)}",
            f"          target: b{max(1, index - 1):03d}",
            f"          effects: [temperature += 0.{rng.randint(2, 6)}, oxygen -= {rng.randint(1, 3)}]",
            "          result: The tether snags; you lose time.",
        ]
    return lines


def write_story(root: Path, beats: int, seed: int = 1965) -> Path:
    """Write a story of ``beats`` beats (rounded up to whole scenes) into ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    n_scenes = max(1, -(-beats // BEATS_PER_SCENE))
    scene_ids = [f"s{i:04d}" for i in range(1, n_scenes + 1)]
    for number, sid in enumerate(scene_ids):
        count = min(BEATS_PER_SCENE, beats - number * BEATS_PER_SCENE)
        out = [f"id: {sid}", f"title: Scene {number + 1}", "summary: Generated.", "beats:"]
        for index in range(1, count + 1):
            if index < count:
                nxt = f"b{index + 1:03d}"
            elif number + 1 < n_scenes:
                nxt = f"{scene_ids[number + 1]}.b001"
            else:
                nxt = None
            beat = _beat(rng, sid, index, count, nxt or "b001")
            if nxt is None:  # the last beat of the story ends it
                at = beat.index("      - id: next")
                beat[at + 2] = "        ending: home"
            out += beat
        (root / f"{sid}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    manifest = MANIFEST.format(beats=beats, start=f"{scene_ids[0]}.b001", scenes=", ".join(scene_ids))
    (root / "story.yaml").write_text(manifest, encoding="utf-8")
    return root


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: python benchmarks/story_gen.py BEATS DIR")
    print(write_story(Path(sys.argv[2]), int(sys.argv[1])))
