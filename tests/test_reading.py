"""The reading features of any story: how true a passage is, history notes with named sources,
the glossary, scene questions and the debrief summary; checked by the loader, carried by the
view, worded once, and shown in line mode exactly as written (hostile text included)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from voskhod_game.engine.debrief import build_debrief
from voskhod_game.engine.game import Game
from voskhod_game.engine.reference import terms_in
from voskhod_game.engine.saves import SaveStore
from voskhod_game.plain import run_plain
from voskhod_game.present.debrief import debrief_rows
from voskhod_game.present.reference import find_term, glossary_sections, summary_points
from voskhod_game.story.diagnostics import StoryError
from voskhod_game.story.loader import load_story

FIXTURES = Path(__file__).resolve().parent / "fixtures"
READING = FIXTURES / "reading"
CREVASSE = Path(__file__).resolve().parent.parent / "examples" / "crevasse"


def copy_story(tmp_path: Path, src: Path = READING) -> Path:
    dest = tmp_path / "story"
    shutil.copytree(src, dest)
    return dest


def problems(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [f"{d.code} {d.message} | {d.hint}" for d in caught.value.diagnostics]


# -- the loader -----------------------------------------------------------------------------
def test_sources_basis_glossary_questions_and_summary_load() -> None:
    story = load_story(READING)
    assert story.sources["s1"].author.startswith("Ann") and story.sources["s2"].year == "n.d."
    assert story.facts["F2"].sources == ("s1", "s2") and story.facts["F1"].source == ""
    assert story.beats["desk.first"].basis == "record" and story.beats["later.far"].basis == "dramatised"
    assert [e.term for e in story.glossary] == ["hatch", "EVA", "call sign"]
    assert story.scenes[0].questions == ("Why open a hatch at all? <img src=y onerror=alert(3)>",)
    assert story.debrief_summary.startswith("- {opened:")


def test_a_fact_citing_an_unknown_source_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    root = copy_story(tmp_path)
    facts = (root / "facts.yaml").read_text(encoding="utf-8").replace("source: s1}", "source: s11}")
    (root / "facts.yaml").write_text(facts, encoding="utf-8")
    found = problems(root)
    assert any(p.startswith("V202 fact `F1` cites unknown source `s11`") and "`s1`" in p for p in found), found


def test_a_fact_without_a_source_in_a_story_with_sources_says_so(tmp_path: Path) -> None:
    root = copy_story(tmp_path)
    facts = (root / "facts.yaml").read_text(encoding="utf-8").replace(", source: s1}", "}")
    (root / "facts.yaml").write_text(facts, encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(root)
    found = [d for d in caught.value.diagnostics if d.code == "V202"]
    assert [d.message for d in found] == ["fact `F1` cites no source"], found
    assert "source: s1" in found[0].hint and found[0].line == 9, found[0]


def test_a_wrong_basis_names_the_three_words(tmp_path: Path) -> None:
    root = copy_story(tmp_path)
    scene = (root / "1_desk.yaml").read_text(encoding="utf-8").replace("basis: record", "basis: true_story")
    (root / "1_desk.yaml").write_text(scene, encoding="utf-8")
    found = problems(root)
    assert any(p.startswith("V104 `true_story` is not one of `record` or `dramatised` or `invented`") for p in found), (
        found
    )


def test_a_source_without_a_year_and_a_term_twice_in_two_cases_are_reported(tmp_path: Path) -> None:
    root = copy_story(tmp_path)
    facts = (root / "facts.yaml").read_text(encoding="utf-8").replace("    year: 1999\n", "")
    (root / "facts.yaml").write_text(facts, encoding="utf-8")
    manifest = (root / "story.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("glossary:\n", "glossary:\n  Hatch: Another hatch.\n")
    manifest = manifest.replace("{calm:unit}", "{calmness}")
    (root / "story.yaml").write_text(manifest, encoding="utf-8")
    found = problems(root)
    assert any(p.startswith("V103 source is missing `year`") for p in found), found
    assert any(p.startswith("V201 glossary term `hatch` is also written `Hatch`") for p in found), found
    assert any(p.startswith("V302") and "calmness" in p for p in found), found  # the summary is a checked text


def test_a_story_without_sources_keeps_free_text_sources(tmp_path: Path) -> None:
    root = copy_story(tmp_path, FIXTURES / "mini")
    story = load_story(root)
    assert not story.sources and story.facts["T1"].source == "test"


# -- the view and the words -----------------------------------------------------------------
def test_terms_are_whole_words_in_any_case_with_plurals() -> None:
    story = load_story(READING)
    assert terms_in(story, "The EVA begins at the hatch; HATCHES shut. A hatchery is not one.") == ("EVA", "hatch")
    assert terms_in(story, "your Call  sign") == ()  # words must stand as the glossary writes them
    assert terms_in(story, "call signs and eva") == ("call sign", "EVA")
    assert terms_in(load_story(FIXTURES / "mini"), "hatch") == ()


def test_a_term_s_forms_link_inflected_words_and_a_translation_gives_its_own(tmp_path: Path) -> None:
    """``forms:`` in the source, ``term | form | form`` in a catalogue: Russian cases link to the term."""
    root = copy_story(tmp_path, CREVASSE)
    manifest = root / "story.yaml"
    text = manifest.read_text(encoding="utf-8").replace("version: 1\n", "version: 1\nlanguage: ru\n")
    text = text.replace(
        "glossary:\n",
        "glossary:\n  скафандр:\n    definition: Костюм [/] <img onerror>.\n"
        "    forms: [скафандра, скафандре, 'скафандр. (']\n",
    )
    manifest.write_text(text, encoding="utf-8")
    story = load_story(root)
    assert story.glossary[0].forms == ("скафандра", "скафандре", "скафандр. (")
    assert terms_in(story, "В скафандре жарко, у скафандра нет окна.") == ("скафандр",)
    assert terms_in(story, "Скафандры и скафандрами: других форм нет.") == ()  # only the forms listed
    assert terms_in(story, "Нажми скафандр. ( сейчас") == ("скафандр",)  # a form is words, never a pattern
    game = Game.new(story, seed=1)
    found = find_term(game.glossary(), "СКАФАНДРЕ")
    assert found is not None and found.term == "скафандр" and found.definition == "Костюм [/] <img onerror>."
    manifest.write_text(text.replace("forms: [скафандра,", "forms: ['[@click=app.quit]x[/]',"), encoding="utf-8")
    assert any(p.startswith("V204") and "without braces, brackets" in p for p in problems(root)), problems(root)

    russian = load_story(CREVASSE, "ru")  # English source, Russian catalogue with the cases
    crevasse = next(e for e in russian.glossary if e.term == "трещина")
    assert "трещинами" in crevasse.forms
    game = Game.new(russian, seed=9)
    game.choose("leave_light")
    view = game.view()
    assert "трещины" in view.text and "трещина" not in view.text and "трещина" in view.terms
    english = load_story(CREVASSE)
    assert terms_in(english, "The Cats grind on.") == ("Sno-Cat",)  # the source's own forms
    assert terms_in(russian, "The Cats grind on.") == ()  # English forms are not Russian words
    po = root / "locales" / "ru.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "сани | ', 'msgstr "сани | [@click=app.quit]x[/] | <img onerror> | '
        ),
        encoding="utf-8",
    )
    manifest.write_text(text.replace("language: ru\n", ""), encoding="utf-8")
    hostile = load_story(root, "ru")
    assert terms_in(hostile, "a [@click=app.quit]x[/] and <img onerror>") == ("сани",)


def test_the_view_carries_basis_notes_with_sources_and_terms() -> None:
    game = Game.new(load_story(READING), seed=1)
    view = game.view()
    assert view.basis == "record"
    assert view.terms == ("EVA", "hatch")
    assert view.history is not None and view.history.facts[0].sources[0].title == "Book of Hatches [/]"
    sections = glossary_sections(game.glossary(), view.terms)
    assert [heading for heading, _ in sections] == ["In this passage", "All the other terms"]
    assert [t.term for t in sections[0][1]] == ["EVA", "hatch"]
    assert find_term(game.glossary(), "  Call   Signs ") is not None
    game.choose("open")
    assert "Hatchling" in next(t.definition for t in game.glossary() if t.term == "call sign")


def test_summary_points_join_wrapped_lines_and_drop_empty_ones() -> None:
    text = "- one\n  goes on\n-\n- two\n"
    assert summary_points(text) == ["one goes on", "two"]
    assert summary_points("A paragraph.\n\nAnother.") == ["A paragraph.", "Another."]
    assert summary_points("  \n") == []


def test_the_debrief_renders_the_summary_and_lists_facts_with_citations() -> None:
    story = load_story(READING)
    game = Game.new(story, seed=1)
    game.choose("open")
    game.choose("finish")
    rows = debrief_rows(build_debrief(game), story)
    assert rows.points[0] == "You opened the hatch, as they did."
    assert rows.points[1].startswith("Calm at the end: 55")
    assert rows.points_heading == "Your run against history"
    assert [f.source for f in rows.facts] == [
        "Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999",
        "Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999; B. Writer, Radio Notes, n.d.",
    ]
    assert rows.sources[0].reliability == "Contradicts itself on the [red]distance[/]."


# -- line mode ------------------------------------------------------------------------------
def transcript(tmp_path: Path, story: Path, lines: list[str], seed: int = 1) -> str:
    out = io.StringIO()
    run_plain(
        load_story(story),
        SaveStore(tmp_path / "saves"),
        seed=seed,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    return out.getvalue()


def test_line_mode_notes_glossary_define_and_facts(tmp_path: Path) -> None:
    text = transcript(tmp_path, READING, ["notes", "glossary", "define hatches", "define hach", "facts", "help"])
    assert "From the record · type `notes` for the history behind it" in text
    assert "Glossary: EVA, hatch (type `define` and a word)." in text
    notes = text.split("> notes", 1)[1].split("> glossary", 1)[0]
    assert "From the record. This passage tells what the record says happened." in notes
    assert "A note <img src=z onerror=alert(4)> [/]" in notes
    assert "Source: Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999" in notes
    assert "s1" not in notes
    glossary = text.split("> glossary", 1)[1].split("> define", 1)[0]
    assert glossary.index("In this passage:") < glossary.index("EVA:") < glossary.index("All the other terms:")
    assert "[@click=app.quit]work outside[/]" in glossary
    flat = " ".join(text.split())  # lines are wrapped to the terminal's width
    assert "hatch: A door in a ship's hull. <img src=x onerror=alert(1)> [bold]not bold[/]" in flat
    assert "The glossary has no “hach”. Did you mean: hatch?" in text
    facts = text.split("> facts", 1)[1].split("> help", 1)[0]
    assert "Facts behind the passages you played" in facts and "The hatch opened at 08:32 [/]." in facts
    assert "The call sign was chosen" not in facts  # not played yet
    assert "Contradicts itself on the [red]distance[/]." in facts
    assert "define WORD" in text.split("> help", 1)[1]


def test_line_mode_debrief_leads_with_the_summary_and_facts_is_one_command_away(tmp_path: Path) -> None:
    text = transcript(tmp_path, READING, ["2", "1", "facts"])
    debrief = text.split("== THE END", 1)[1]
    assert debrief.index("Your run against history:") < debrief.index("Mission time")
    assert "  - You kept the hatch shut; they opened it." in debrief
    assert "<script>alert(5)</script> [/]" in debrief
    assert "Type `facts` for the full fact list with its sources." in debrief
    facts = debrief.split("> facts", 1)[1]
    assert "The record: facts and their sources" in facts
    assert "The call sign was chosen before the flight." in facts
    assert "B. Writer, Radio Notes, n.d." in facts


def test_line_mode_crevasse_shows_its_basis_glossary_and_sources(tmp_path: Path) -> None:
    text = transcript(tmp_path, CREVASSE, ["notes", "define sno-cats", "2", "2", "2", "facts"], seed=5)
    assert "Dramatised from the record · type `notes`" in text
    assert "Source: Vivian Fuchs and Edmund Hillary, The Crossing of Antarctica, 1958" in text
    assert "Sno-Cat: A tracked snow vehicle" in text and "Your lead Cat is Rock 'n Roll." in text
    assert "Your run against 1957:" in text
    assert "Jon Stephenson, Crevasse Roulette" in text
    assert "fuchs1958" not in text and "stephenson2009" not in text
