"""The mini story with a few texts in Russian, for tests of what a player reads in their language.

Its racing heart can calm down again (a meter back to normal), and its debrief compares a
figure with decimals (``0,40 атм`` in Russian); ``translate`` writes any catalogue for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MINI
from voskhod_game.authoring.translate import source_texts, write_catalogue
from voskhod_game.story import load_story
from voskhod_game.story.translation import Entry, catalogue_path

HOSTILE = "[@click=app.quit]x[/] <img onerror=alert(1)> \u200f"
RUSSIAN = {
    "story/title": "Мини-миссия",
    "story/meters/heart/label": "Пульс",
    "story/meters/pressure/label": "Давление в скафандре",
    "story/meters/pressure/unit": "атм",
    "story/clock/zones/1/label": "Москва",
    "story/reference_label": "история",
    "story/debrief/comparisons/1/label": "Давление снаружи",
    "story/debrief/comparisons/1/unit": "атм",
}


def translate(root: Path, lang: str, words: dict[str, str]) -> None:
    """Write ``locales/LANG.po`` with ``words`` translated (by text id) and the rest left to do."""
    story = load_story(root)
    sources = {t.id: t.text for t in source_texts(story)}
    old = {tid: Entry(text, sources[tid], False, 1) for tid, text in words.items()}
    write_catalogue(catalogue_path(root, lang), source_texts(story), lang, old, story.title)


def russian_mini(tmp_path: Path) -> Path:
    """The mini story where a racing heart can calm down again, with a pressure figure in the debrief."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    hatch = (root / "1_hatch.yaml").read_text(encoding="utf-8")
    hatch = hatch.replace("effects: [heart -= 5]", "effects: [heart -= 20]")
    hatch = hatch.replace("target: walk.outside\n        time: 1\n", "target: inside\n        time: 1\n")
    (root / "1_hatch.yaml").write_text(hatch, encoding="utf-8")
    manifest = (root / "story.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace(
        "    - {label: Oxygen left, yours: oxygen, real: 10, unit: min}\n",
        "    - {label: Oxygen left, yours: oxygen, real: 10, unit: min}\n"
        "    - {label: Pressure outside, yours: pressure, real: 0.27, unit: atm, precision: 2}\n",
    )
    (root / "story.yaml").write_text(manifest, encoding="utf-8")
    translate(root, "ru", RUSSIAN)
    return root
