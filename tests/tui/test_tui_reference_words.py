"""The TUI's fact list names a fact's source in the player's language, the source kept as data."""

from __future__ import annotations

from voskhod_game.i18n import language, set_language
from voskhod_game.present.reference import FactRow
from voskhod_game.tui.reference import facts_text


def test_a_facts_source_is_introduced_in_russian_and_shown_as_plain_text() -> None:
    hostile = "[@click=app.quit]x[/] <img onerror=alert(1)>"
    before = language()
    set_language("ru")
    try:
        shown = facts_text((FactRow("Люк открылся в 08:32.", hostile),), ()).plain
    finally:
        set_language(before)
    assert f"Источник: {hostile}" in shown and "Source" not in shown
