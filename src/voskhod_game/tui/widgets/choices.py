"""The choices of the current beat as an option list: number, label, time cost, risk.

A disabled choice stays in the list, dimmed, with the reason it cannot be
taken, so the player learns what would open it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...engine.views import ChoiceView
from ...i18n import _
from ...present.choices import RISKY, choice_line


def choice_prompt(choice: ChoiceView) -> Text:
    line = choice_line(choice)
    text = Text()
    text.append(f"{line.number}", style="bold")
    text.append(". ")
    if line.cost:  # before the label, where wrapping can never split it
        text.append(f"[{line.cost}] ", style="italic")
    text.append(line.label)
    if line.risky:
        text.append(f"  ⚠ {_(RISKY)}", style="italic")
    if not line.enabled:
        text.append(f"\n   ✗ {line.reason}", style="italic")
    return text


class ChoiceList(OptionList):
    """Choices by arrows and Enter or by mouse; the screen handles the number keys."""

    def show(self, choices: Sequence[ChoiceView]) -> None:
        self.set_options(Option(choice_prompt(c), id=c.id, disabled=not c.enabled) for c in choices)
        first = next((i for i, c in enumerate(choices) if c.enabled), None)
        self.highlighted = first
