"""The game's own words as a gettext template, and its catalogues kept up to date.

``voskhod translate game`` runs Babel's extractor over the package for the
``_()``, ``N_()`` and ``ngettext()`` calls (see i18n.py) and writes
``locales/messages.pot``; every ``locales/LANG.po`` is merged with it: new
words arrive empty, words whose English changed keep their old translation
marked fuzzy (shown in English until a translator confirms it).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..i18n import KEYWORDS, LOCALE_DIR, TEMPLATE, game_languages

PACKAGE = Path(__file__).resolve().parent.parent


def game_template() -> Any:  # babel.messages.catalog.Catalog
    """Every word the program says, from its source: a Babel catalogue without translations."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="voskhod", fuzzy=False)
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    )
    for filename, line, message, comments, context in found:
        catalog.add(
            message, None, locations=[(Path(filename).as_posix(), line)], auto_comments=comments, context=context
        )
    return catalog


def _write(path: Path, catalog: Any) -> None:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, include_previous=True, sort_output=True)
    new = out.getvalue()
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return  # only the creation date would change: leave the file (and its diff) alone
    path.write_bytes(new)


def _undated(po: bytes) -> list[bytes]:
    return [line for line in po.splitlines() if not line.startswith(b'"POT-Creation-Date:')]


def update_game_catalogues() -> list[tuple[Path, int, int]]:
    """Write the template and merge it into each language; (path, translated, to do) per file."""
    from babel.messages.pofile import read_po

    template = game_template()
    _write(TEMPLATE, template)
    written = [(TEMPLATE, 0, len(template))]
    for lang in game_languages()[1:]:
        path = LOCALE_DIR / f"{lang}.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        catalog.update(template, update_header_comment=False)
        _write(path, catalog)
        done = sum(
            1
            for m in catalog
            if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
        )
        written.append((path, done, len(template) - done))
    return written
