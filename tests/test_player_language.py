"""What a player reads in their language around the story: figures, clock names, hints, meter alerts.

A copy of the mini story with a Russian catalogue for a few texts: the meters and the
debrief write ``0,40`` in Russian and ``0.40`` in English, the clocks' names are the
story's texts (``Moscow`` reads ``Москва``), line mode's glossary hint and a meter
coming back to normal are worded in both languages. Story values stay plain text.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import CREVASSE
from language_story import HOSTILE, RUSSIAN, russian_mini, translate
from voskhod_game.authoring.translate import check_translations, extract
from voskhod_game.engine import Game
from voskhod_game.engine.debrief import build_debrief
from voskhod_game.engine.saves import SaveStore
from voskhod_game.engine.views import MeterView
from voskhod_game.i18n import set_language
from voskhod_game.plain import run_plain
from voskhod_game.present.debrief import debrief_rows
from voskhod_game.present.meters import meter_detail, meter_value, status_line
from voskhod_game.story import load_story
from voskhod_game.story.translation import read_catalogue


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    return russian_mini(tmp_path)


def play(root: Path, lang: str, script: str, tmp_path: Path) -> str:
    """A line-mode session in ``lang`` (the game's words and the story's), as the CLI starts it."""
    set_language(lang)
    out = io.StringIO()
    story = load_story(root, lang if lang != "en" else None)
    run_plain(story, SaveStore(tmp_path / "saves"), seed=1, stdin=io.StringIO(script), stdout=out)
    return out.getvalue()


# -- figures ------------------------------------------------------------------------------------
def test_meter_figures_are_written_as_the_player_s_language_writes_them() -> None:
    pressure = MeterView("pressure", "Suit pressure", "atm", 0.4, 0.15, 0.45, "ok", -0.05, precision=2)
    warm = MeterView("temp", "Body temperature", "°C", 37.25, 34, 40.5, "warn", 0.0, precision=1)
    assert status_line([pressure, warm]) == "Suit pressure 0.40 atm | Body temperature 37.2 °C [WARN]"
    assert meter_detail(warm) == "Body temperature: 37.2 °C (warn; range 34–40.5 °C)"
    set_language("ru")
    assert meter_value(pressure) == "0,40 atm" and meter_value(pressure, "en") == "0.40 atm"
    assert status_line([pressure, warm]) == "Suit pressure 0,40 atm | Body temperature 37,2 °C [ВНИМАНИЕ]"
    assert meter_detail(pressure) == "Suit pressure: 0,40 atm (норма, -0,05/мин; диапазон 0,15–0,45 atm)"
    assert meter_detail(warm) == "Body temperature: 37,2 °C (внимание; диапазон 34–40,5 °C)"


def test_the_debrief_table_writes_figures_in_the_player_s_language(story_dir: Path) -> None:
    def rows(lang: str) -> list[tuple[str, str, str]]:
        set_language(lang)
        story = load_story(story_dir, lang if lang != "en" else None)
        game = Game.new(story, seed=1)
        for choice in ("open", "look", "go_back"):
            game.choose(choice, force_chance=False)
        return [(c.label, c.yours, c.reference) for c in debrief_rows(build_debrief(game), story).comparisons]

    assert rows("en") == [("Oxygen left", "11 min", "10 min"), ("Pressure outside", "0.40 atm", "0.27 atm")]
    assert rows("ru")[1] == ("Давление снаружи", "0,40 атм", "0,27 атм")


def test_line_mode_shows_no_decimal_point_in_russian(story_dir: Path, tmp_path: Path) -> None:
    script = "состояние\nopen\n1\ngo_back\n"
    russian = play(story_dir, "ru", script, tmp_path)
    assert "Давление в скафандре 0,40 атм" in russian  # the status line under the beat
    assert "Давление в скафандре: 0,40 атм (норма; диапазон 0–0,5 атм)" in russian  # `состояние`
    assert "Давление снаружи: у вас 0,40 атм, история 0,27 атм" in russian  # the debrief table
    assert "0.4" not in russian and "0.2" not in russian
    english = play(story_dir, "en", "status\nopen\n1\ngo_back\n", tmp_path / "en")
    assert "Suit pressure: 0.40 atm (ok; range 0–0.5 atm)" in english
    assert "Pressure outside: you 0.40 atm, history 0.27 atm" in english


# -- clock names ---------------------------------------------------------------------------------
def test_a_clock_s_name_is_a_story_text_with_a_stable_id(story_dir: Path) -> None:
    template = read_catalogue(extract(load_story(story_dir)).path)
    assert template["story/clock/zones/0/label"].source == "UTC"
    assert template["story/clock/zones/1/label"].source == "Moscow"
    assert Game.new(load_story(story_dir), seed=1).view().clock.line() == (
        "T+00:00:00  UTC 08:00  Moscow 11:00  18 Mar 1965"
    )
    russian = Game.new(load_story(story_dir, "ru"), seed=1).view().clock
    assert [label for label, _ in russian.zones] == ["UTC", "Москва"]  # UTC is not translated yet: the source
    missing = {d.message for d in check_translations(story_dir) if d.code == "W501"}
    assert "no ru translation of `story/clock/zones/0/label`" in missing
    assert "no ru translation of `story/clock/zones/1/label`" not in missing


def test_a_translated_clock_name_heads_the_debrief_and_hostile_names_stay_plain_text(
    story_dir: Path, tmp_path: Path
) -> None:
    translate(story_dir, "ru", {**RUSSIAN, "story/clock/zones/0/label": HOSTILE})
    out = play(story_dir, "ru", "open\n1\ngo_back\n", tmp_path)
    assert f"Бортовое время T+00:00:00  {HOSTILE} 08:00  Москва 11:00  18 мар. 1965" in out
    assert f"Хронология (ваша / настоящая, {HOSTILE}):" in out
    assert "Outside: 08:05:00 / 08:05:00 (вовремя)" in out  # the zone's name is not repeated in each cell


# -- line mode's own words and the meters' alerts --------------------------------------------------
def test_line_mode_s_glossary_hint_is_in_the_player_s_language(tmp_path: Path) -> None:
    english = play(CREVASSE, "en", "", tmp_path)
    assert "Glossary: Sno-Cat, sledge, snow bridge (type `define` and a word)." in english
    russian = play(CREVASSE, "ru", "", tmp_path / "ru")
    assert "Словарь: сани, снежный мост (наберите `что` и слово)." in russian
    assert "Glossary" not in russian and "define" not in russian


def test_a_meter_back_to_normal_says_so_in_every_language(story_dir: Path, tmp_path: Path) -> None:
    script = "rush\nwait\n{log}\n"
    english = play(story_dir, "en", script.format(log="log"), tmp_path)
    assert "! Heart rate: WARN" in english and "! Heart rate: back to normal" in english
    assert "  T+00:04:00  Heart rate: back to normal" in english  # the mission log says the same
    russian = play(story_dir, "ru", script.format(log="журнал"), tmp_path / "ru")
    assert "! Пульс: ВНИМАНИЕ" in russian and "! Пульс: снова в норме" in russian
    assert "  T+00:04:00  Пульс: снова в норме" in russian
    for out in (english, russian):
        assert not [line for line in out.splitlines() if line.rstrip().endswith(":") and line.startswith("!")]


# -- saves ----------------------------------------------------------------------------------------
def test_save_and_load_problems_are_told_in_the_player_s_language(story_dir: Path, tmp_path: Path) -> None:
    hostile = HOSTILE.removesuffix(" \u200f")  # line mode drops invisible marks from what is typed
    russian = play(story_dir, "ru", f"загрузить nosuch\nсохранить {hostile}\n", tmp_path)
    assert "Не загружается: в " in russian and " нет сохранения «nosuch»" in russian
    assert f"Не сохранено: «{hostile}» не годится как имя ячейки" in russian
    english = play(story_dir, "en", f"load nosuch\nsave {hostile}\n", tmp_path / "en")
    assert "Cannot load: there is no save called “nosuch” in " in english
    assert f"Not saved: “{hostile}” is not a usable slot name" in english


def test_a_refused_choice_is_a_sentence_in_either_language(story_dir: Path, tmp_path: Path) -> None:
    russian = play(story_dir, "ru", "9\n", tmp_path)
    assert "Здесь нет варианта «9». Наберите номер варианта или `помощь`." in russian
    english = play(story_dir, "en", "9\n", tmp_path / "en")
    assert "There is no choice “9” here. Type a choice number or `help`." in english
