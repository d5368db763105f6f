"""Text a player reads, with the small language inside it.

Every text of a story (intro, titles, beat text, choice labels, reasons,
results, endings, debriefs, history notes) may use:

- ``{expr}``: the value of any expression: ``{oxygen}``, ``{oxygen * 60}``,
  ``{callsign}``. After a colon with no space, a format: ``{pressure:.2}``
  (decimal places), ``{oxygen:unit}`` (with the meter's unit),
  ``{pressure:.2 unit}``, ``{elapsed:duration}`` ("13 min 13 s"),
  ``{film:yesno}``.
- ``{cond: shown if true | shown otherwise}``: an inline condition, as in ink;
  the ``| otherwise`` part is optional.
- ``{if cond}`` ... ``{elif cond}`` ... ``{else}`` ... ``{end}``: a block, inline or
  around whole paragraphs (a tag alone on its line takes the line with it).
- ``{~one|two|three}``: a random variant, seeded by the run, the same after
  undo, reload and replay; ``{&one|two|three}`` cycles with each visit.
- ``{{`` and ``}}`` are literal braces.

Text is parsed and its expressions compiled when the story loads, so a
mistake is reported at its place in the file; rendering while playing is a
walk over closures. A :class:`Text` is a ``str`` (its source), so code that
only needs the words as written keeps working.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import N_, NO, SOURCE_LANGUAGE, YES, format_number, language, translator
from .markup import format_value

MAX_DEPTH = 4  # how deeply conditions and variants may nest
MAX_DECIMALS = 6
SPEC_RE = re.compile(r"(?:\.(?P<decimals>\d))?(?: ?(?P<unit>unit))?|(?P<word>duration|yesno)")
_BLOCK_RE = re.compile(r"\{(if|elif)\s+|\{(else|end)\}")
_SPECIAL = re.compile(r"[{}]")  # where plain words stop, outside braces
_SPECIAL_INSIDE = re.compile(r"[{}|]")  # and inside them

Env = Mapping[str, Any]
Picker = Callable[[int, int, str], int]  # (offset in the text, number of variants, "~" or "&") -> index
Render = Callable[[Env, Picker], str]


class TextError(ValueError):
    """A mistake in a text's markup; ``offset`` is 0-based in the text."""

    def __init__(self, message: str, offset: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True)
class Format:
    """How a value is shown: decimals, with its unit, as a duration or as yes/no."""

    decimals: int | None = None
    unit: str = ""
    word: str = ""


# A value compiler: (expression source, offset of it in the text, format) ->
# a function of the env giving the shown string. Supplied by the loader, which
# knows the story's names, meters and beats.
CompileValue = Callable[[str, int, Format], Callable[[Env], str]]
CompileCondition = Callable[[str, int], Callable[[Env], Any]]


class Text(str):
    """A story text: its source as written, and how to render it for a run."""

    # Most texts are words only: they keep these class-wide values and get no attributes of their own
    # (a str subclass's attributes live in a dict of each text: thousands in a story).
    template: Render | None = None
    names: frozenset[str] = frozenset()  # meters and flags its expressions read

    def __new__(cls, source: str, template: Render | None = None, names: frozenset[str] = frozenset()) -> Text:
        text = super().__new__(cls, source)
        if template is not None:
            text.template = template
        if names:
            text.names = names
        return text

    @property
    def key(self) -> int:
        """A number standing for the source (a CRC), worked out when asked: most texts never are."""
        return zlib.crc32(self.encode("utf-8", "surrogatepass"))

    def render(self, env: Env, pick: Picker) -> str:
        template = self.template
        if template is None:
            return str(self)
        return tidy(template(env, pick))


def tidy(text: str) -> str:
    """Blank lines a false condition leaves behind are folded into one paragraph break."""
    if "\n\n\n" in text:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") if text.startswith("\n") or text.endswith("\n\n") else text


def plain_text(source: str) -> Text:
    """A text that uses none of the language (literal braces unescaped)."""
    return Text(source, None)


