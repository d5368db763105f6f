"""Command-line messages and save errors in the player's language; output for scripts stays language-free."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import CREVASSE, MINI
from voskhod_game.cli import main
from voskhod_game.engine import Game
from voskhod_game.engine.saves import SaveError, SaveStore, check_slot_name
from voskhod_game.i18n import set_language
from voskhod_game.story import load_story

FIXTURES = Path(__file__).parent / "fixtures"
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
HOSTILE = "[@click=app.quit]x[/] <img onerror> \u202e\x1b[31m"


def test_check_speaks_russian_after_the_code_and_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary is translated; each problem still starts ``path:line:col: CODE`` for editors and scripts."""
    assert main(["--lang", "ru", "check", str(CREVASSE)]) == 0
    assert capsys.readouterr().out.strip() == f"{CREVASSE}: проблем не найдено"
    broken = tmp_path / "mini"
    shutil.copytree(MINI, broken)
    manifest = broken / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("start:", "strat:", 1), encoding="utf-8")
    assert main(["--lang", "ru", "check", str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert re.match(r"^\S+story\.yaml:\d+:\d+: V\d{3} ", lines[0])
    assert re.fullmatch(rf"{re.escape(str(broken))}: \d+ ошиб(ка|ки|ок), \d+ предупрежден(ие|ия|ий)", lines[-1])
    assert main(["--lang", "ru", "check", "--format", "json", str(broken)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] >= 1 and not CYRILLIC.search(json.dumps(report, ensure_ascii=False))
    assert main(["--lang", "ru", "check", str(tmp_path / "none")]) == 2
    assert "нет такой папки" in capsys.readouterr().err


def test_simulate_reports_in_russian_and_its_json_stays_the_story_s_own(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "simulate", str(CREVASSE), "--runs", "300", "--seed", "2"]) == 0
    text = capsys.readouterr().out
    assert "Концовки:" in text and "Причины гибели: кончилось топливо" in text and "Охват: эпизоды 6/6" in text
    assert "Endings" not in text and "Coverage" not in text
    assert main(["--lang", "ru", "simulate", str(CREVASSE), "--runs", "300", "--seed", "2", "--json"]) == 0
    russian = json.loads(capsys.readouterr().out)
    assert main(["simulate", str(CREVASSE), "--runs", "300", "--seed", "2", "--json"]) == 0
    english = json.loads(capsys.readouterr().out)
    assert russian["causes_of_loss"] == english["causes_of_loss"] and "out of fuel" in english["causes_of_loss"]
    assert not CYRILLIC.search(json.dumps(russian, ensure_ascii=False))


def test_save_errors_are_in_the_player_s_language_and_show_hostile_names_inertly(tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    set_language("ru")
    with pytest.raises(SaveError) as refused:
        check_slot_name(HOSTILE)
    message = str(refused.value)
    assert message.startswith("«[@click=app.quit]x[/] <img onerror> \\u202e\\x1b[31m» не годится как имя ячейки")
    assert "\u202e" not in message and "\x1b" not in message
    story = load_story(CREVASSE)
    with pytest.raises(SaveError, match="нет сохранения «missing»"):
        store.load("missing", story)
    (tmp_path / "deep.json").write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    (tmp_path / "huge.json").write_text('{"app": "voskhod", "format": 2, "elapsed": 1e400}', encoding="utf-8")
    (tmp_path / "nul.json").write_bytes(b'{"app": "voskhod\x00"}')
    problems = {info.slot: info.problem for info in store.list()}
    assert problems["deep"] == "файл повреждён (слишком глубокая вложенность)"
    assert problems["huge"] == "сохранение повреждено (время миссии — не число)"
    assert problems["nul"].startswith("файл повреждён (это не корректный JSON")
    store.save("run", Game.new(story, seed=1))
    other = SaveStore(tmp_path)
    with pytest.raises(SaveError, match="«run» — сохранение истории «Crevasse Field, 1957», а не «Mini"):
        other.load("run", load_story(MINI))
    set_language("en")
    with pytest.raises(SaveError, match="“run” is a save of the story “Crevasse Field, 1957”"):
        other.load("run", load_story(MINI))


def test_saves_show_in_russian_counts_a_first_release_save_and_escapes_what_a_file_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saves = tmp_path / "saves"
    shutil.copytree(FIXTURES / "saves", saves)
    assert main(["--lang", "ru", "saves", "--saves", str(saves), "show", "mini-format1"]) == 0
    out = capsys.readouterr().out
    assert "сделано выборов: 2" in out and "время миссии: T+00:07:00" in out and '"oxygen": 13.0' in out
    document = json.loads((saves / "mini-format1.json").read_text(encoding="utf-8"))
    document["story_title"] = HOSTILE
    (saves / "hostile.json").write_text(json.dumps(document), encoding="utf-8")
    assert main(["--lang", "ru", "saves", "--saves", str(saves), "list"]) == 0
    listing = capsys.readouterr().out
    assert "[@click=app.quit]x[/] <img onerror> \\u202e\\x1b[31m" in listing
    assert "\u202e" not in listing and "\x1b" not in listing
    assert main(["--lang", "ru", "saves", "--saves", str(saves), "delete", "hostile"]) == 0
    assert capsys.readouterr().out.startswith("Удалено: ")
    assert main(["--lang", "ru", "saves", "--saves", str(saves), "show", "hostile"]) == 1
    assert "нет сохранения «hostile»" in capsys.readouterr().err


def test_new_graph_and_translate_speak_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", "new", str(tmp_path / "story"), "--title", HOSTILE[:30]]) == 0
    assert capsys.readouterr().out.startswith(f"Новая история создана в {tmp_path / 'story'}:")
    assert main(["--lang", "ru", "new", str(tmp_path / "story")]) == 1
    assert "не пуста; выберите новую папку" in capsys.readouterr().err
    assert main(["--lang", "ru", "graph", str(CREVASSE), "-o", str(tmp_path / "map.dot")]) == 0
    assert re.search(r"Записано: .*map\.dot \(\d+ узл(а|ов)?, \d+ р[её]б(ро|ра|ер)\)", capsys.readouterr().err)
    assert main(["--lang", "ru", "graph", str(CREVASSE), "-o", str(tmp_path / "map.txt")]) == 2
    assert "не формат, который voskhod умеет записывать" in capsys.readouterr().err
    story = tmp_path / "crevasse"
    shutil.copytree(CREVASSE, story)
    # the language to translate into is not the language voskhod speaks in
    assert main(["--lang", "ru", "translate", "init", "de", str(story)]) == 0
    assert re.fullmatch(r".*de\.po: переведено: 0, проверить \(исходник изменился\): 0, новых: \d+; осталось: \d+\n",
                        capsys.readouterr().out)  # fmt: skip
    assert main(["translate", "init", HOSTILE, str(story)]) == 2
    assert "is not a language code" in capsys.readouterr().err


def test_help_speaks_the_language_asked_for_before_the_arguments_are_read(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "ru", "check", "--help"])
    text = capsys.readouterr().out
    assert "Проверить папки историй" in text and "коды предупреждений через запятую" in text
    assert text.startswith("использование: voskhod check") and "параметры:" in text
    assert "показать эту справку и выйти" in text and "Validate story directories" not in text
    with pytest.raises(SystemExit):
        main(["--lang", "ru", "check", "--format", "[/]"])
    assert "voskhod check: ошибка: argument --format: invalid choice: '[/]'" in capsys.readouterr().err
    monkeypatch.setenv("LC_ALL", "ru_RU.UTF-8")
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    assert "число прохождений для стратегии random" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["simulate", "--lang=en", "--help"])  # --lang anywhere wins over the locale
    assert "play-throughs for the random strategy" in capsys.readouterr().out
