"""Key descriptions in the game's language: the footer's words and the palette's.

Textual reads a class's ``BINDINGS`` once, when the class is made, before the
player's language is known, so the footer would say "Save" and "Quit" in a
Russian game. The app gives every screen, as it is shown (and every screen
again after the language changes), copies of its bindings with the
descriptions translated from the English originals kept here (in the ``key``
context, so a language can give the footer shorter words). Words Textual
itself adds (the palette key) are marked below so the catalogue carries them.
"""

from __future__ import annotations

from dataclasses import replace
from weakref import WeakKeyDictionary

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from ..i18n import N_, _, language, pgettext

KEY_CONTEXT = "key"  # key descriptions are marked NP_("key", ...): a footer has little room for long words

TEXTUAL_WORDS = (  # descriptions Textual's own bindings carry, for the catalogue
    N_("palette"),
    N_("Open the command palette"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Exit the command palette"),
)

# node -> (its bindings in English, the language its bindings are in now)
_ENGLISH: WeakKeyDictionary[DOMNode, tuple[dict[str, list[Binding]], str]] = WeakKeyDictionary()


def _in_language(binding: Binding) -> Binding:
    return replace(
        binding,
        description=pgettext(KEY_CONTEXT, binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def speak_bindings(node: DOMNode) -> bool:
    """Give ``node`` its key descriptions in the current language; True if they changed."""
    english, spoken = _ENGLISH.get(node, (None, ""))
    if english is None:
        english = dict(node._bindings.key_to_bindings)
    elif spoken == language():
        return False
    node._bindings = BindingsMap.from_keys(
        {key: [_in_language(b) for b in bindings] for key, bindings in english.items()}
    )
    _ENGLISH[node] = (english, language())
    return True
