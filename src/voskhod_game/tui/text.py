"""Story text as the TUI shows it: paragraphs reflowed, ``*em*`` and ``**strong**`` styled."""

from __future__ import annotations

from rich.text import Text

from ..present.text import paragraphs
from ..story.markup import runs

STYLES = {"em": "italic", "strong": "bold"}


def story_text(text: str, style: str = "") -> Text:
    """Rich Text for a piece of story text with its emphasis applied."""
    result = Text(style=style)
    for i, para in enumerate(paragraphs(text)):
        if i:
            result.append("\n\n")
        for kind, chunk in runs(para):
            result.append(chunk, STYLES.get(kind, ""))
    return result
