"""A choice as a person sees it: number, label, time cost, risk and why it is unavailable.

Front ends lay these parts out their own way (styled in the TUI, one line in line
mode, JSON for the classroom) but take the words from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.views import ChoiceView
from ..i18n import N_, _
from .durations import format_duration

RISKY = N_("risky")
UNAVAILABLE = N_("unavailable")


@dataclass(frozen=True)
class ChoiceLine:
    number: int
    label: str
    cost: str  # "13 min 13 s", empty when the choice takes no time
    risky: bool
    enabled: bool
    reason: str  # why it cannot be taken, when disabled

    @property
    def text(self) -> str:
        """The choice as one plain line: ``2. Open the hatch (2 min) [risky]``."""
        cost = f" ({self.cost})" if self.cost else ""
        if not self.enabled:
            return f"{self.number}. ({_(UNAVAILABLE)}: {self.reason}) {self.label}{cost}"
        risk = f" [{_(RISKY)}]" if self.risky else ""
        return f"{self.number}. {self.label}{cost}{risk}"

    @property
    def refusal(self) -> str:
        """What a person is told on trying a disabled choice."""
        return f"{self.label}: {self.reason}"


def choice_line(choice: ChoiceView) -> ChoiceLine:
    return ChoiceLine(
        choice.number,
        choice.label,
        format_duration(choice.minutes),
        choice.risky,
        choice.enabled,
        choice.reason,
    )
