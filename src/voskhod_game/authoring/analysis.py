"""Story analysis for ``voskhod check``: warnings the loader cannot give.

The loader (``story/``) refuses stories that cannot be played. This module
looks at a story that loads and finds what is probably a mistake: beats and
endings no game can reach, beats that can strand the player, conditions that
can never hold, meters and flags nobody reads or writes, history notes that
cite nothing, broken text markup. Every warning has a stable W code (see
``docs/diagnostics.md``), a place and a hint.

The reachability warnings rest on :mod:`.flow`, which over-approximates every
game, so "never" is always true when this module says it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

from ..gcpause import collector_paused
from ..story.diagnostics import Diagnostic, cause_first
from ..story.expressions import Assignment
from ..story.loader import FACTS, MANIFEST
from ..story.markup import plain, unbalanced_emphasis
from ..story.model import Choice, Outcome, Story, Where
from ..story.yamlsource import SourceFile
from .flow import FALSE, TRUE, Flow, analyse_flow
from .intervals import Interval, cap_cases, complementary, names_in, refine, refine_cases
from .locate import Locator

Owner = tuple[str, int | None] | None  # (beat id, choice index or None) a warning is about
Found = tuple[Diagnostic, Owner]


def analyse(
    story: Story,
    flow: Flow | None = None,
    ignored: list[Diagnostic] | None = None,
    sources: Mapping[Path, SourceFile] | None = None,
) -> list[Diagnostic]:
    """Every analysis warning for a loaded story, causes first.

    A warning about a beat or a choice whose ``ignore:`` names its code (a beat's
    covers its choices too) is left out, and added to ``ignored`` when given.
    ``sources``: the files the load parsed, by path, to place warnings in (else
    they are found in the parsed-files cache).
    """
    found = []
    with collector_paused():  # also while the checker is set up: a collection then rescans the whole story
        checker = _Checker(story, flow or analyse_flow(story), sources)
        for diagnostic, owner in checker.run():
            if owner is not None and diagnostic.code in checker.locate.ignores(*owner):
                if ignored is not None:
                    ignored.append(diagnostic)
                continue
            found.append(diagnostic)
    return sorted(found, key=cause_first)


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:g}"


def describe_range(name: str, value: Interval) -> str:
    if value.lo == value.hi:
        return f"`{name}` is always {_fmt(value.lo)}"
    return f"`{name}` is {_fmt(value.lo)}..{_fmt(value.hi)}"


class _Checker:
    def __init__(self, story: Story, flow: Flow, sources: Mapping[Path, SourceFile] | None = None) -> None:
        self.story = story
        self.flow = flow
        self.locate = Locator(story, sources=sources)
        self.manifest = story.root / MANIFEST
        self._cycles: set[str] | None = None

    def reentered(self, beat_id: str) -> bool:
        """Whether a game can enter ``beat_id`` more than once (it lies on a cycle of the story graph)."""
        if self._cycles is None:
            self._cycles = beats_on_cycles(self.story)
        return beat_id in self._cycles

    def warn(self, code: str, message: str, where: Where, hint: str, owner: Owner = None) -> Found:
        """A warning, with the beat (and choice index) it is about, whose ``ignore:`` may accept it."""
        return Diagnostic(code, message, where.path, where.line, where.col, hint, "warning"), owner

    def run(self) -> Iterator[Found]:
        yield from self.reachability()
        yield from self.choices()
        yield from self.branches()
        yield from self.usage()
        yield from self.history()
        yield from self.markup()

    # -- W401, W402 ---------------------------------------------------------
    def reachability(self) -> Iterator[Found]:
        story, flow = self.story, self.flow
        targets: set[str] | None = None  # every beat some outcome leads to, collected once if needed
        for beat in story.beats.values():
            if not flow.reachable(beat.id):
                if targets is None:
                    targets = {
                        o.target
                        for b in story.beats.values()
                        for o in [*(r.outcome for r in b.route), *(o for c in b.choices for o in _outcomes(c))]
                        if o.target
                    }
                hint = (
                    "every choice that leads here has a condition that can never be true on the way (see W404)"
                    if beat.id in targets
                    else f"add a choice with `target: {beat.id}` somewhere the player can get to, or delete the beat"
                )
                yield self.warn(
                    "W401",
                    f"beat `{beat.id}` can never be reached from the start beat `{story.start}`",
                    self.locate.beat(beat.id, "id"),
                    hint,
                    (beat.id, None),
                )
        for ending in story.endings.values():
            if ending.id in flow.endings or ending.where is None:
                continue
            limits = [
                f"`{m.name}` {bound}"
                for m in story.meters.values()
                for bound in ("at_min", "at_max")
                if getattr(m, bound) == ending.id
            ]
            hint = (
                f"{', '.join(limits)} names it, but no game can take the meter to that limit"
                if limits
                else f"add `ending: {ending.id}` to a choice the player can reach, or name it in a meter's `at_min:`"
            )
            yield self.warn(
                "W402",
                f"ending `{ending.id}` ({ending.type}) can never be reached",
                self.locate.at(ending.where.path, _ending_key(self.locate, ending.where, ending.id, "id")),
                hint,
            )

    # -- W403, W404, W409 -----------------------------------------------------
    def choices(self) -> Iterator[Found]:
        flow = self.flow
        for beat in self.story.beats.values():
            state = flow.entry.get(beat.id)
            if state is None:
                continue
            truths = [flow.truth(beat.id, c) for c in beat.choices]
            for i, (choice, truth) in enumerate(zip(beat.choices, truths, strict=True)):
                if truth == FALSE and choice.condition is not None:
                    yield self.warn(
                        "W404",
                        f"condition `{choice.condition.source}` of choice `{choice.id}` can never be true here"
                        + _ranges_here(choice.condition.source, state.values, beat.id),
                        self.locate.choice(beat.id, i, "if"),
                        "compare with the meter's min/max and the effects on the way here, or remove the choice",
                        (beat.id, i),
                    )
                p = flow.chance_range(beat.id, choice)
                if p is not None and truth != FALSE:
                    source = choice.chance.probability.source if choice.chance else ""
                    if p.hi <= 0:
                        yield self.warn(
                            "W409",
                            f"chance `p: {source}` of choice `{choice.id}` is never above 0: the roll never happens",
                            self.locate.choice(beat.id, i, "chance", "p"),
                            "probabilities run from 0 (never) to 1 (always); raise it or remove the chance",
                            (beat.id, i),
                        )
                    elif p.lo >= 1:
                        yield self.warn(
                            "W409",
                            f"chance `p: {source}` of choice `{choice.id}` is always 1 or more: "
                            "the normal outcome never happens",
                            self.locate.choice(beat.id, i, "chance", "p"),
                            "use a value below 1, or make the chance outcome the choice's own outcome",
                            (beat.id, i),
                        )
            # A once-only choice is gone after its first use: on a beat the player can come
            # back to, it cannot be counted on to keep the beat open.
            kept = [
                (c, t) for c, t in zip(beat.choices, truths, strict=True) if not (c.once and self.reentered(beat.id))
            ]
            used_up = len(kept) < len(beat.choices)
            if beat.choices and self.can_strand(tuple(c for c, _ in kept), state.values, [t for _, t in kept]):
                never = all(t == FALSE for _, t in kept) and not used_up
                conditions = ", ".join(f"`{c.condition.source}`" for c in beat.choices if c.condition)
                once = "once-only choices that can be used up" if used_up else ""
                why = "; ".join(part for part in (conditions, once) if part)
                yield self.warn(
                    "W403",
                    (
                        f"beat `{beat.id}` is a dead end: every choice here is always disabled ({why})"
                        if never
                        else f"beat `{beat.id}` can leave the player with every choice disabled ({why})"
                    ),
                    self.locate.beat(beat.id, "id"),
                    "add a choice without `if:` (wait, go back, give up), or make sure one condition always "
                    "holds here; `voskhod simulate` shows a path that gets stuck, if it finds one",
                    (beat.id, None),
                )

    # -- W411 ---------------------------------------------------------------------
    def branches(self) -> Iterator[Found]:
        """Conditional outcomes and route branches whose ``if:`` is false in every game there."""
        for beat in self.story.beats.values():
            state = self.flow.entry.get(beat.id)
            if state is None:
                continue  # W401 says the beat is never reached
            for j, branch in enumerate(beat.route):
                if branch.condition is not None and refine(branch.condition.source, state.values) is None:
                    yield self.warn(
                        "W411",
                        f"route branch `if: {branch.condition.source}` of beat `{beat.id}` is never taken"
                        + _ranges_here(branch.condition.source, state.values, None),
                        self.locate.beat(beat.id, "route", j, "if"),
                        "compare with the meters' limits and the effects on the way here, or remove the branch",
                        (beat.id, None),
                    )
            for i, choice in enumerate(beat.choices):
                if not choice.branches:
                    continue
                values = state.values
                if choice.condition is not None:
                    narrowed = refine(choice.condition.source, values)
                    if narrowed is None:
                        continue  # the choice is never open: W404 says so
                    values = narrowed
                for j, branch in enumerate(choice.branches):
                    if branch.condition is not None and refine(branch.condition.source, values) is None:
                        yield self.warn(
                            "W411",
                            f"outcome `if: {branch.condition.source}` of choice `{choice.id}` is never taken"
                            + _ranges_here(branch.condition.source, values, beat.id),
                            self.locate.choice(beat.id, i, "outcomes", j, "if"),
                            "compare with the meters' limits, the choice's own `if:` and the effects on the way "
                            "here, or remove the outcome",
                            (beat.id, i),
                        )

    @staticmethod
    def can_strand(choices: tuple[Choice, ...], values: dict[str, Interval], truths: list[Interval]) -> bool:
        """True unless some choice is provably enabled: narrow the ranges by "every
        condition is false" one after another; if nothing is left, one always holds.

        ``choices`` are those that can be counted on (once-only ones the player may
        have used up are left out by the caller): with none, the player can be stuck.
        A fallback choice without a condition is open whenever nothing else is."""
        if not choices:
            return True
        if any(c.condition is None for c in choices) or TRUE in truths:
            return False
        if complementary([c.condition.source for c in choices if c.condition is not None]):
            return False
        cases: list[dict[str, Interval]] = [dict(values)]
        for choice in choices:
            assert choice.condition is not None
            source = choice.condition.source
            cases = cap_cases([c for case in cases for c in refine_cases(source, case, holds=False)])
            if not cases:
                return False
        return True

    # -- W405, W406 -------------------------------------------------------------
    def usage(self) -> Iterator[Found]:
        story = self.story
        reads: set[str] = set()
        writes: set[str] = set()
        for text, _, _ in self.texts():
            reads.update(getattr(text, "names", ()))
        # Every expression's text once: a large story repeats the same few thousand
        # conditions and effects many times over, and each is read for its names once.
        sources: set[str] = set()
        effects: list[Assignment] = []
        for beat in story.beats.values():
            for name, rate in beat.rates:
                if rate:
                    writes.add(name)
            effects.extend(beat.effects)
            for branch in beat.route:
                effects.extend(branch.outcome.effects)
                if branch.condition is not None:
                    sources.add(branch.condition.source)
            for choice in beat.choices:
                for name, rate in choice.rates:
                    if rate:
                        writes.add(name)
                if choice.condition is not None:
                    sources.add(choice.condition.source)
                if choice.chance is not None:
                    sources.add(choice.chance.probability.source)
                    effects.extend(choice.chance.outcome.effects)
                if choice.branches:
                    for branch in choice.branches:
                        for expr in (branch.condition, branch.weight):
                            if expr is not None:
                                sources.add(expr.source)
                        effects.extend(branch.outcome.effects)
                else:
                    effects.extend(choice.outcome.effects)
        for effect in effects:
            writes.add(effect.name)
            sources.add(effect.expr.source)
        for comparison in story.comparisons:
            sources.add(comparison.yours.source)
        for source in sources:
            reads |= names_in(source)
        for meter in story.meters.values():
            if meter.rate:
                writes.add(meter.name)
            if meter.at_min or meter.at_max or not meter.hidden:
                reads.add(meter.name)
        for name in story.meters:
            where = self.locate.at(self.manifest, ("meters", name), of_key=True)
            if name not in reads:
                yield self.warn(
                    "W405",
                    f"hidden meter `{name}` is never read",
                    where,
                    "use it in a condition, a chance, a `{" + name + "}` placeholder, an `at_min:` ending or the "
                    "debrief; or show it (remove `hidden: true`); or delete it",
                )
            if name not in writes:
                yield self.warn(
                    "W406",
                    f"meter `{name}` never changes: no effect writes it and its rate is always 0",
                    where,
                    f"add an effect such as `{name} -= 5` to a choice, or a `rates: {{{name}: -1}}`",
                )
        for name, flag in story.flags.items():
            where = self.locate.at(self.manifest, ("flags", name), of_key=True)
            if name not in reads:
                yield self.warn(
                    "W405",
                    f"flag `{name}` is never read",
                    where,
                    f"use it in a condition (`if: {name}`), a chance, a `{{{name}}}` placeholder or the debrief; "
                    "or delete it",
                )
            if name not in writes:
                default = str(flag.default).lower()
                yield self.warn(
                    "W406",
                    f"flag `{name}` is never set: it is always {default}",
                    where,
                    f"set it in a choice's `effects:` (`{name} = ...`), or delete it",
                )

    # -- W407, W410 ---------------------------------------------------------------
    def history(self) -> Iterator[Found]:
        cited: set[str] = set()
        for beat in self.story.beats.values():
            if beat.history is None:
                continue
            cited.update(beat.history.facts)
            if not beat.history.facts:
                yield self.warn(
                    "W407",
                    f"history note of beat `{beat.id}` cites no fact",
                    self.locate.beat(beat.id, "history", of_key=True),
                    "write it as `history: {facts: [ID], note: ...}` with an id from facts.yaml, "
                    "so the debrief can say what really happened",
                    (beat.id, None),
                )
        facts_file = self.story.root / FACTS
        for fid in self.story.facts:
            if fid in cited:
                continue
            where = self.locate.at(facts_file, ("facts", fid), of_key=True) if facts_file.is_file() else None
            if where is None or where.line == 1:
                alt = self.locate.at(facts_file, (fid,), of_key=True) if facts_file.is_file() else None
                where = (
                    alt
                    if alt is not None and alt.line > 1
                    else self.locate.at(self.manifest, ("facts", fid), of_key=True)
                )
            yield self.warn(
                "W410",
                f"fact `{fid}` is never cited by a history note",
                where,
                f"cite it from a beat (`history: {{facts: [{fid}]}}`), or remove it from the fact sheet",
            )

    # -- W408 ---------------------------------------------------------------------
    def texts(self) -> Iterator[tuple[str, Callable[[], Where], Owner]]:
        """Every piece of text a player reads, with how to find where its value starts, and whose it is.

        The place is looked up only for text that gets a warning: a large story has
        hundreds of thousands of texts and a handful of warnings.
        """
        story, locate = self.story, self.locate
        if story.intro:
            yield story.intro, partial(locate.at, self.manifest, ("intro",)), None
        for beat in story.beats.values():
            if beat.text:
                yield beat.text, partial(locate.beat, beat.id, "text"), (beat.id, None)
            if beat.title:
                yield beat.title, partial(locate.beat, beat.id, "title"), (beat.id, None)
            if beat.history is not None and beat.history.note:
                yield beat.history.note, partial(locate.beat, beat.id, "history"), (beat.id, None)
            for i, choice in enumerate(beat.choices):
                yield choice.label, partial(locate.choice, beat.id, i, "label"), (beat.id, i)
                if choice.disabled_reason:
                    yield choice.disabled_reason, partial(locate.choice, beat.id, i, "reason"), (beat.id, i)
                if choice.branches:
                    for j, branch in enumerate(choice.branches):
                        if branch.outcome.text:
                            yield (
                                branch.outcome.text,
                                partial(locate.choice, beat.id, i, "outcomes", j, "result"),
                                (beat.id, i),
                            )
                elif choice.outcome.text:
                    yield choice.outcome.text, partial(locate.choice, beat.id, i, "result"), (beat.id, i)
                if choice.chance is not None and choice.chance.outcome.text:
                    yield (
                        choice.chance.outcome.text,
                        partial(locate.choice, beat.id, i, "chance", "result"),
                        (beat.id, i),
                    )
        for entry in story.glossary:
            yield entry.definition, partial(locate.at, self.manifest, ("glossary", entry.term)), None
        if story.debrief_summary:
            yield story.debrief_summary, partial(locate.at, self.manifest, ("debrief", "summary")), None
        for scene in story.scenes:
            if scene.where is not None:
                for i, question in enumerate(scene.questions):
                    yield question, partial(locate.at, scene.where.path, ("questions", i)), None
        for ending in story.endings.values():
            if ending.where is None:
                continue
            for part in ("title", "text", "debrief"):
                value = getattr(ending, part)
                if value:
                    yield value, partial(self.ending_place, ending.where, ending.id, part), None

    def ending_place(self, where: Where, ending_id: str, part: str) -> Where:
        return self.locate.at(where.path, _ending_key(self.locate, where, ending_id, part))

    def markup(self) -> Iterator[Found]:
        for text, where, owner in self.texts():
            if "*" not in text:  # the common case: no emphasis, so nothing unbalanced and nothing to remove
                continue
            for offset in unbalanced_emphasis(text):
                yield self.warn(
                    "W408",
                    "unbalanced `*`: emphasis opens here but does not close on the same line",
                    self.locate.in_text(where(), text, offset),
                    "write `*word*` for emphasis or `**word**` for strong, on one line; a literal star is not "
                    "supported in story text",
                    owner,
                )
            # Braces and the names inside them are checked by the loader (V304, V302).
            if text.strip() and not plain(text).strip():
                yield self.warn(
                    "W408",
                    "text is empty once its markup is removed",
                    where(),
                    "write the words the player should read",
                    owner,
                )


def _ranges_here(source: str, values: Mapping[str, Interval], beat_id: str | None) -> str:
    """`` (`x` is 0..45 at beat `b`)``: the ranges of the names a condition reads, for its message
    (``there`` instead of the beat when the message names it already)."""
    ranges = "; ".join(describe_range(n, values[n]) for n in sorted(names_in(source)) if n in values)
    where = f"at beat `{beat_id}`" if beat_id is not None else "there"
    return f" ({ranges} {where})" if ranges else ""


def beats_on_cycles(story: Story) -> set[str]:
    """Beats some path can return to: members of a strongly connected component
    with more than one beat, or with an edge to itself (Tarjan, without recursion)."""
    edges = {
        b.id: [
            o.target for o in [*(r.outcome for r in b.route), *(o for c in b.choices for o in _outcomes(c))] if o.target
        ]
        for b in story.beats.values()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: set[str] = set()
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if i < len(targets):
                work.append((node, i + 1))
                nxt = targets[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work and work[-1][0] != node:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.update(component)
    return found


def _outcomes(choice: Choice) -> list[Outcome]:
    return list(choice.outcomes())


def _ending_key(locate: Locator, where: Where, ending_id: str, part: str) -> tuple[str | int, ...]:
    """The key path of an ending's field; endings live in ``endings:`` lists of any file."""
    src = locate.source(where.path)
    if src is not None and isinstance(src.data, dict):
        for i, e in enumerate(src.data.get("endings", []) or []):
            if isinstance(e, dict) and e.get("id") == ending_id:
                return ("endings", i, part)
    return ()