def compile_text(source: str, value: CompileValue, condition: CompileCondition) -> Text:
    """Parse and compile ``source``; TextError (or the compilers' own errors) on a mistake."""
    if "{" not in source and "}" not in source:
        return Text(source, None)
    if _PLACEHOLDERS_ONLY.fullmatch(source) is not None:  # `{oxygen} minutes left`: most texts with braces
        render = _placeholders(source, value)
        if render is not None:
            return Text(source, render)
    parser = _Parser(source, value, condition)
    render = parser.sequence(inside=False, depth=0)
    if parser.i < len(source):
        tag = _block_tag(source, parser.i)
        word = tag[0] if tag else source[parser.i]
        raise TextError(f"`{{{word}}}` without an `{{if ...}}` before it", parser.i, "open the block with `{if cond}`")
    return Text(source, render)


# Text whose only braces are `{name}`s: built without the parser, into what the parser builds.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PLACEHOLDERS_ONLY = re.compile(r"[^{}]*(?:\{[A-Za-z_][A-Za-z0-9_]*\}[^{}]*)*")
_PLAIN_FORMAT = Format()


def _placeholders(source: str, value: CompileValue) -> Render | None:
    """The render of a text whose braces are all ``{name}`` (None when one is a block tag)."""
    parts: list[str | Render] = []
    done = 0
    for m in _PLACEHOLDER.finditer(source):
        if m.group(1) in ("else", "end"):
            return None
        if m.start() > done:
            parts.append(source[done : m.start()])
        parts.append(_value(value(m.group(1), m.start() + 1, _PLAIN_FORMAT)))
        done = m.end()
    if done < len(source):
        parts.append(source[done:])
    return _join(parts)


def parse_format(spec: str) -> Format | None:
    """The format after ``{expr:``, or None when it is not one (then it is a condition)."""
    m = SPEC_RE.fullmatch(spec)
    if m is None or not spec:
        return None
    if m.group("word"):
        return Format(word=m.group("word"))
    decimals = m.group("decimals")
    return Format(int(decimals) if decimals is not None else None, "unit" if m.group("unit") else "")


def _block_tag(s: str, i: int) -> tuple[str, int] | None:
    """``("if"|"elif", start of its condition)`` or ``("else"|"end", end of the tag)`` at ``i``."""
    m = _BLOCK_RE.match(s, i)
    if m is None:
        return None
    if m.group(1):
        return m.group(1), m.end()
    return m.group(2), m.end()


