"""The game's own words: complete catalogues, Russian on screen, English unchanged."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import CREVASSE
from voskhod_game import i18n
from voskhod_game.authoring.game_words import game_template
from voskhod_game.i18n import LOCALE_DIR, TEMPLATE, format_day, game_languages, ngettext, set_language
from voskhod_game.present.durations import format_duration, signed_minutes
from voskhod_game.story.text import Format, show

# Words the program says in English: none may be left on a Russian screen.
ENGLISH_UI_WORDS = (
    "Scene", "Mission clock", "Mission time", "Mission start", "risky", "unavailable", "THE END", "Debrief",
    "Type", "choice", "Goodbye", "Timeline", "What really happened", "Your run", "reached its limit", "odds",
    "Commands", "Saved", "Undone", "autosaved", "WARN", "CRITICAL", "cause", " min", " late", " early",
    "Nov", "Jan", "range", "As it happened", "Survived", "Lost", "Glossary", "define", "back to normal",
)  # fmt: skip


def fields(text: str) -> list[str]:
    """The ``{name}`` placeholders of a message, in order, with their formats."""
    return sorted(f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def texts(message: str | tuple[str, ...]) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)


@pytest.mark.parametrize("lang", game_languages()[1:])
def test_every_word_of_the_game_is_translated_with_the_same_placeholders(lang: str) -> None:
    template = game_template()
    with (LOCALE_DIR / f"{lang}.po").open("rb") as f:
        catalogue = read_po(f, locale=lang)
    missing, broken = [], []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        if found is None or found.fuzzy or not all(texts(found.string)):
            missing.append(message.id)
            continue
        want = fields(texts(message.id)[-1])
        broken += [(message.id, t) for t in texts(found.string) if fields(t) != want]
    assert missing == []
    assert broken == []


def test_the_shipped_template_is_the_source_s_words() -> None:
    """``voskhod translate game`` was run after the last change to a message."""
    with TEMPLATE.open("rb") as f:
        shipped = {m.id for m in read_po(f) if m.id}
    assert shipped == {m.id for m in game_template() if m.id}


def test_a_word_without_translation_falls_back_to_english_and_plurals_follow_russian_rules() -> None:
    set_language("ru")
    assert i18n._("no such words anywhere") == "no such words anywhere"
    assert [ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 3, 5, 21, 11)] == [
        "1 день", "3 дня", "5 дней", "21 день", "11 дней",
    ]  # fmt: skip
    assert format_duration(13 + 13 / 60) == "13 мин 13 с" and signed_minutes(4) == "на 4 мин позже"
    assert format_day(date(1957, 11, 24)) == "24 нояб. 1957\u202fг."
    set_language("pt_BR")  # no catalogue: English
    assert i18n.language() == "en" and format_duration(125) == "2 h 5 min"
    assert format_day(date(1957, 11, 4)) == "4 Nov 1957"


def test_numbers_in_story_text_follow_the_story_s_language() -> None:
    one = Format(decimals=1)
    assert show(3.25, one, 0, "") == "3.2" and show(3.25, one, 0, "", "ru") == "3,2"
    assert show(0.4, Format(unit="unit"), 2, "atm", "ru") == "0,40\u00a0atm"
    assert show(True, Format(word="yesno"), 0, "", "ru") == "да" and show(1, Format(word="yesno"), 0, "") == "yes"
    assert show(125, Format(word="duration"), 0, "", "ru") == "2 ч 5 мин"
    assert show(125, Format(word="duration"), 0, "") == "2 h 5 min"


def play_crevasse(script: str, *args: str, saves: Path) -> str:
    env = {**os.environ, "VOSKHOD_SAVES": str(saves), "LANG": "C.UTF-8"}
    run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(CREVASSE), "--seed", "5", *args],
        input=script, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    return run.stdout


def test_a_russian_play_through_in_line_mode_leaves_no_english_on_screen(tmp_path: Path) -> None:
    """Every command in its Russian word; two endings, the log, saves, undo and the help page."""
    script = (
        "помощь\nсостояние\nleave_light\ndrive_on\nжурнал\nabandon\nзаново\nload_extra\nprobe\ndrive_on\n"
        "push_on\nсохранить proba\nсохранения\nотмена\nзагрузить proba\nвыход\n"
    )
    out = play_crevasse(script, "--lang", "ru", saves=tmp_path)
    assert "== КОНЕЦ: Пустые баки (Гибель) ==" in out and "! Случай оказался против вас." in out
    assert "Бортовое время T+00:00:00  UTC 06:00  24 нояб. 1957\u202fг." in out
    assert "19 янв. 12:00:00 (на 56 дней раньше)" in out
    assert "Сохранено как «proba»" in out and "Отменено." in out and "До свидания." in out
    assert "причина: кончилось топливо" in out and "out of fuel" not in out  # the story's cause, translated
    left = [w for w in ENGLISH_UI_WORDS if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![a-z])", out)]
    assert left == []


def test_russian_cases_in_the_text_find_their_glossary_terms_in_line_mode(tmp_path: Path) -> None:
    """The catalogue's forms (``трещина | трещины | ...``) link inflected words, and ``что WORD`` finds them."""
    out = play_crevasse(
        "leave_light\nсловарь\nчто трещинами\nчто снежных мостах\nвыход\n", "--lang", "ru", saves=tmp_path
    )
    glossary = out[out.index("> словарь") : out.index("> что трещинами")]
    passage = glossary[glossary.index("В этом эпизоде:") : glossary.index("Все остальные слова:")]
    assert "снежный мост:" in passage and "трещина:" in passage  # the text says "трещины", "снежных мостах"
    assert "> что трещинами\n  трещина: Глубокий разлом" in out
    assert "> что снежных мостах\n  снежный мост: Снежная кровля" in out


def test_the_same_game_in_english_reads_as_before(tmp_path: Path) -> None:
    out = play_crevasse("leave_light\ndrive_on\nabandon\nquit\n", saves=tmp_path)
    assert "Mission clock T+00:00:00  UTC 06:00  24 Nov 1957" in out
    assert "! The odds went against you." in out and "Goodbye. Your game is autosaved." in out
