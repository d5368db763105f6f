"""The phone page's own words, in the game's catalogue like every other screen's.

The page (``static/app.js``, ``static/index.html``) holds only keys; it asks
``/words?lang=`` for this table in the student's language and shows each entry
with ``textContent``, filling ``{name}`` values itself, so a translation is
never parsed as HTML. ``index.html`` carries the English beside each
``data-words`` key so the page reads before the words arrive; a test keeps the
two equal and every key the script uses defined here.
"""

from __future__ import annotations

from functools import cache

from ..i18n import N_, translator

PAGE_WORDS: dict[str, str] = {
    "page_title": N_("Classroom"),
    "language": N_("Language"),
    "join_heading": N_("Join the class"),
    "code_label": N_("Join code"),
    "name_label": N_("Nickname"),
    "name_hint": N_("(leave empty for a generated one)"),
    "name_placeholder": N_("e.g. Brave Falcon"),
    "join_button": N_("Join"),
    "vote_region": N_("Vote"),
    "choices_region": N_("Choices"),
    "meters_region": N_("Meters"),
    "history_notes": N_("History notes"),
    "glossary": N_("Glossary"),
    "reconnecting": N_("Reconnecting…"),
    "connecting": N_("Connecting…"),
    "you_are": N_("You are {name}"),
    "left_title": N_("You have left the session"),
    "over_title": N_("The session is over"),
    "session_restarted": N_("That session is over or was restarted from scratch. Join again with the new code."),
    "type_code": N_("Type the join code from the projector."),
    "title_debrief": N_("Debrief · {title}"),
    "title_vote": N_("Vote now · {title}"),
    "title_paused": N_("Vote paused · {title}"),
    "title_result": N_("Result · {title}"),
    "where": N_("Scene {number} of {count}: {title} · {clock}"),
    "meter_aria": N_("{label}: {value}, {state}"),
    "meter_ok": N_("fine"),
    "meter_warn": N_("warning"),
    "meter_critical": N_("critical"),
    "announce_over": N_("The session is over. The class debrief is on screen."),
    "announce_open": N_("Vote open. Choices: {choices}. Seconds: {seconds}."),
    "status_paused": N_("The vote is paused."),
    "source": N_("Source: {source}"),
    "chosen": N_("chosen"),
    "your_vote_tag": N_("your vote"),
    "voted_for_it": N_("You voted for it."),
    "voted_other": N_("You voted for something else."),
    "status_over": N_("The session is over."),
    "status_ending": N_("The story has reached its ending. Wait for the debrief."),
    "status_wait": N_("Wait for the teacher to open the vote."),
    "status_can_change": N_("Vote open: you can change your vote."),
    "status_vote_now": N_("Vote now!"),
    "risky": N_("risky"),
    "your_vote": N_("Your vote"),
    "vote_reconnecting": N_("Reconnecting… vote again in a moment."),
    "class_debrief": N_("Class debrief"),
    "path_heading": N_("The path the class took"),
    "closest_heading": N_("The closest votes"),
    "round_line": N_("Round {round}: {split} ({close})"),
    "comparisons_heading": N_("The class and the reference"),
    "timeline_heading": N_("Timeline"),
    "talk_heading": N_("To talk about"),
    "after_session": N_("After the session"),
    "sources": N_("Sources"),
    "the_class": N_("The class"),
    "history": N_("History"),
}


@cache
def page_words(lang: str) -> dict[str, str]:
    """The table in ``lang`` (English where a word has no translation), built once per language."""
    gettext = translator(lang).gettext
    return {key: gettext(text) for key, text in PAGE_WORDS.items()}