def _scan_expression(s: str, i: int) -> int:
    """Index of the first ``:`` or ``}`` at the top level of an expression starting at ``i``."""
    depth = 0
    quote = ""
    while i < len(s):
        c = s[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth <= 0 and c in ":}":
            return i
        elif c in "{\n" and depth <= 0:
            break
        i += 1
    return -1


class _Parser:
    def __init__(self, source: str, value: CompileValue, condition: CompileCondition) -> None:
        self.s = source
        self.i = 0
        self.value = value
        self.condition = condition

    # -- sequences ----------------------------------------------------------------
    def sequence(self, inside: bool, depth: int) -> Render:
        """Literal text and constructs up to a ``|`` or ``}`` (inside braces) or a block tag."""
        s = self.s
        parts: list[str | Render] = []
        buf: list[str] = []
        while self.i < len(s):
            c = s[self.i]
            if c == "{":
                if s.startswith("{{", self.i):
                    buf.append("{")
                    self.i += 2
                    continue
                tag = _block_tag(s, self.i)
                if tag is not None and tag[0] != "if":
                    break
                alone = tag is not None and _alone_on_line(s, self.i, _tag_end(s, self.i, tag))
                if alone:
                    _drop_line_indent(buf)
                if buf:
                    parts.append("".join(buf))
                    buf = []
                if depth >= MAX_DEPTH:
                    raise TextError(f"conditions and variants nest more than {MAX_DEPTH} deep", self.i)
                parts.append(self.block(depth) if tag is not None else self.inline(depth))
                continue
            if c == "}":
                if s.startswith("}}", self.i):
                    buf.append("}")
                    self.i += 2
                    continue
                if inside:
                    break
                raise TextError("a `}` that closes nothing", self.i, "write `}}` for a literal brace")
            if c == "|" and inside:
                break
            # Plain words up to the next character that can start or end something, in one piece.
            m = (_SPECIAL_INSIDE if inside else _SPECIAL).search(s, self.i + 1)
            end = m.start() if m is not None else len(s)
            buf.append(s[self.i : end])
            self.i = end
        if buf:
            parts.append("".join(buf))
        return _join(parts)

    # -- {if} blocks ------------------------------------------------------------------
    def block(self, depth: int) -> Render:
        s = self.s
        start = self.i
        branches: list[tuple[Callable[[Env], Any] | None, Render]] = []
        while True:
            tag = _block_tag(s, self.i)
            assert tag is not None  # sequence() stops only at a block tag or the end of the text
            kind, after = tag
            if kind in ("if", "elif"):
                end = _scan_expression(s, after)
                if end < 0 or s[end] != "}":
                    raise TextError(f"`{{{kind} ...}}` is not closed with `}}`", self.i, "write `{if oxygen < 10}`")
                cond = self.condition(s[after:end].strip(), after)
                self.i = _after_tag(s, self.i, end + 1)
                branches.append((cond, self.sequence(inside=False, depth=depth + 1)))
            elif kind == "else":
                if any(c is None for c, _ in branches):
                    raise TextError("a second `{else}` in one block", self.i)
                self.i = _after_tag(s, self.i, after)
                branches.append((None, self.sequence(inside=False, depth=depth + 1)))
            else:  # end
                self.i = _after_tag(s, self.i, after)
                return _choose(branches)
            if self.i >= len(s):
                raise TextError("`{if ...}` is not closed with `{end}`", start, "close the block with `{end}`")

    # -- {expr}, {cond: a | b}, {~a|b}, {&a|b} --------------------------------------
    def inline(self, depth: int) -> Render:
        s = self.s
        start = self.i
        self.i += 1
        if self.i < len(s) and s[self.i] in "~&":
            mode = s[self.i]
            self.i += 1
            alternatives = self.alternatives(start, depth)
            return _variants(start, mode, alternatives)
        end = _scan_expression(s, self.i)
        if end < 0:
            raise TextError("`{` is not closed with `}`", start, "write `{{` for a literal brace")
        expr = s[self.i : end]
        if not expr.strip():
            raise TextError("empty `{}`", start, "put a name or an expression in the braces: `{oxygen}`")
        if s[end] == "}":
            self.i = end + 1
            return _value(self.value(expr.strip(), start + 1 + _lead(expr), Format()))
        close = s.find("}", end)
        fmt = parse_format(s[end + 1 : close]) if close >= 0 else None
        if fmt is not None:
            self.i = close + 1
            return _value(self.value(expr.strip(), start + 1 + _lead(expr), fmt))
        cond = self.condition(expr.strip(), start + 1 + _lead(expr))
        self.i = end + 1
        alternatives = self.alternatives(start, depth)
        if len(alternatives) > 2:
            raise TextError("a condition has one text and at most one `| otherwise`", start)
        return _choose([(cond, alternatives[0]), (None, alternatives[1] if len(alternatives) > 1 else _join([]))])

    def alternatives(self, start: int, depth: int) -> list[Render]:
        """The ``a | b | c`` parts of a condition or variants; spaces around each part are dropped, as in ink."""
        s = self.s
        out = [_stripped(self.sequence(inside=True, depth=depth + 1))]
        while self.i < len(s) and s[self.i] == "|":
            self.i += 1
            out.append(_stripped(self.sequence(inside=True, depth=depth + 1)))
        if self.i >= len(s) or s[self.i] != "}":
            raise TextError("`{` is not closed with `}`", start, "close it, or write `{{` for a literal brace")
        self.i += 1
        return out


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())


def _tag_end(s: str, i: int, tag: tuple[str, int]) -> int:
    if tag[0] in ("else", "end"):
        return tag[1]
    end = _scan_expression(s, tag[1])
    return end + 1 if end >= 0 else len(s)


