"""The scene format, declared once: the loader checks against it and
``voskhod schema`` turns it into JSON Schema, so the two cannot drift apart.

Each object kind is a list of fields; a field has a type built from the small
type classes below. ``check`` walks a parsed YAML value against a type and
reports unknown keys (with a did-you-mean), wrong types and missing keys, all
in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic, did_you_mean
from .limits import (
    MAX_CHOICE_MINUTES,
    MAX_MAGNITUDE,
    MAX_PRECISION,
    MAX_ZONE_OFFSET,
    describe_number,
    out_of_range,
    range_text,
)
from .model import ENDING_TYPES
from .translation import LANG_PATTERN
from .yamlsource import PathKey, SourceFile

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
ID_RE = re.compile(ID_PATTERN)
REF_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$"
FACT_ID_PATTERN = r"^[A-Za-z0-9_.-]+$"  # fact and source ids: writers keep their own codes (`A5`, `S001`)
# A glossary term: words as a reader sees them (`EVA`, `call sign`), no braces or brackets.
TERM_PATTERN = r"^[^\s{}\[\]<>*|]([^{}\[\]<>*|\n]{0,58}[^\s{}\[\]<>*|])?$"  # `|` separates translated forms
BASIS_VALUES = ("record", "dramatised", "invented")


class Type:
    name = "value"

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def valid(self, value: Any) -> bool:
        """What ``check`` says of ``value``, without a word: most values are fine, and saying nothing
        is much cheaper (no key paths). ``check`` runs in full only where this says no."""
        return self.accepts(value)

    def quick(self) -> Callable[[Any], bool]:
        """``valid`` as one function, made once per field: the quiet check calls it for every value
        of a story, so each type gives the fewest calls it can (often a built-in)."""
        return self.valid

    def quick_accepts(self) -> Callable[[Any], bool]:
        """``accepts`` as one function (a built-in where it is an isinstance test)."""
        return self.accepts

    def json(self) -> dict[str, Any]:
        raise NotImplementedError


class Str(Type):
    name = "text"

    def __init__(self, pattern: str | None = None, min_length: int = 0, hint: str = "") -> None:
        self.pattern = pattern
        self.regex = re.compile(pattern) if pattern else None
        self.min_length = min_length
        self.hint = hint or "ids use lower-case letters, digits and `_`, starting with a letter"  # when no match

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return str.__instancecheck__

    def valid(self, value: Any) -> bool:
        return (
            isinstance(value, str)
            and (self.regex is None or self.regex.match(value) is not None)
            and (not self.min_length or bool(value.strip()))
        )

    def quick(self) -> Callable[[Any], bool]:
        if self.regex is None and not self.min_length:
            return str.__instancecheck__  # isinstance(value, str), without a Python call
        if self.regex is None:  # words that must not be blank
            return lambda value: isinstance(value, str) and bool(value.strip())
        if not self.min_length:  # an id or a reference
            match = self.regex.match
            return lambda value: isinstance(value, str) and match(value) is not None
        return self.valid

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.pattern:
            out["pattern"] = self.pattern
        if self.min_length:
            out["minLength"] = self.min_length
        return out


class Num(Type):
    """A finite number within a range: every number in the format has one (see limits.py)."""

    name = "number"
    json_type = "number"
    kinds: Any = (int, float)  # the types ``accepts`` takes (yes/no apart): a tuple for isinstance

    def __init__(self, minimum: float = -MAX_MAGNITUDE, maximum: float = MAX_MAGNITUDE) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def valid(self, value: Any) -> bool:
        return self.accepts(value) and self.minimum <= value <= self.maximum  # as limits.out_of_range

    def quick(self) -> Callable[[Any], bool]:
        kinds, low, high = self.kinds, self.minimum, self.maximum  # ``accepts`` in one expression

        def valid(value: Any) -> bool:
            return isinstance(value, kinds) and not isinstance(value, bool) and low <= value <= high

        return valid

    def json(self) -> dict[str, Any]:
        return {"type": self.json_type, "minimum": self.minimum, "maximum": self.maximum}


class Int(Num):
    name = "whole number"
    json_type = "integer"
    kinds = (int,)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


class Bool(Type):
    name = "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return bool.__instancecheck__

    def quick(self) -> Callable[[Any], bool]:
        return bool.__instancecheck__

    def json(self) -> dict[str, Any]:
        return {"type": "boolean"}


class OneOf(Type):
    """One of a few words (an enum): editors offer them, check names the closest."""

    def __init__(self, *values: str) -> None:
        self.values = values
        self.name = " or ".join(f"`{v}`" for v in values)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return str.__instancecheck__

    def valid(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.values

    def quick(self) -> Callable[[Any], bool]:
        values = frozenset(self.values)
        return lambda value: isinstance(value, str) and value in values

    def json(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


class AnyOf(Type):
    def __init__(self, *options: Type) -> None:
        self.options = options
        self.name = " or ".join(o.name for o in options)

    def accepts(self, value: Any) -> bool:
        return any(o.accepts(value) for o in self.options)

    def valid(self, value: Any) -> bool:
        for option in self.options:  # the first that accepts it decides, as in ``check``
            if option.accepts(value):
                return option.valid(value)
        return False

    def quick(self) -> Callable[[Any], bool]:
        options = [(option.quick_accepts(), option.quick()) for option in self.options]

        def valid(value: Any) -> bool:
            for accepts, option_valid in options:
                if accepts(value):
                    return option_valid(value)
            return False

        return valid

    def json(self) -> dict[str, Any]:
        return {"anyOf": [o.json() for o in self.options]}


class ListOf(Type):
    def __init__(self, item: Type, min_items: int = 0) -> None:
        self.item = item
        self.min_items = min_items
        self.name = f"list of {item.name}"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return list.__instancecheck__

    def valid(self, value: Any) -> bool:
        if not isinstance(value, list) or len(value) < self.min_items:
            return False
        item = self.item
        return all(item.valid(v) for v in value)

    def quick(self) -> Callable[[Any], bool]:
        item, least = self.item.quick(), self.min_items

        def valid(value: Any) -> bool:
            return isinstance(value, list) and len(value) >= least and all(map(item, value))

        return valid

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


class MapOf(Type):
    def __init__(self, value: Type, key_pattern: str = ID_PATTERN, key_hint: str = "") -> None:
        self.value = value
        self.key_pattern = key_pattern
        self.key_regex = re.compile(key_pattern)
        self.key_hint = key_hint or "names use lower-case letters, digits and `_`, starting with a letter"
        self.name = f"mapping of names to {value.name}"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return dict.__instancecheck__

    def valid(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        match, inner = self.key_regex.match, self.value.valid
        return all(match(str(k)) is not None and inner(v) for k, v in value.items())

    def quick(self) -> Callable[[Any], bool]:
        match, inner = self.key_regex.match, self.value.quick()

        def valid(value: Any) -> bool:
            return isinstance(value, dict) and all(match(str(k)) is not None and inner(v) for k, v in value.items())

        return valid

    def json(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"pattern": self.key_pattern},
            "additionalProperties": self.value.json(),
        }


class Obj(Type):
    """A reference to one of the object kinds in ``OBJECTS``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = kind.replace("_", " ")

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def quick_accepts(self) -> Callable[[Any], bool]:
        return dict.__instancecheck__

    def valid(self, value: Any) -> bool:
        return isinstance(value, dict) and object_valid(value, self.kind)

    def json(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.kind}"}


