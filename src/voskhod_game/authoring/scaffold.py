"""``voskhod new``: a small, complete story to start writing from.

The scaffold is a working example of every part of the format a writer needs
first: a manifest with a custom meter that drains over time and ends the story
when empty, a flag, three endings (one of each type), two scene files, a
condition with a reason, a chance, a history note citing ``facts.yaml``; and
the reading aids a story grows into, so a new story starts with them: a
glossary, sources the facts name, how true each beat is (``basis:``) and
questions for a class. Every file carries the ``yaml-language-server`` modeline
naming its schema. It passes ``voskhod check`` with no warnings and plays to
an ending; tests hold it to that.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from string import Template

from ..i18n import _
from ..story.schema import json_schema

MANIFEST = Template("""\
# yaml-language-server: $$schema=$manifest_schema
# The manifest. Scene files sit beside it (or in subfolders), one per scene.
# Reference: docs/scene-format.md. Check your work with: voskhod check $dir
id: $id
title: $title
version: 1
start: harbour.quay
intro: |
  A storm is coming in. The lighthouse on the point has gone dark, and you
  are the only keeper on the island tonight.
questions:                    # for a class to discuss after playing together (see docs/classroom.md)
  - What would you have needed to know before the storm to keep the light?
scenes: [harbour, tower]
clock:
  start: "1912-11-09T18:00:00Z"
  zones:
    - {label: UTC, offset: 0}
meters:
  lamp_oil:
    label: Lamp oil
    unit: "%"
    start: 60
    min: 0
    max: 100
    warn_below: 30
    critical_below: 10
    at_min: dark_night
    description: How full the lamp's reservoir is.
flags:
  signalled: false
endings:
  - id: light_kept
    type: historical
    title: The light is kept
    text: Dawn finds the lamp still turning, its reservoir {lamp_oil}% full.
    debrief: Keepers of the period refilled the reservoir at dusk and trimmed the wick every four hours.
  - id: flare_seen
    type: survived
    title: A flare in the dark
    text: The lamp fails, but your flare is seen and the ship stands off until morning.
  - id: dark_night
    type: lost
    title: A dark night
    text: The oil runs out. The lamp dies, and nobody on the water knows where the rocks are.
    cause: lamp out
glossary:                     # words a reader may not know: `g` in the game shows them
  wick: The cotton band the lamp burns at; trimmed square, it burns bright without smoke.
  reservoir: The tank under the lamp that holds its oil.
debrief:
  comparisons:
    - {label: Oil left at dawn, yours: lamp_oil, real: 20, unit: "%"}
""")

FACTS = Template("""\
# yaml-language-server: $$schema=$facts_schema
# Fact-sheet entries that history notes cite by id, and the sources they come from.
sources:
  keepers_log:
    author: Replace with the author
    title: Replace with the book, archive or interview
    year: n.d.                # a number, or text such as n.d.
    reliability: Say how far this source can be trusted, and why.
facts:
  F1:
    text: Lighthouse lamps of the period burned paraffin; a full reservoir lasted a long winter night.
    source: keepers_log
""")

SCENE_1 = Template("""\
# yaml-language-server: $$schema=$scene_schema
id: harbour
title: The harbour
summary: The keeper reaches the dark lighthouse.
questions:                    # asked in a class debrief, for the scenes the class played
  - Why might a keeper go up to the lamp before fetching more oil?
beats:
  - id: quay
    title: On the quay
    basis: dramatised         # how true the beat is: record | dramatised | invented
    text: |
      Rain drives across the quay. Up on the point the lighthouse is *dark*.
      The lamp's reservoir is {lamp_oil}% full.
    history:
      facts: [F1]
      note: Replace this with why the beat is true to your sources.
    choices:
      - id: climb
        label: Climb to the lamp room
        target: tower.lamp_room
        time: 10
      - id: fetch_oil
        label: Fetch a can of oil from the store first
        target: quay
        time: 20
        if: lamp_oil < 80
        reason: The reservoir is nearly full already
        effects: [lamp_oil += 30]
        result: You drag the can up from the store, soaked through.