def _alone_on_line(s: str, start: int, end: int) -> bool:
    before = s.rfind("\n", 0, start)
    after = s.find("\n", end)
    return not s[before + 1 : start].strip() and not s[end : len(s) if after < 0 else after].strip()


def _drop_line_indent(buf: list[str]) -> None:
    """Spaces before a block tag alone on its line belong to the tag's line, not the text."""
    while buf:
        kept = buf[-1].rstrip(" \t")
        if kept:
            buf[-1] = kept
            return
        buf.pop()


def _after_tag(s: str, start: int, end: int) -> int:
    """Where text resumes after a tag: past its line end when the tag is alone on its line."""
    if _alone_on_line(s, start, end):
        newline = s.find("\n", end)
        return len(s) if newline < 0 else newline + 1
    return end


# -- rendering closures ------------------------------------------------------------------
def _join(parts: list[str | Render]) -> Render:
    if not parts:
        return lambda env, pick: ""
    if len(parts) == 1:
        only = parts[0]
        if isinstance(only, str):
            return lambda env, pick: only
        return only
    frozen = tuple(parts)
    return lambda env, pick: "".join(p if isinstance(p, str) else p(env, pick) for p in frozen)


def _stripped(render: Render) -> Render:
    return lambda env, pick: render(env, pick).strip()


def _value(fn: Callable[[Env], str]) -> Render:
    return lambda env, pick: fn(env)


def _choose(branches: list[tuple[Callable[[Env], Any] | None, Render]]) -> Render:
    frozen = tuple(branches)

    def render(env: Env, pick: Picker) -> str:
        for cond, body in frozen:
            if cond is None or cond(env):
                return body(env, pick)
        return ""

    return render


def _variants(offset: int, mode: str, alternatives: list[Render]) -> Render:
    frozen = tuple(alternatives)
    n = len(frozen)
    return lambda env, pick: frozen[pick(offset, n, mode)](env, pick)


# -- showing values ------------------------------------------------------------------------
def format_duration(minutes: float, lang: str | None = None) -> str:
    """Minutes as a player reads a length of time: ``45 s``, ``13 min 13 s``, ``2 h 5 min``.

    In ``lang`` (the game's current language when None): ``13 мин 13 с`` in Russian.
    """
    if minutes <= 0:
        return ""
    tr = translator(language() if lang is None else lang).gettext
    seconds = round(minutes * 60)
    whole, rest = divmod(seconds, 60)
    if not whole:
        return tr(N_("{n} s")).format(n=rest)
    if whole >= 60 and not rest:
        hours, mins = divmod(whole, 60)
        h = tr(N_("{n} h")).format(n=hours)
        return h + " " + tr(N_("{n} min")).format(n=mins) if mins else h
    m = tr(N_("{n} min")).format(n=whole)
    return m + " " + tr(N_("{n} s")).format(n=rest) if rest else m


def show(value: Any, fmt: Format, precision: int, unit: str, lang: str = "") -> str:
    """``value`` shown with ``fmt``; ``precision`` and ``unit`` are the meter's, if it is one.

    ``lang`` is the story's language (empty: its own): Russian writes ``3,5`` and ``да``;
    the story's own language is shown exactly as before.
    """
    if fmt.word == "yesno" or isinstance(value, bool):
        return translator(lang or SOURCE_LANGUAGE).gettext(YES if value else NO)
    if fmt.word == "duration":
        return format_duration(float(value), lang or SOURCE_LANGUAGE)
    if isinstance(value, str):
        return format_value(value)
    decimals = precision if fmt.decimals is None else min(fmt.decimals, MAX_DECIMALS)
    if fmt.decimals is None and precision == 0 and isinstance(value, float) and not value.is_integer():
        decimals = 0  # a meter shown whole; an expression rounds the same way unless a format asks
    text = format_number(value, decimals, lang) if lang else format_value(value, decimals)
    return f"{text}\u00a0{unit}" if fmt.unit and unit else text  # a no-break space: "70 %" never splits