NO_DEFAULT: Any = object()  # a field whose absence means "not given" (None or empty to the loader)


@dataclass(frozen=True)
class Field:
    """One key of an object kind: its type, what it means, and its default (declared here only)."""

    name: str
    type: Type
    doc: str
    required: bool = False
    default: Any = NO_DEFAULT


def value_of(data: dict[str, Any], kind: str, name: str) -> Any:
    """``data[name]``, or the field's declared default; the loader reads every optional key this way."""
    if name in data:
        return data[name]
    return field_defaults(kind)[name]


def field_defaults(kind: str) -> dict[str, Any]:
    """What ``value_of`` gives for each field of ``kind`` when it is absent (None: no default).

    For the loader's hottest objects, ``data.get(name, field_defaults(kind)[name])`` is ``value_of``
    with one call for several fields."""
    found = _DEFAULTS.get(kind)
    if found is None:
        found = _DEFAULTS[kind] = {
            f.name: None if f.default is NO_DEFAULT else f.default for f in _fields_by_name(kind).values()
        }
    return found


_DEFAULTS: dict[str, dict[str, Any]] = {}  # kind -> field -> what value_of gives when it is absent


def Expr(minimum: float = -MAX_MAGNITUDE, maximum: float = MAX_MAGNITUDE) -> Type:
    return AnyOf(Str(min_length=1), Num(minimum, maximum), Bool())