""")

SCENE_2 = Template("""\
# yaml-language-server: $$schema=$scene_schema
id: tower
title: The tower
summary: Keeping the light through the storm.
beats:
  - id: lamp_room
    title: The lamp room
    basis: invented
    text: |
      The wick is black. Outside, a ship's lights pitch in the swell.
    rates: {lamp_oil: -0.2}     # per mission minute, from this beat on
    choices:
      - id: light
        label: Trim the wick and light the lamp
        target: watch
        time: 5
      - id: flare
        label: Fire a distress flare instead
        ending: flare_seen
        time: 2
        effects: [signalled = true]
        chance:
          p: 0.3
          ending: dark_night
          result: The flare is damp and fizzles out.
  - id: watch
    title: The long watch
    basis: invented
    text: |
      The beam sweeps the water. The ship turns **away** from the rocks.
      The reservoir is {lamp_oil}% full.
    choices:
      - id: keep_watch
        label: Keep watch until dawn
        ending: light_kept
        time: 240
        if: lamp_oil > 50 or signalled
        reason: Not enough oil to last the night
      - id: save_oil
        label: Turn the wick down to save oil
        target: watch
        time: 60
        rates: {lamp_oil: -0.1}
""")


SCHEMAS = ("manifest", "scene", "facts")  # each file made carries a modeline naming its schema


class ScaffoldError(Exception):
    """The scaffold cannot be written; the message says why."""


def shell_word(path: Path) -> str:
    """``path`` as one word a POSIX shell reads back unchanged (``'My Story'``)."""
    return shlex.quote(str(path))


def _printable_in_yaml(code: int) -> bool:
    """YAML's printable set less the line breaks and the byte-order mark."""
    if code in (0x2028, 0x2029, 0xFEFF):
        return False
    return 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that any YAML 1.1 or 1.2 reader reads back exactly.

    Quotes, backslashes, line breaks (``\\u2028`` too, a line break to PyYAML)
    and characters YAML may not hold raw are escaped; everything else is kept as
    written, so the title stays readable in the file.
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif _printable_in_yaml(code):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def story_id_for(directory: Path) -> str:
    """A valid story id from a folder name: ``My Story!`` becomes ``my_story``."""
    word = re.sub(r"[^a-z0-9]+", "_", directory.resolve().name.lower()).strip("_")
    if not word or not word[0].isalpha():
        word = "story_" + word if word else "story"
    return word


def scaffold(directory: Path, title: str | None = None) -> list[Path]:
    """Write a new story into ``directory`` (created if needed); the files written."""
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(_("{path} exists and is not a folder").format(path=directory))
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(
            _("{path} is not empty; pick a new folder so nothing is overwritten").format(path=directory)
        )
    story_id = story_id_for(directory)
    title = title or story_id.replace("_", " ").capitalize()
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in title):
        raise ScaffoldError(_("the title is not valid text (is the terminal's encoding UTF-8?)"))
    command_dir = shell_word(directory)
    names = {
        "id": story_id,
        "title": yaml_quoted(title),
        # Inside a YAML comment a line break would end the comment: name it generically then.
        "dir": command_dir if command_dir.isprintable() else "DIR",
        **{f"{kind}_schema": f"{kind}.schema.json" for kind in SCHEMAS},
    }
    files = {
        "story.yaml": MANIFEST.substitute(names),
        "facts.yaml": FACTS.substitute(names),
        "1_harbour.yaml": SCENE_1.substitute(names),
        "2_tower.yaml": SCENE_2.substitute(names),
    }
    for kind in SCHEMAS:
        files[f"{kind}.schema.json"] = json.dumps(json_schema(kind), indent=2) + "\n"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = directory / name
            with path.open("x", encoding="utf-8") as fh:  # "x": never overwrite
                fh.write(text)
            written.append(path)
    except OSError as exc:
        raise ScaffoldError(
            _("cannot write {path}: {reason}").format(path=directory, reason=exc.strerror or exc)
        ) from None
    return written
