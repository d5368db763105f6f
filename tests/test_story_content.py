"""The Voskhod-2 story loads clean, is big enough, cites real facts and repeats no myths."""

from __future__ import annotations

import re

import pytest

from story_paths import MAIN_SCENES, SCENES, story
from voskhod_game.story import analyse_story


@pytest.fixture(scope="module")
def s():
    return story()


def test_story_loads_without_any_diagnostic():
    loaded, problems = analyse_story(SCENES)
    assert loaded is not None
    assert [str(p) for p in problems] == []


def test_story_is_big_enough(s):
    assert s.id == "voskhod2"
    assert len(s.beats) >= 60
    assert sum(len(b.choices) for b in s.beats.values()) >= 150
    assert len(s.endings) >= 8
    for scene in MAIN_SCENES:
        assert len([b for b in s.beats.values() if b.scene == scene]) >= 8, scene


def test_scenes_play_in_the_documented_order(s):
    assert [sc.id for sc in s.scenes] == ["prologue", "egress", "inflation", "spin", "retrofire", "taiga", "epilogue"]


def test_every_ending_type_exists_and_every_ending_has_a_debrief(s):
    assert {e.type for e in s.endings.values()} == {"historical", "survived", "lost"}
    for ending in s.endings.values():
        assert len(ending.debrief.split()) >= 25, ending.id
        if ending.type == "lost":
            assert ending.cause, ending.id


def test_most_beats_offer_two_to_four_choices(s):
    counts = [len(b.choices) for b in s.beats.values()]
    assert sum(2 <= n <= 4 for n in counts) >= 0.8 * len(counts)


def test_beat_texts_are_40_to_150_words_and_labels_short(s):
    for beat in s.beats.values():
        if beat.is_route:
            continue
        words = len(beat.text.split())
        assert 40 <= words <= 150, (beat.id, words)
        for choice in beat.choices:
            assert len(choice.label) < 60, (beat.id, choice.id)


def test_fact_based_beats_cite_known_facts(s):
    shown = [b for b in s.beats.values() if not b.is_route]
    cited = [b for b in shown if b.history is not None]
    assert len(cited) >= 0.9 * len(shown)
    for beat in cited:
        for fact in beat.history.facts:
            assert fact in s.facts
    for fact in s.facts.values():
        assert fact.sources and set(fact.sources) <= set(s.sources), fact.id


def test_every_beat_says_how_true_it_is_and_every_source_is_named_for_people(s):
    for beat in s.beats.values():
        if not beat.is_route:
            assert beat.basis in ("record", "dramatised", "invented"), beat.id
    for source in s.sources.values():
        assert source.author and source.title and source.year and source.reliability, source
        assert not re.search(r"\bS00\d\b", f"{source.author} {source.title}"), source


def test_every_scene_has_questions_about_its_history(s):
    for scene in s.scenes:
        assert scene.questions, scene.id


def test_the_glossary_covers_the_words_a_12_year_old_may_not_know(s):
    terms = {entry.term.lower() for entry in s.glossary}
    assert {"eva", "bends", "atm", "vzor", "retrofire", "attitude", "taiga", "call sign"} <= terms


def test_disputed_figures_are_chosen_and_explained(s):
    notes = " ".join(b.history.note for b in s.beats.values() if b.history)
    assert "45 minutes" in notes and "90" in notes  # backpack oxygen
    assert "143" in notes and "168" in notes  # heart rate
    assert "386" in notes  # landing distance


def all_player_text(s) -> list[tuple[str, str]]:
    texts = [("intro", s.intro)]
    for beat in s.beats.values():
        texts += [(beat.id, beat.text), (beat.id, beat.title)]
        if beat.history:
            texts.append((beat.id, beat.history.note))
        for c in beat.choices:
            texts += [(f"{beat.id}:{c.id}", c.label), (f"{beat.id}:{c.id}", c.outcome.text)]
            if c.chance:
                texts.append((f"{beat.id}:{c.id}", c.chance.outcome.text))
    for e in s.endings.values():
        texts += [(e.id, e.title), (e.id, e.text), (e.id, e.debrief)]
    for f in s.facts.values():
        texts.append((f.id, f.text))
    for m in s.meters.values():
        texts.append((m.name, m.description))
    return texts


MYTHS = [
    r"1,200",
    r"1200",
    r"2,000 miles",
    r"\bjet\b",
    r"jetpack",
    r"wolves attacked",
    r"attacked by (wolves|bears)",
    r"35\s*°",
    r"35 degrees",
    r"five-foot",
    r"5-foot",
    r"twenty(-plus)? minutes",
    r"\b2\d min(utes)? outside",
    r"east of the urals",
]


@pytest.mark.parametrize("pattern", MYTHS)
def test_no_myth_appears_anywhere(s, pattern):
    hits = [where for where, text in all_player_text(s) if re.search(pattern, text, re.IGNORECASE)]
    assert hits == []


def test_text_uses_only_emphasis_and_placeholders(s):
    for where, text in all_player_text(s):
        words = re.sub(r"\{[^{}]*\}", "", str(text))  # conditions and values may compare with `<`
        assert "**" not in words, where
        assert "<" not in words and "[" not in words, where


def test_no_internal_source_code_reaches_a_reader(s):
    """Readers meet sources by author, title and year (issue 12), never by the fact sheet's
    own codes such as S001, E32 or "FACTS 23a"."""
    codes = re.compile(r"\bS00\d\b|\bFACTS\b|\b[A-G]\d{1,2}[a-z]?\)")
    hits = [where for where, text in all_player_text(s) if codes.search(text)]
    assert hits == []
