"""What a story gets when its manifest leaves a presentation field out.

Each default names no story, no year and no place, so a writer's own story
never shows another story's words; Voskhod-2 sets its own in ``scenes/story.yaml``.
"""

from __future__ import annotations

REFERENCE_LABEL = "history"
LANGUAGE = "en"  # the language a story is written in unless its manifest says `language:`

HOW_TO_PLAY = """\
Each screen of the story ends in a few **choices**. Press a choice's number,
or move with the arrow keys and press Enter, or click it. A choice that cannot
be taken yet is dimmed, with the reason under it. A choice may cost time (shown
in brackets before its label), and time moves your meters; a choice marked
⚠ risky may turn out differently from what you hoped.

The **meters** beside the story show what you can still afford. Each bar is
coloured by its state, and the small trend line beside it shows where it is
heading. When a meter crosses into WARN or CRITICAL you are told at once; a
critical meter turns its row red and names itself at the top of the panel.

The **clock** above the story shows the time since the start. Press **m** for
the log of everything that happened.

The game saves itself after every choice: **Continue** on the title screen
takes you back. Press **s** to save in a named slot and **l** to load one.
**u** takes back a choice, except after a point of no return.

Every ending has a debrief: your run beside what really happened."""

QUESTIONS: tuple[str, ...] = (
    "Which vote split the class most? What did each side see that the other did not?",
    "Where did the class trade time for safety, or safety for time? Would you make the same trade again?",
    "Which meter worried you most, and when did you first notice it?",
    "The people who really lived this had no class to vote with. How would deciding alone change your choices?",
    "What did the people at the time know that you did not, and what do you know that they could not?",
)
