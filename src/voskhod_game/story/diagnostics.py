"""Problems found in a story, each with a stable code, a place and a hint.

Codes are stable so that documentation, editors and tests can rely on them:
V0xx file level, V1xx structure, V2xx ids and references, V3xx expressions.
Analysis done by the authoring tools uses the W (warning) range.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

CODES: dict[str, str] = {
    "V001": "file is not UTF-8",
    "V002": "file too large",
    "V003": "YAML syntax error",
    "V004": "alias bomb or nesting too deep",
    "V005": "duplicate key in a mapping",
    "V006": "missing or unreadable file",
    "V007": "YAML reads a value differently than it looks",
    "V101": "unknown key",
    "V102": "wrong type",
    "V103": "missing required key",
    "V104": "value out of range",
    "V201": "duplicate id",
    "V202": "target does not exist",
    "V203": "name clashes with a reserved name",
    "V204": "malformed id",
    "V205": "routing beats lead round in a circle",
    "V206": "`ignore` names an error or an unknown code",
    "V301": "expression does not parse or uses something not allowed",
    "V302": "unknown meter or flag in an expression",
    "V303": "effect does not fit what it changes",
    "V304": "text markup does not parse",
    "V501": "translation shows or tests other things than its source",
    "V502": "translation has other emphasis than its source",
    # Warnings from story analysis (``voskhod check``; see authoring/analysis.py).
    "W401": "beat can never be reached",
    "W402": "ending can never be reached",
    "W403": "beat can leave the player with every choice disabled",
    "W404": "condition can never be true",
    "W405": "meter or flag never read",
    "W406": "meter or flag never written",
    "W407": "history note cites no fact",
    "W408": "empty or broken text markup",
    "W409": "chance that never or always happens",
    "W410": "fact never cited",
    "W411": "outcome or route branch never taken",
    "W501": "text not translated",
    "W502": "translation made for an older text",
}


# Used when a check has nothing more specific to say, so every problem has a hint.
DEFAULT_HINTS: dict[str, str] = {
    "V001": "save the file as UTF-8 in your editor",
    "V002": "split the scene into several files",
    "V003": "check indentation and quote text that contains `: ` or starts with a symbol",
    "V004": "write the values out instead of using anchors and aliases",
    "V005": "remove one of them: YAML would silently keep only the last",
    "V006": "a story folder holds story.yaml and one YAML file per scene",
    "V007": "put text in quotes, and write numbers plainly: 90, 10, 1000",
    "V101": "docs/scene-format.md lists the keys each part accepts",
    "V102": "docs/scene-format.md (or `voskhod schema`) gives the type each key takes",
    "V103": "docs/scene-format.md lists the required keys",
    "V104": "change the value to lie within the limits the message names",
    "V201": "ids must be unique where they are used: rename one of them",
    "V202": "check the spelling: a beat is `beat` in its own scene or `scene.beat` anywhere",
    "V203": "pick another name",
    "V204": "ids use lower-case letters, digits and `_`, starting with a letter",
    "V205": "let one of the routing beats lead to a beat with choices or an ending",
    "V206": "only warnings (W codes, listed in docs/diagnostics.md) can be ignored; errors must be fixed",
    "V301": "conditions look like `oxygen > 5 and not reported`; see Expressions in docs/scene-format.md",
    "V302": "declare it under `meters:` or `flags:` in story.yaml",
    "V303": "yes/no flags are set to true or false, whole-number flags to whole numbers; the clock is not set",
    "V304": "text uses `{expr}`, `{cond: a | b}`, `{if cond}`...`{end}` and `{~a|b}`; write `{{` for a brace",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    code: str
    message: str
    path: Path
    line: int = 1
    col: int = 1
    hint: str = ""
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if not self.hint and self.code in DEFAULT_HINTS:
            object.__setattr__(self, "hint", DEFAULT_HINTS[self.code])

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return visible(f"{text}\n    hint: {self.hint}" if self.hint else text)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": str(self.path),
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint,
        }


def visible(text: str) -> str:
    """``text`` with control and invisible format characters written as escapes (``\\x1b``, ``\\u202e``).

    Messages quote what a story file holds, and a terminal would act on an escape
    sequence or a right-to-left override instead of showing it.
    """
    if text.isprintable() or all(ch.isprintable() or ch == "\n" for ch in text):
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else ch.encode("unicode_escape").decode("ascii") for ch in text)


# The files a writer should fix first: the manifest declares what scenes refer to,
# and the fact sheet what history notes cite. Other files follow in path order.
_FILE_RANK = {"story.yaml": 0, "facts.yaml": 1}


def cause_first(d: Diagnostic) -> tuple[object, ...]:
    """Sort key that puts causes before consequences: errors before warnings,
    the manifest before the fact sheet before scenes, then by place."""
    return (d.severity != "error", _FILE_RANK.get(d.path.name, 2), str(d.path), d.line, d.col, d.code)


class StoryError(Exception):
    """A story that cannot be played; carries every problem found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=cause_first)
        count = len(self.diagnostics)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the story")

    def report(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


def ignorable(code: str) -> str:
    """Why ``code`` cannot be ignored (by ``ignore:`` or ``--ignore``), or "" when it can."""
    if code.startswith("V") and code in CODES:
        return f"`{code}` is an error ({CODES[code]}); errors cannot be ignored, only fixed"
    if code not in CODES:
        close = did_you_mean(code, [c for c in CODES if c.startswith("W")])
        return f"`{code}` is not a warning code" + (f"; {close}" if close else "")
    return ""


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A hint naming the closest known word, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""