def Precision() -> Type:
    return Int(0, MAX_PRECISION)


def Effects() -> Type:
    return AnyOf(Str(min_length=1), ListOf(Str(min_length=1)))


def Rates() -> Type:
    return MapOf(Num())


OUTCOME_FIELDS = [
    Field("target", Str(REF_PATTERN), "Beat to go to: `beat` in this scene or `scene.beat`."),
    Field("ending", Str(ID_PATTERN), "Ending to reach instead of a beat (an id from `endings`)."),
    Field("effects", Effects(), "Statements applied on the way: `oxygen -= 5`, `reported = true`."),
    Field("result", Str(), "Text shown after the choice is made, before the next beat."),
]

# Warnings a beat or choice accepts, each with the writer's reason (docs/diagnostics.md).
IGNORE = MapOf(Str(min_length=1), r"^[A-Za-z0-9]+$")  # which codes: the loader (V206)
IGNORE_DOC = "Warnings not to report here, each with its reason: `{W403: the hatch is meant to jam}`."

# Fact ids are freer than other ids (`F1`, `nasa-1965.3`): sources number them their own way.
FACT_MAP = MapOf(Obj("fact"), FACT_ID_PATTERN)

OBJECTS: dict[str, list[Field]] = {
    "manifest": [
        Field("id", Str(ID_PATTERN), "Story id; saves remember it.", True),
        Field("title", Str(min_length=1), "Title shown on the title screen.", True),
        Field("version", AnyOf(Str(), Num()), "Story version, for the writer's own use."),
        Field("start", Str(REF_PATTERN), "First beat, as `scene.beat`.", True),
        Field(
            "language",
            Str(LANG_PATTERN, hint="a language code such as `en`, `ru` or `pt_BR`"),
            "The language the story is written in, such as `en` or `ru` (default `en`); "
            "`--lang` with it shows the story as written.",
        ),
        Field("intro", Str(), "Text shown before the first beat (title screen, classroom)."),
        Field("title_art", Str(), "Art for the title screen, drawn as written; default: `title` in large letters."),
        Field("how_to_play", Str(), "The how-to-play page; `*emphasis*` allowed. Default: a page that names no story."),
        Field(
            "reference_label",
            Str(min_length=1),
            "Heads the debrief's column of real figures, such as the year. Default `history`.",
        ),
        Field(
            "questions",
            ListOf(Str(min_length=1)),
            "Questions a class discusses after a session; default: general ones.",
        ),
        Field("scenes", ListOf(Str(ID_PATTERN)), "Scene ids in playing order; default: file name order."),
        Field(
            "clock", Obj("clock"), "When mission time zero is, and which clocks to show; without it only elapsed time."
        ),
        Field("meters", MapOf(Obj("meter")), "Quantities the story tracks, by name.", True),
        Field("flags", MapOf(AnyOf(Bool(), Int(), Str(), Obj("flag"))), "Named facts about a run, by name."),
        Field("endings", ListOf(Obj("ending")), "Endings (scene files may declare more)."),
        Field("facts", FACT_MAP, "Fact-sheet entries history notes may cite."),
        Field("sources", MapOf(Obj("source"), FACT_ID_PATTERN), "Where the facts come from, by id (or in facts.yaml)."),
        Field(
            "glossary",
            MapOf(
                AnyOf(Str(min_length=1), Obj("glossary_entry")),
                TERM_PATTERN,
                "a term is a word or a few words, without braces, brackets or `|`",
            ),
            "Words a reader may not know: term -> short definition (`{expr}` and `{if}` allowed), or "
            "`{definition: ..., forms: [...]}` with the other forms of the term found in the text.",
        ),
        Field("debrief", Obj("debrief"), "What the debrief compares with history."),
        Field(
            "renamed",
            MapOf(Str(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"), r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"),
            "Beats renamed since players saved: `old_scene.old_beat: scene.beat`, so saves keep their place.",
        ),
    ],
    "clock": [
        Field("start", Str(), "Mission time zero, ISO 8601 in UTC: `1957-11-24T06:00:00Z`.", True),
        Field("zones", ListOf(Obj("zone")), "Clocks to show beside elapsed time."),
    ],
    "zone": [
        Field("label", Str(min_length=1), "Name of the clock: `UTC`, `Moscow`.", True),
        Field("offset", Int(-MAX_ZONE_OFFSET, MAX_ZONE_OFFSET), "Minutes ahead of UTC.", True),
    ],
    "meter": [
        Field("label", Str(min_length=1), "Name shown to the player.", True),
        Field("unit", Str(), "Unit shown after the value: `atm`, `min`, `%`."),
        Field("start", Num(), "Value at the start of the story.", True),
        Field("min", Num(), "Lowest value; the meter is clamped to it.", default=0),
        Field("max", Num(), "Highest value; the meter is clamped to it.", default=100),
        Field("rate", Num(), "Change per minute of mission time; beats and choices may change it.", default=0),
        Field("warn_below", Num(), "At or below this the meter shows a warning."),
        Field("critical_below", Num(), "At or below this the meter is critical."),
        Field("warn_above", Num(), "At or above this the meter shows a warning."),
        Field("critical_above", Num(), "At or above this the meter is critical."),
        Field("at_min", Str(ID_PATTERN), "Ending reached when the meter hits `min`."),
        Field("at_max", Str(ID_PATTERN), "Ending reached when the meter hits `max`."),
        Field("precision", Precision(), "Decimal places shown.", default=0),
        Field("hidden", Bool(), "Tracked but not shown to the player.", default=False),
        Field("description", Str(), "What the meter means, for help screens."),
    ],
    "flag": [
        Field("default", AnyOf(Bool(), Int(), Str()), "Value at the start: true/false, a whole number or text.", True),
        Field("description", Str(), "What the flag records."),
    ],
    "ending": [
        Field("id", Str(ID_PATTERN), "Ending id, used by `ending:` in choices.", True),
        Field("type", OneOf(*ENDING_TYPES), "`historical`, `survived` or `lost`.", True),
        Field("title", Str(min_length=1), "Headline of the ending.", True),
        Field("text", Str(min_length=1), "What happens.", True),
        Field("debrief", Str(), "What really happened, compared with this ending."),
        Field("cause", Str(), "Short cause of loss for reports: `hypoxia`, `fire`."),
    ],
    "glossary_entry": [
        Field("definition", Str(min_length=1), "What the term means (`{expr}` and `{if}` allowed).", True),
        Field(
            "forms",
            ListOf(Str(TERM_PATTERN, hint="a form is a word or a few words, without braces, brackets or `|`")),
            "Other forms of the term that the text uses and that link to it: `[скафандра, скафандре]`, "
            "`[went]`. Case does not matter; English plurals in -s and -es are found without them.",
        ),
    ],
    "fact": [
        Field("text", Str(min_length=1), "The fact in the writer's own words.", True),
        Field(
            "source",
            AnyOf(Str(), ListOf(Str(min_length=1))),
            "A source id from `sources:` (or several); free text only in a story without `sources:`.",
        ),
    ],
    "source": [
        Field("author", Str(min_length=1), "Who wrote or said it: `Alexei Leonov and David Scott`.", True),
        Field("title", Str(min_length=1), "The title of the book, article, film or archive.", True),
        Field("year", AnyOf(Int(0, 9999), Str(min_length=1)), "When it was published: `2004` (or `n.d.`).", True),
        Field("reliability", Str(), "A short note on how far to trust it: `contradicts itself on the distance`."),
    ],
    "facts_file": [
        Field("facts", FACT_MAP, "Fact-sheet entries history notes may cite.", True),
        Field("sources", MapOf(Obj("source"), FACT_ID_PATTERN), "Where the facts come from, by id."),
    ],
    "debrief": [
        Field("summary", Str(), "Leads the debrief: this run against history, `{if}` and `{expr}` allowed."),
        Field("comparisons", ListOf(Obj("comparison")), "Figures of the run beside the real ones."),
        Field("milestones", ListOf(Obj("milestone")), "Beats with a known real time, for the timeline."),
    ],
    "comparison": [
        Field("label", Str(min_length=1), "What is compared.", True),
        Field("yours", Expr(), "Expression giving the player's figure at the end.", True),
        Field("real", Num(), "The historical figure.", True),
        Field("unit", Str(), "Unit of both figures."),
        Field("precision", Precision(), "Decimal places shown.", default=0),
        Field(
            "kind",
            OneOf("number", "yes_no"),
            "`number` (default) or `yes_no`: shown as yes/no, 0 is no.",
            default="number",
        ),
        Field("note", Str(), "Where the real figure comes from, or which source was chosen."),
        Field(
            "when",
            Expr(),
            "Condition at the end: when false (a stage the run never reached), the figure shows as a dash.",
        ),
    ],
    "milestone": [
        Field("beat", Str(REF_PATTERN), "The beat, as `scene.beat`.", True),
        Field("label", Str(min_length=1), "What happened there.", True),
        Field(
            "real",
            Str(),
            "Real time: `HH:MM:SS` UTC on the clock's start day or a full ISO time; without a clock, time since the start.",
            True,
        ),
    ],
    "scene": [
        Field("id", Str(ID_PATTERN), "Scene id; beats are addressed as `scene.beat`.", True),
        Field("title", Str(min_length=1), "Title shown above the story.", True),
        Field("summary", Str(), "One line about the scene, for maps and reports."),
        Field("hide_meters", ListOf(Str(ID_PATTERN)), "Meters not shown while in this scene (still tracked)."),
        Field("questions", ListOf(Str(min_length=1)), "Questions about the history of this scene, for a class."),
        Field("beats", ListOf(Obj("beat"), 1), "The scene's beats.", True),
        Field("endings", ListOf(Obj("ending")), "Endings declared with this scene."),
    ],
    "beat": [
        Field("id", Str(ID_PATTERN), "Beat id, unique in its scene.", True),
        Field("title", Str(), "Optional heading for the beat."),
        Field("text", Str(min_length=1), "The story text: `*emphasis*`, `{expr}`, `{if cond}`...`{end}`, `{~a|b}`."),
        Field("choices", ListOf(Obj("choice"), 1), "What the player can do (a beat has `choices` or `route`)."),
        Field("route", ListOf(Obj("route"), 1), "A beat the player passes through: the first branch that holds."),
        Field("effects", Effects(), "Statements applied each time the beat is entered: `visits_here += 1`."),
        Field("rates", Rates(), "Meter rates per minute from this beat on: `{oxygen: -1}`."),
        Field("history", AnyOf(Str(), Obj("history")), "Why this beat is true to history."),
        Field(
            "basis",
            OneOf(*BASIS_VALUES),
            "How true the beat is: `record` (as recorded), `dramatised` (the record, dramatised) or `invented`.",
        ),
        Field("no_return", Bool(), "Undo cannot go back past this beat.", default=False),
        Field("ignore", IGNORE, IGNORE_DOC),
    ],
    "history": [
        Field("facts", AnyOf(Str(), ListOf(Str())), "Fact ids from `facts:` in story.yaml."),
        Field("note", Str(), "The writer's note: which figure was chosen and why."),
    ],
    "choice": [
        Field("id", Str(ID_PATTERN), "Choice id, unique in its beat.", True),
        Field("label", Str(min_length=1), "What the player sees.", True),
        *OUTCOME_FIELDS,
        Field("if", Expr(), "Condition; when false the choice is shown disabled."),
        Field("reason", Str(), "Why the choice is disabled, shown when `if` is false."),
        Field("hide", Bool(), "Hide the choice instead of showing it disabled.", default=False),
        Field("time", Num(0, MAX_CHOICE_MINUTES), "Mission minutes the choice takes.", default=0),
        Field("rates", Rates(), "Meter rates per minute from this choice on."),
        Field("chance", Obj("chance"), "A roll that may replace the normal outcome."),
        Field("outcomes", ListOf(Obj("outcome"), 1), "Several outcomes: the first whose `if` holds, else by weight."),
        Field("once", Bool(), "The choice disappears once it has been taken.", default=False),
        Field("fallback", Bool(), "Shown only when no other choice of the beat is open.", default=False),
        Field("ignore", IGNORE, IGNORE_DOC),
    ],
    "outcome": [
        Field("if", Expr(), "This outcome happens when the condition holds (checked in order)."),
        Field("weight", Expr(), "Relative chance among the outcomes without `if`. Default 1."),
        *OUTCOME_FIELDS,
    ],
    "route": [
        Field("if", Expr(), "Go this way when the condition holds; the last branch has no `if`."),
        Field("target", Str(REF_PATTERN), "Beat to go to: `beat` in this scene or `scene.beat`."),
        Field("ending", Str(ID_PATTERN), "Ending to reach instead of a beat."),
        Field("effects", Effects(), "Statements applied on the way."),
    ],
    "chance": [
        Field("p", Expr(0, 1), "Probability 0–1 of this outcome; may be an expression.", True),
        *OUTCOME_FIELDS,
    ],
}


def check(
    value: Any,
    typ: Type,
    key: PathKey,
    source: SourceFile,
    out: list[Diagnostic],
) -> bool:
    """Check ``value`` against ``typ``; report problems; True when usable."""
    if not typ.accepts(value):
        line, col = source.where(key)
        what = _describe(value)
        words = [k for k in key if isinstance(k, str)]
        label = words[-1] if words else "file"
        out.append(Diagnostic("V102", f"`{label}` should be {typ.name}, not {what}", source.path, line, col))
        return False
    if isinstance(typ, Num):
        problem = out_of_range(value, typ.minimum, typ.maximum)
        if problem is not None:
            line, col = source.where(key)
            words = [k for k in key if isinstance(k, str)]
            label = words[-1] if words else "value"
            out.append(
                Diagnostic(
                    "V104",
                    f"`{label}` {problem}; it must be a number {range_text(typ.minimum, typ.maximum)}",
                    source.path,
                    line,
                    col,
                    "write an ordinary number within the range",
                )
            )
            return False
        return True
    if isinstance(typ, OneOf):
        if value in typ.values:
            return True
        line, col = source.where(key)
        hint = did_you_mean(value, typ.values) or f"use {typ.name}"
        out.append(Diagnostic("V104", f"`{value}` is not one of {typ.name}", source.path, line, col, hint))
        return False
    if isinstance(typ, Str) and typ.regex is not None and not typ.regex.match(value):
        line, col = source.where(key)
        out.append(Diagnostic("V204", f"`{value}` is not a valid value here", source.path, line, col, typ.hint))
        return False
    if isinstance(typ, Str) and typ.min_length and not value.strip():
        line, col = source.where(key)
        out.append(Diagnostic("V104", f"`{key[-1]}` must not be empty", source.path, line, col))
        return False
    if isinstance(typ, AnyOf):
        chosen = next(o for o in typ.options if o.accepts(value))
        return check(value, chosen, key, source, out)
    if isinstance(typ, ListOf):
        ok = True
        if len(value) < typ.min_items:
            line, col = source.where(key)
            out.append(Diagnostic("V104", f"`{key[-1]}` needs at least {typ.min_items} item", source.path, line, col))
            ok = False
        for i, item in enumerate(value):
            ok = check(item, typ.item, (*key, i), source, out) and ok
        return ok
    if isinstance(typ, MapOf):
        ok = True
        for name, item in value.items():
            if not re.match(typ.key_pattern, str(name)):
                line, col = source.where((*key, name), of_key=True)
                out.append(
                    Diagnostic(
                        "V204",
                        f"`{name}` is not a valid name",
                        source.path,
                        line,
                        col,
                        typ.key_hint,
                    )
                )
                ok = False
                continue
            ok = check(item, typ.value, (*key, name), source, out) and ok
        return ok
    if isinstance(typ, Obj):
        return check_object(value, typ.kind, key, source, out)
    return True


def _fields_by_name(kind: str) -> dict[str, Field]:
    # Built once per kind: check_object runs for every beat and choice of a story.
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = {f.name: f for f in OBJECTS[kind]}
    return fields


_FIELDS: dict[str, dict[str, Field]] = {}
# Per kind: each key's ``valid`` and the keys that must be there (object_valid's tables, built once).
_QUIET: dict[str, tuple[dict[str, Callable[[Any], bool]], frozenset[str]]] = {}


def object_valid(value: dict[str, Any], kind: str) -> bool:
    """What ``check_object`` says of ``value``, without a word (see ``Type.valid``).

    Only the keys written are looked at (a choice has a few of its many fields),
    then whether the required ones are among them: the same verdict as checking
    every field in turn.
    """
    quiet = _QUIET.get(kind)
    if quiet is None:
        fields = _fields_by_name(kind)
        quiet = _QUIET[kind] = (
            {name: f.type.quick() for name, f in fields.items()},
            frozenset(name for name, f in fields.items() if f.required),
        )
    valid, required = quiet
    for name, item in value.items():
        test = valid.get(name)
        if test is None or not test(item):
            return False
    return required.issubset(value)


QUIET_FIRST = True  # tests turn it off to compare the two checks


def check_object(value: dict[str, Any], kind: str, key: PathKey, source: SourceFile, out: list[Diagnostic]) -> bool:
    if QUIET_FIRST and object_valid(value, kind):
        return True
    fields = _fields_by_name(kind)
    ok = True
    for name in value:
        if name not in fields:
            line, col = source.where((*key, name), of_key=True)
            hint = did_you_mean(name, fields) or "known keys: " + ", ".join(fields)
            out.append(
                Diagnostic("V101", f"unknown key `{name}` in {kind.replace('_', ' ')}", source.path, line, col, hint)
            )
            ok = False
    for f in fields.values():
        if f.name in value:
            ok = check(value[f.name], f.type, (*key, f.name), source, out) and ok
        elif f.required:
            line, col = source.where(key)
            out.append(
                Diagnostic(
                    "V103",
                    f"{kind.replace('_', ' ')} is missing `{f.name}`",
                    source.path,
                    line,
                    col,
                    f"add `{f.name}:` ({f.doc})",
                )
            )
            ok = False
    return ok


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number {describe_number(value)}"
    if isinstance(value, str):
        short = value if len(value) < 30 else value[:27] + "..."
        return f"the text `{short}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# Keys of which an object needs exactly one (the loader reports V103 for none, V104 for two),
# and keys that one of them brings with it.
EXACTLY_ONE: dict[str, list[list[str]]] = {
    "beat": [["choices", "text"], ["route"]],
    "choice": [["target"], ["ending"], ["outcomes"]],
    "outcome": [["target"], ["ending"]],
    "route": [["target"], ["ending"]],
    "chance": [["target"], ["ending"]],
}


SCHEMA_TITLES = {
    "scene": "Voskhod scene file",
    "manifest": "Voskhod story manifest",
    "facts": "Voskhod fact sheet",
}


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (2020-12) for a scene file (``scene``), the manifest (``manifest``) or ``facts.yaml`` (``facts``).

    A fact sheet is either ``facts:`` and ``sources:`` or, in a story without
    sources, a plain mapping of fact ids to facts."""
    defs = {}
    for name, fields in OBJECTS.items():
        defs[name] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                f.name: {**f.type.json(), "description": f.doc}
                | ({"default": f.default} if f.default is not NO_DEFAULT else {})
                for f in fields
            },
            "required": [f.name for f in fields if f.required],
        }
        if name in EXACTLY_ONE:
            options = EXACTLY_ONE[name]
            leaders = [option[0] for option in options]
            defs[name]["oneOf"] = [
                {"required": option, "not": {"anyOf": [{"required": [k]} for k in leaders if k != option[0]]}}
                for option in options
            ]
    root: dict[str, Any] = {"$ref": f"#/$defs/{kind}"}
    if kind == "facts":
        root = {"anyOf": [{"$ref": "#/$defs/facts_file"}, FACT_MAP.json()]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": SCHEMA_TITLES[kind],
        **root,
        "$defs": defs,
    }
