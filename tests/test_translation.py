"""Stories in other languages: catalogues made, kept up to date, checked and played (on the crevasse, not Voskhod-2)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voskhod_game.authoring.translate import check_translations, extract, init, update
from voskhod_game.cli import main
from voskhod_game.engine import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.story import load_story
from voskhod_game.story.diagnostics import StoryError
from voskhod_game.story.loader import analyse_story
from voskhod_game.story.translation import language_from_locale, read_catalogue

REPO = Path(__file__).resolve().parent.parent
CREVASSE = REPO / "examples" / "crevasse"


@pytest.fixture
def crevasse(tmp_path: Path) -> Path:
    root = tmp_path / "crevasse"
    shutil.copytree(CREVASSE, root)
    return root


def _edit_po(root: Path, old: str, new: str) -> None:
    path = root / "locales" / "ru.po"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_example_story_is_clean_in_russian_and_plays_in_it() -> None:
    assert check_translations(CREVASSE) == []
    story = load_story(CREVASSE, "ru")
    assert story.language == "ru" and story.title == "Поле трещин, 1957"
    game = Game.new(story, seed=0)
    view = game.view()
    assert view.title == "База Шеклтон" and "Вездеходы заправлены" in view.text
    assert view.choices[0].label == "Погрузить запасные бочки"
    assert game.view().meters[0].label == "Топливо"
    game.choose("leave_light")
    result = game.choose("drive_on")
    assert result.result_text == "Снег проваливается под задними гусеницами машины Rock 'n Roll."


def test_an_ending_s_cause_is_translated_with_the_story(crevasse: Path) -> None:
    """The cause shown beside a loss is in the template, and read from the catalogue."""
    template = read_catalogue(extract(load_story(crevasse)).path)
    assert template["story/endings/stranded/cause"].source == "out of fuel"
    assert load_story(crevasse, "ru").endings["stranded"].cause == "кончилось топливо"
    assert load_story(crevasse).endings["stranded"].cause == "out of fuel"
    _edit_po(crevasse, 'msgstr "обморожение"', 'msgstr "[@click=app.quit]x[/] <img onerror>"')
    assert load_story(crevasse, "ru").endings["frostbite"].cause == "[@click=app.quit]x[/] <img onerror>"


def test_a_story_written_in_another_language_says_so_in_its_manifest(crevasse: Path) -> None:
    """``language: ru``: ``--lang ru`` shows it as written, silently; ``--lang en`` is a translation it lacks."""
    manifest = crevasse / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("version: 1\n", "version: 1\nlanguage: ru\n"))
    (crevasse / "locales" / "ru.po").unlink()
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    command = [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(crevasse), "--seed", "1"]
    own = subprocess.run(
        [*command, "--lang", "ru"], input="quit\n", capture_output=True, text=True, env=env, timeout=60
    )
    assert own.stderr == "" and "November 1957" in own.stdout and "До свидания." in own.stdout
    english = subprocess.run(
        [*command, "--lang", "en"], input="quit\n", capture_output=True, text=True, env=env, timeout=60
    )
    assert "This story has no en translation; it is shown in its own language (ru)." in english.stderr
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("language: ru", "language: Russian"))
    assert main(["check", str(crevasse)]) == 1


def test_a_save_made_in_russian_loads_in_english(tmp_path: Path) -> None:
    store = SaveStore(tmp_path / "saves")
    russian = Game.new(load_story(CREVASSE, "ru"), seed=0)
    russian.choose("leave_light")
    store.save("run", russian)
    english = store.load("run", load_story(CREVASSE)).game
    assert english.view().title == "Snow bridges" and english.run.beat == russian.run.beat
    log = [entry.text for entry in english.log]  # the log reads in the language loaded now
    assert log == ["Mission start: Crevasse Field, 1957", "Leave the drums and set off light"]
    assert [entry.text for entry in russian.log][1] == "Оставить бочки и выйти налегке"


def test_extract_init_and_update_keep_translations_and_mark_what_changed(crevasse: Path) -> None:
    (crevasse / "locales" / "ru.po").unlink()
    story = load_story(crevasse)
    template = extract(story)
    assert template.total == len(read_catalogue(template.path)) > 50
    written = init(story, "ru")
    assert written.new == written.total
    with pytest.raises(FileExistsError):
        init(story, "ru")
    _edit_po(crevasse, 'msgid "Drive on"\nmsgstr ""', 'msgid "Drive on"\nmsgstr "Ехать дальше"')
    scene = crevasse / "2_crevasses.yaml"
    scene.write_text(scene.read_text(encoding="utf-8").replace("label: Drive on", "label: Drive on regardless"))
    results = update(load_story(crevasse))
    ru = next(w for w in results if w.path.name == "ru.po")
    assert ru.stale == 1 and ru.kept == 0
    text = (crevasse / "locales" / "ru.po").read_text(encoding="utf-8")
    assert '#| msgid "Drive on"' in text and "#, fuzzy" in text
    codes = [d.code for d in check_translations(crevasse)]
    assert codes.count("W502") == 1 and codes.count("W501") == written.total - 1


def test_a_translation_that_loses_a_value_or_emphasis_is_an_error_at_its_line(crevasse: Path) -> None:
    _edit_po(crevasse, "в баках остаётся {fuel:unit} топлива", "в баках остаётся топливо")
    _edit_po(crevasse, "над **синей пустотой**", "над синей пустотой")
    found = {d.code: d for d in check_translations(crevasse)}
    assert found["V501"].path.name == "ru.po" and "missing {fuel}" in found["V501"].message
    assert found["V502"].path.name == "ru.po" and found["V502"].line > 1
    with pytest.raises(StoryError):  # errors stop a load in Russian; the story's own language still loads
        load_story(crevasse, "ru")
    assert load_story(crevasse).language == ""


def test_a_mistake_inside_a_translation_is_reported_in_the_catalogue(crevasse: Path) -> None:
    _edit_po(
        crevasse,
        "Топливо {fuel:unit}, тепло {warmth:unit}. Впереди",
        "Топливо {fuel:unit}, тепло {warmth:unit. Впереди",
    )
    story, problems = analyse_story(crevasse, "ru")
    errors = [d for d in problems if d.severity == "error"]
    assert story is None and errors and errors[0].path.name == "ru.po"


def test_a_damaged_catalogue_is_reported_not_a_traceback(crevasse: Path) -> None:
    (crevasse / "locales" / "ru.po").write_bytes(b'msgid "x\nmsgstr \xff\xfe[/]')
    story, problems = analyse_story(crevasse, "ru")
    assert story is None and problems[0].code == "V006" and "ru.po" in problems[0].message
    assert main(["check", str(crevasse)]) == 1


def test_the_language_comes_from_lang_or_the_locale(tmp_path: Path) -> None:
    assert language_from_locale("ru_RU.UTF-8") == "ru" and language_from_locale("C.UTF-8") == ""
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    command = [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(CREVASSE), "--seed", "1"]
    command += ["--saves", str(tmp_path)]
    russian = subprocess.run(
        command, input="quit\n", capture_output=True, text=True, env={**env, "LANG": "ru_RU.UTF-8"}, timeout=60
    )
    assert "Ноябрь 1957 года" in russian.stdout
    french = subprocess.run(
        [*command, "--lang", "fr"], input="quit\n", capture_output=True, text=True, env=env, timeout=60
    )
    assert "November 1957" in french.stdout and "no fr translation" in french.stderr
    assert french.stderr.count("\n") == 1 and "(en)" in french.stderr
    for own in ("en", "en_GB"):  # the story's own language needs no catalogue: nothing to say
        asked = subprocess.run(
            [*command, "--lang", own], input="quit\n", capture_output=True, text=True, env=env, timeout=60
        )
        assert "November 1957" in asked.stdout and asked.stderr == ""
    for hostile in ("[/]", "[@click=app.quit]x[/]", "x\u202ey<img onerror>", "1e400"):
        asked = subprocess.run(
            [*command, "--lang", hostile], input="quit\n", capture_output=True, text=True, env=env, timeout=60
        )
        assert asked.returncode == 0 and "November 1957" in asked.stdout
        assert asked.stderr.count("\n") == 1 and "is not a language code" in asked.stderr
        assert "\u202e" not in asked.stderr and "Traceback" not in asked.stderr
    english = subprocess.run(
        command, input="quit\n", capture_output=True, text=True, env={**env, "LANG": "C.UTF-8"}, timeout=60
    )
    assert "November 1957" in english.stdout


@pytest.mark.parametrize("story_dir", ["scenes", "examples/crevasse"])
def test_shipped_stories_are_completely_translated(story_dir):
    """A story the game ships is played in every language it has a catalogue for: an English
    edit without its translation leaves a stale (W502) or missing (W501) text, and the Russian
    player would read English in the middle of a Russian scene."""
    root = Path(__file__).resolve().parents[1] / story_dir
    assert (root / "locales" / "ru.po").is_file()
    assert [str(d) for d in check_translations(root)] == []


def test_a_sources_own_words_are_translated_and_published_titles_kept():
    """A Russian reader of the history notes meets "Исторический блог без подписи", not the
    writer's English description; a published title stays as it was published."""
    root = Path(__file__).resolve().parents[1] / "scenes"
    english, russian = load_story(root).sources, load_story(root, lang="ru").sources
    assert english["blog2025"].author == "An unsigned history blog"
    assert russian["blog2025"].author == "Исторический блог без подписи"
    assert russian["granath"].year == "без даты, после 2019"
    assert russian["time2015"].title == english["time2015"].title
