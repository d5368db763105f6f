"""Load a story directory into an immutable :class:`Story`, or explain why not.

A story directory holds ``story.yaml`` (the manifest), optionally ``facts.yaml``
(fact-sheet entries history notes may cite), and one YAML file per scene. Every
problem found is collected, so a writer sees all of them in one run, and the
loader raises :class:`StoryError` carrying them; it never lets a traceback
reach the player.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from ..gcpause import collector_paused
from . import defaults
from .compiled import CompiledStories, Found, LazyBeats
from .diagnostics import DEFAULT_HINTS, Diagnostic, StoryError, cause_first, did_you_mean, ignorable
from .expressions import (
    CLOCK_NAME,
    CONSTANTS,
    FUNCTIONS,
    Assignment,
    Compiled,
    Condition,
    EvaluationError,
    ExpressionError,
    NumberExpr,
    compile_condition,
    compile_effect,
    compile_expression,
    compile_number,
)
from .limits import CLOCK_YEARS
from .model import (
    MACHINE_STATE_ATTRIBUTE,
    Beat,
    Branch,
    Chance,
    Choice,
    Clock,
    ClockZone,
    Comparison,
    Ending,
    Fact,
    Flag,
    GlossaryEntry,
    HistoryNote,
    Meter,
    Milestone,
    Outcome,
    Scene,
    Source,
    Story,
    Where,
)
from .parsed import MEMORY, ParsedFiles
from .schema import check_object, field_defaults, value_of
from .text import Format, Text, TextError, compile_text, show
from .translation import (
    Entry,
    PendingText,
    SourceTexts,
    TranslationError,
    catalogue_path,
    describe_difference,
    emphasis,
    read_catalogue,
    skeleton,
    source_text_id,
    term_and_forms,
)
from .yamlsource import PathKey, Places, SourceFile

MANIFEST = "story.yaml"
NO_TEXT = Text("")  # every absent text (most choices have no reason or result): texts never change
FACTS = "facts.yaml"
MAX_SCENE_FILES = 500
BUILTIN_NAMES = frozenset({CLOCK_NAME})
# The one choice id transitions refuses here: a trigger named like the model's
# state attribute (tests/test_machine_names.py checks this against the library).
RESERVED_TRIGGERS = frozenset({MACHINE_STATE_ATTRIBUTE})


YAML_SUFFIXES = frozenset({".yaml", ".yml"})
# Folders never searched for scene files: translations, and anything hidden or
# set aside (`.github/`, `_drafts/`).
SKIPPED_FOLDERS = frozenset({"locales"})


def scene_files(root: Path) -> list[Path]:
    """The scene files of a story directory and its subfolders, in path order.

    Writers group scenes in folders (``scenes/``, ``act1/``), so subfolders are
    searched too, except hidden ones and ones starting with ``_``, ``locales/``,
    and a folder with its own ``story.yaml`` (another story). Symbolic links
    to folders are not followed, so a link loop cannot hang a load.
    """
    files: list[Path] = []

    def unlistable(exc: OSError) -> None:  # a subfolder we may not read is skipped; the story folder is not
        if Path(exc.filename) == root:
            raise exc

    for folder, subfolders, names in os.walk(root, onerror=unlistable):
        here = Path(folder)
        if here != root and MANIFEST in names:
            subfolders.clear()
            continue
        # A folder named like a scene file is listed as one, so reading it says what is wrong.
        names = [*names, *(d for d in subfolders if Path(d).suffix in YAML_SUFFIXES)]
        subfolders[:] = sorted(
            d
            for d in subfolders
            if not d.startswith((".", "_")) and d not in SKIPPED_FOLDERS and Path(d).suffix not in YAML_SUFFIXES
        )
        for name in names:
            if Path(name).suffix in YAML_SUFFIXES and not (here == root and name in {MANIFEST, FACTS}):
                files.append(here / name)
    return sorted(files, key=lambda p: p.relative_to(root).parts)


def story_files(root: Path) -> list[Path]:
    """Every file a load of ``root`` reads: the manifest, the fact sheet and the scene files."""
    return [p for p in (root / MANIFEST, root / FACTS) if p.is_file()] + scene_files(root)


def source_language(root: str | Path, files: ParsedFiles | None = None) -> str:
    """The language ``root`` is written in: its manifest's ``language:``, else English.

    Asked before a load (to know whether ``--lang`` names the story's own
    language); the manifest parsed here is the one the load then finds in memory.
    """
    from .translation import LANG_RE

    found: list[Diagnostic] = []
    src, _ = (files if files is not None else MEMORY).read(Path(root) / MANIFEST, "manifest", found, check_object)
    data = src.data if src is not None else None
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if isinstance(lang, str) and LANG_RE.match(lang) else defaults.LANGUAGE


def load_story(root: str | Path, lang: str = "", files: ParsedFiles | None = None) -> Story:
    """Load and validate the story in ``root`` (in ``lang``); raise StoryError with every problem.

    With a cache folder (``files`` from ``parsed.on_disk()``), a story that loaded
    without errors before, with the same files and the same engine, is revived
    from the checked story kept there (``compiled.py``): no parsing, no checks,
    and each beat built when first needed.
    """
    story, diagnostics = _analyse(Path(root), lang, files if files is not None else MEMORY, keep=True)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors or story is None:
        raise StoryError(errors or diagnostics)
    return story


def analyse_story(
    root: str | Path, lang: str = "", files: ParsedFiles | None = None
) -> tuple[Story | None, list[Diagnostic]]:
    """Load ``root`` and return the story (None if unusable) with all diagnostics.

    With ``lang``, every text comes from ``locales/<lang>.po`` where it has a
    current translation (see ``translation.py``); missing and stale ones are
    warnings (W501, W502) and the source text is shown. ``files`` keeps parsed
    files by content (``parsed.py``): the process's memory layer by default;
    commands pass ``parsed.on_disk()`` to keep them across runs.

    The cyclic garbage collector is paused while loading: a load allocates
    hundreds of thousands of YAML nodes and values that all stay alive until it
    ends, so each automatic collection rescans a growing heap for nothing (it
    made a 10,000-beat story load 2.3 times slower). Nothing here makes cycles
    that need collecting; the previous setting is restored afterwards.
    """
    return _analyse(Path(root), lang, files if files is not None else MEMORY, keep=False)


def _analyse(root: Path, lang: str, files: ParsedFiles, keep: bool) -> tuple[Story | None, list[Diagnostic]]:
    """A load with the collector paused (see ``analyse_story``); ``keep``: use the checked-story cache."""
    with collector_paused():
        return _Loader(root, lang, files, keep).run()


def analyse_story_sources(
    root: str | Path, lang: str = "", files: ParsedFiles | None = None
) -> tuple[Story | None, list[Diagnostic], dict[Path, SourceFile]]:
    """:func:`analyse_story`, and the parsed files the load read, by path.

    ``voskhod check`` places its analysis warnings in those same parses (the
    line of an ``if:``, the character of a stray ``*``), so no file is read or
    parsed twice and the places match the text that was checked.
    """
    with collector_paused():
        loader = _Loader(Path(root), lang, files if files is not None else MEMORY)
        story, found = loader.run()
    return story, found, {src.path: src for src in loader.sources}


@dataclass(frozen=True)
class _Names:
    """What references in one story can point at, fixed once the ids are collected."""

    beats: dict[str, Any]  # qualified beat id -> (file, key, raw beat)
    endings: dict[str, Ending]
    meters: dict[str, Meter]
    flags: dict[str, Flag]
    facts: dict[str, Fact]
    known: Callable[[str], bool]  # names an expression may read
    writable: Callable[[str], bool]  # names an effect may assign


class _Loader:
    def __init__(self, root: Path, lang: str = "", files: ParsedFiles = MEMORY, keep: bool = False) -> None:
        self.root = root
        self.lang = lang
        self.own_language = defaults.LANGUAGE  # the manifest's `language:`: numbers without a catalogue
        self.files = files
        # Checked stories on disk (compiled.py): only for loads that play, with a cache folder.
        self.shelf = CompiledStories(files.folder) if keep and files.folder is not None else None
        self.raw: dict[Path, bytes] = {}  # files the look-up read already, by path
        self.lazy = False  # building a revived story: beats on demand, no diagnostics kept
        self.checked: bool | None = None  # the schema's verdict on the file read last
        self.catalogue: dict[str, Entry] | None = None  # the language's translations, by stable id
        self.texts: list[PendingText] = []  # every text a player can see, for the template
        self.out: list[Diagnostic] = []
        self.hasher = hashlib.sha256()
        self.value_names: set[str] = set()
        # Compiled expressions by kind, then source: stories repeat `heart += 5` and
        # `not reported` often, and compiling is the costliest part of a load. The
        # names known are fixed for one load, so the same text compiles the same
        # way; only successes are kept, so every faulty use is still reported.
        self.compiled: defaultdict[str, dict[Any, Any]] = defaultdict(dict)
        # Scenes whose files had errors: references into them are not reported again.
        self.broken_scenes: set[str] = set()
        self.unreadable_files = 0
        self.sources: list[SourceFile] = []
        self.facts_broken = False  # then a history note's fact may well be in it: no "unknown fact"
        self.no_scene_files = False  # then every beat and scene reference would fail: say it once
        self._beat_ids: set[str] = set()
        # The scene and beat being built: `visits("exit")` and `visits()` are read relative to them.
        self.context: tuple[str, str | None] = ("", None)
        self.ending_places: dict[str, tuple[SourceFile, PathKey]] = {}

    # -- helpers ---------------------------------------------------------
    def report(
        self, code: str, message: str, src: SourceFile, key: PathKey, hint: str = "", of_key: bool = False
    ) -> None:
        line, col = src.where(key, of_key=of_key)
        self.out.append(Diagnostic(code, message, src.path, line, col, hint))

    def where(self, src: SourceFile, key: PathKey) -> Where:
        """The place of ``key``, worked out only if something reads it (see ``Where``)."""
        return Where.later(src.path, src, key)

    def read(self, path: Path, kind: str | None = None) -> SourceFile | None:
        """Parse a file (from the cache when its bytes were parsed before); for ``kind``, check it too."""
        src, self.checked = self.files.read(path, kind, self.out, check_object, self.raw.pop(path, None))
        if src is not None:
            self.sources.append(src)
            # the path below the story folder; a name that is not UTF-8 still hashes
            self.hasher.update(os.fsencode(path.relative_to(self.root).as_posix()))
            self.hasher.update(src.content)
        return src

    # -- the run ---------------------------------------------------------
    def run(self) -> tuple[Story | None, list[Diagnostic]]:
        """The story (None when it has errors) and every diagnostic, causes first."""
        found = self.look_up()
        if found is not None and found.files is not None:
            revived = self.revive(found)
            if revived is not None:
                return revived, found.diagnostics()
            return _Loader(self.root, self.lang, self.files).run()  # cannot happen with the same key; still safe
        story, _ = self.load()
        self.explain_traps()
        self.out.sort(key=cause_first)
        if any(d.severity == "error" for d in self.out):
            story = None
        if found is not None and story is not None and [src.path for src in self.sources] == list(found.raw):
            assert self.shelf is not None
            self.shelf.store(self.root, self.lang, found.key, self.sources, self.out)
        return story, self.out

    def look_up(self) -> Found | None:
        """The files' bytes and key, and the checked story kept for them if there is one."""
        if self.shelf is None or not os.path.isdir(self.root):
            return None
        try:
            paths = story_files(self.root)
        except OSError:
            return None
        if len(paths) > MAX_SCENE_FILES + 2:
            return None
        catalogue = catalogue_path(self.root, self.lang) if self.lang else None
        found = self.shelf.look_up(self.root, self.lang, paths, catalogue)
        if found is not None:
            self.raw = dict(found.raw)
        return found

    def revive(self, found: Found) -> Story | None:
        """The story kept for these files, its beats built on demand; None if it cannot be (then it is loaded)."""
        assert found.files is not None
        if self.lang and catalogue_path(self.root, self.lang).is_file():
            try:
                self.catalogue = read_catalogue(catalogue_path(self.root, self.lang))
            except TranslationError:
                return None
        sources: list[SourceFile] = []
        for path, (_, data) in zip(found.raw, found.files, strict=True):
            raw = found.raw[path]
            src = SourceFile(path, data, content=raw, places=Places(raw))
            self.hasher.update(os.fsencode(path.relative_to(self.root).as_posix()))
            self.hasher.update(src.content)
            sources.append(src)
        self.sources = list(sources)
        manifest = sources.pop(0)
        facts_src = sources.pop(0) if sources and sources[0].path == self.root / FACTS else None
        if not isinstance(manifest.data, dict) or not all(isinstance(s.data, dict) for s in sources):
            return None
        self.lazy = True
        return self.build(manifest, facts_src, sources)

    def build_lazily(self, qid: str) -> tuple[Beat, tuple[PendingText, ...]]:
        """One beat of a revived story, with the texts it records (the load's own problems are not kept)."""
        src, key, raw = self.names.beats[qid]
        texts, context, problems = self.texts, self.context, len(self.out)
        self.texts, self.context = [], (qid.split(".", 1)[0], qid)
        try:
            beat = self.build_beat(qid, src, key, raw)
            recorded = tuple(self.texts)
        finally:
            self.texts, self.context = texts, context
            del self.out[problems:]
        if beat is None:  # the key covers the files and this code, so the first load built it
            raise RuntimeError(f"beat {qid} of a kept story could not be built again")
        return beat, recorded

    def explain_traps(self) -> None:
        """Tell the writer where YAML 1.1 read a value differently than it looks.

        A problem reported at such a value gets the explanation as its hint (the
        cause of a "wrong type"); a value nothing else questions (`time: 1:30`,
        silently 90) is reported on its own as V007.
        """
        at = {(d.path, d.line, d.col): i for i, d in enumerate(self.out)}
        for src in self.sources:
            for (line, col), trap in src.traps.items():
                i = at.get((src.path, line, col))
                if i is not None:
                    self.out[i] = replace(self.out[i], hint=trap.hint)
                elif trap.silent:
                    self.out.append(Diagnostic("V007", trap.message, src.path, line, col, trap.advice))

    def load(self) -> tuple[Story | None, list[Diagnostic]]:
        root = self.root
        if not os.path.isdir(root):
            self.out.append(
                Diagnostic("V006", "story directory not found", root, 1, 1, "pass the folder that holds story.yaml")
            )
            return None, self.out
        if self.lang:
            path = catalogue_path(root, self.lang)
            if path.is_file():
                try:
                    self.catalogue = read_catalogue(path)
                except TranslationError as exc:
                    self.out.append(
                        Diagnostic("V006", str(exc), path, 1, 1, "open it in Poedit, or run `voskhod translate update`")
                    )
                    return None, self.out
        manifest_path = root / MANIFEST
        if not _present(manifest_path):
            self.out.append(
                Diagnostic(
                    "V006",
                    f"no {MANIFEST} in the story directory",
                    manifest_path,
                    1,
                    1,
                    "create it with `voskhod new DIR`, or see docs/scene-format.md",
                )
            )
            return None, self.out
        manifest = self.read(manifest_path, "manifest")
        if manifest is None:
            return None, self.out
        if not isinstance(manifest.data, dict):
            self.report("V102", f"{MANIFEST} should be a mapping of keys such as `id:` and `meters:`", manifest, ())
            return None, self.out
        manifest_ok = bool(self.checked)
        if manifest_ok and isinstance(manifest.data.get("language"), str):
            self.own_language = manifest.data["language"]

        facts_src = None
        if _present(root / FACTS):
            facts_src = self.read(root / FACTS)
        try:
            paths = scene_files(root)
        except OSError as exc:
            self.out.append(Diagnostic("V006", f"cannot list the story folder: {exc.strerror or exc}", root))
            return None, self.out
        if len(paths) > MAX_SCENE_FILES:
            self.out.append(Diagnostic("V002", f"{len(paths)} scene files; the limit is {MAX_SCENE_FILES}", root))
            return None, self.out
        scenes: list[SourceFile] = []
        for path in paths:
            src = self.read(path, "scene")
            if src is None:
                self.unreadable_files += 1
                continue
            if not isinstance(src.data, dict):
                self.report("V102", "a scene file should be a mapping with `id:`, `title:` and `beats:`", src, ())
                self.unreadable_files += 1
                continue
            if self.checked:
                scenes.append(src)
            elif isinstance(src.data.get("id"), str):
                self.broken_scenes.add(src.data["id"])
            else:
                self.unreadable_files += 1
        if not paths:
            self.no_scene_files = True
            self.out.append(
                Diagnostic(
                    "V006",
                    "the story has no scene files",
                    root,
                    1,
                    1,
                    "a scene file is a YAML file beside story.yaml (or in a subfolder such as scenes/) with "
                    "`id:`, `title:` and `beats:`; `voskhod new DIR` writes a working example",
                )
            )
        if not manifest_ok:
            return None, self.out
        return self.build(manifest, facts_src, scenes), self.out

    def build(self, manifest: SourceFile, facts_src: SourceFile | None, scene_srcs: list[SourceFile]) -> Story | None:
        data = manifest.data
        meters = self.build_meters(manifest)
        flags = self.build_flags(manifest, meters)
        names = set(meters) | set(flags) | BUILTIN_NAMES
        self.value_names = names
        facts, sources = self.build_facts(manifest, facts_src)
        endings = self.build_endings(manifest, scene_srcs)

        for meter in meters.values():
            for bound in ("at_min", "at_max"):
                ending = getattr(meter, bound)
                if ending is not None and ending not in endings:
                    self.report(
                        "V202",
                        f"meter `{meter.name}` {bound} names unknown ending `{ending}`",
                        manifest,
                        ("meters", meter.name, bound),
                        did_you_mean(ending, endings),
                    )

        # Scenes and beats: first collect ids, then compile choices against them.
        scene_by_id: dict[str, SourceFile] = {}
        beat_index: dict[str, tuple[SourceFile, PathKey, dict[str, Any]]] = {}
        for src in scene_srcs:
            sid = src.data["id"]
            if sid in scene_by_id:
                other = scene_by_id[sid]
                self.report("V201", f"scene id `{sid}` is also used in {other.path.name}", src, ("id",))
                continue
            scene_by_id[sid] = src
            for i, beat in enumerate(src.data["beats"]):
                qid = f"{sid}.{beat['id']}"
                if qid in beat_index:
                    first = beat_index[qid][0].where(beat_index[qid][1])[0]
                    self.report(
                        "V201",
                        f"beat id `{beat['id']}` is used twice in scene `{sid}` (first at line {first})",
                        src,
                        ("beats", i, "id"),
                    )
                    continue
                beat_index[qid] = (src, ("beats", i), beat)

        self._beat_ids = set(beat_index)
        if not self.lazy:
            self.check_ignores(beat_index)
        order = self.scene_order(manifest, scene_by_id)
        self.names = _Names(
            beats=beat_index,
            endings=endings,
            meters=meters,
            flags=flags,
            facts=facts,
            known=names.__contains__,
            writable=(set(meters) | set(flags)).__contains__,
        )
        beats: Mapping[str, Beat]
        pending: list[PendingText] | Callable[[], list[PendingText]] = self.texts
        if self.lazy:
            # A revived story: each beat is built when first asked for; the template's
            # texts keep the order of a full load (before, the beats', after).
            beats = lazy = LazyBeats(list(beat_index), self.build_lazily)
            before, after = self.texts, list[PendingText]()
            self.texts = after
            pending = lambda: [*before, *lazy.texts(), *after]  # noqa: E731
        else:
            beats = self.build_beats(manifest, facts_src, beat_index, endings)
            self.check_routes(beats)
        self.context = ("", None)
        endings = {eid: self.ending_texts(e, manifest, scene_srcs) for eid, e in endings.items()}

        scenes: list[Scene] = []
        for number, sid in enumerate(order, start=1):
            src = scene_by_id[sid]
            sd = src.data
            self.context = (sid, None)
            scenes.append(
                Scene(
                    id=sid,
                    title=self.text(sd["title"], src, ("title",)),
                    beats=tuple(f"{sid}.{b['id']}" for b in sd["beats"]),
                    number=number,
                    summary=self.words(sd.get("summary", ""), src, ("summary",)),
                    hide_meters=self.hidden_meters(src, meters),
                    where=self.where(src, ()),
                    questions=tuple(self.text(q, src, ("questions", i)) for i, q in enumerate(sd.get("questions", ()))),
                )
            )

        start = data["start"]
        if start not in beat_index and not self.in_broken_scene(start, ""):
            self.report(
                "V202",
                f"start beat `{start}` does not exist",
                manifest,
                ("start",),
                did_you_mean(start, beat_index) or "write it as `scene.beat`",
            )

        renamed = self.build_renamed(manifest, beat_index)
        clock = self.build_clock(manifest)
        comparisons = self.build_comparisons(manifest)
        milestones = self.build_milestones(manifest, beat_index, clock)
        intro = self.text(data.get("intro", ""), manifest, ("intro",))
        glossary = self.build_glossary(manifest)
        summary = self.text(data.get("debrief", {}).get("summary", ""), manifest, ("debrief", "summary"))
        if any(d.severity == "error" for d in self.out):
            return None
        return Story(
            id=data["id"],
            title=self.words(data["title"], manifest, ("title",)),
            version=str(data.get("version", "")),
            start=start,
            root=self.root,
            meters=meters,
            flags=flags,
            scenes=tuple(scenes),
            beats=beats,
            endings=endings,
            facts=facts,
            comparisons=comparisons,
            milestones=milestones,
            clock=clock,
            intro=intro,
            title_art=data.get("title_art", ""),
            how_to_play=self.words(data.get("how_to_play", defaults.HOW_TO_PLAY), manifest, ("how_to_play",)),
            reference_label=self.words(
                data.get("reference_label", defaults.REFERENCE_LABEL), manifest, ("reference_label",)
            ),
            questions=tuple(
                self.words(q, manifest, ("questions", i))
                for i, q in enumerate(data.get("questions", defaults.QUESTIONS))
            ),
            fingerprint=self.hasher.hexdigest()[:16],
            renamed=renamed,
            sources=sources,
            glossary=glossary,
            debrief_summary=summary,
            language=self.lang if self.catalogue is not None else "",
            texts=SourceTexts(pending, partial(text_prefix, self.root)),
        )

    def build_beats(
        self,
        manifest: SourceFile,
        facts_src: SourceFile | None,
        beat_index: dict[str, tuple[SourceFile, PathKey, dict[str, Any]]],
        endings: dict[str, Ending],
    ) -> dict[str, Beat]:
        """Every beat, file by file; a file unchanged since the last load keeps its beats (_BUILT)."""
        beats: dict[str, Beat] = {}
        context = self.build_context(manifest, facts_src, beat_index, endings)
        by_file: dict[Path, list[tuple[str, SourceFile, PathKey, dict[str, Any]]]] = {}
        for qid, (src, key, raw) in beat_index.items():
            by_file.setdefault(src.path, []).append((qid, src, key, raw))
        for path, items in by_file.items():
            content = hashlib.sha256(items[0][1].content).digest()
            kept = _BUILT.get(path)
            if kept is not None and kept[0] == content and kept[1] == context:
                beats.update(kept[2])
                self.texts.extend(kept[3])  # the texts building them recorded, in the same order
                continue
            problems, texts = len(self.out), len(self.texts)
            built: dict[str, Beat] = {}
            for qid, src, key, raw in items:
                self.context = (qid.split(".", 1)[0], qid)
                beat = self.build_beat(qid, src, key, raw)
                if beat is not None:
                    built[qid] = beat
            beats.update(built)
            if len(self.out) == problems and len(built) == len(items):
                _keep_built(path, (content, context, built, tuple(self.texts[texts:])))
        return beats

    def build_context(
        self,
        manifest: SourceFile,
        facts_src: SourceFile | None,
        beat_index: dict[str, tuple[SourceFile, PathKey, dict[str, Any]]],
        endings: dict[str, Ending],
    ) -> bytes:
        """Everything outside a scene file that building its beats reads, as one digest.

        The names (meters with their units and precision, flags, facts: the manifest
        and the fact sheet), every beat id (targets and ``visits()``), every ending id,
        which files could not be read (references into them are not reported), and
        the language and its catalogue (the texts are its translations).
        A scene file whose bytes and context are both unchanged builds the same
        beats, so a reload keeps them (``_BUILT``).
        """
        digest = hashlib.sha256(manifest.content)
        digest.update(b"\0" + (facts_src.content if facts_src is not None else b""))
        digest.update(b"\0" + "\n".join(beat_index).encode("utf-8", "surrogatepass"))
        digest.update(b"\0" + "\n".join(sorted(endings)).encode("utf-8", "surrogatepass"))
        digest.update(repr((sorted(self.broken_scenes), self.unreadable_files)).encode("utf-8", "surrogatepass"))
        if self.lang:  # the texts come from the language's catalogue
            digest.update(b"\0" + self.lang.encode("utf-8", "surrogatepass"))
            try:
                digest.update(catalogue_path(self.root, self.lang).read_bytes())
            except OSError:
                digest.update(b"\0no catalogue")
        return digest.digest()

    def check_ignores(self, beat_index: dict[str, tuple[SourceFile, PathKey, dict[str, Any]]]) -> None:
        """``ignore:`` on beats and choices names only warnings that exist (V206).

        The analysis reads the table itself (authoring/locate.py); here a typo'd
        code, or an error someone hoped to silence, is refused where it is written.
        """
        for src, key, raw in beat_index.values():
            places = [(key, raw)] if "ignore" in raw else []  # few have one: no key paths for the rest
            places += [((*key, "choices", i), c) for i, c in enumerate(raw.get("choices", ())) if "ignore" in c]
            for place, item in places:
                for code in item["ignore"]:
                    problem = ignorable(code)
                    if problem:
                        self.report(
                            "V206",
                            problem,
                            src,
                            (*place, "ignore", code),
                            "only warnings (W codes) can be ignored, each with its reason: "
                            "`ignore: {W403: the hatch is meant to jam}`",
                            of_key=True,
                        )

    # -- manifest parts ----------------------------------------------------
    def build_glossary(self, src: SourceFile) -> tuple[GlossaryEntry, ...]:
        """``glossary: {term: definition}`` or ``{term: {definition: ..., forms: [...]}}``.

        Terms and forms are matched in the text whatever their case, so two terms
        that differ only in case would be one term twice (V201). A translation
        translates the term too, so it is found in the translated text, and gives
        its own forms after ``|`` (``скафандр | скафандра``): the source's forms are
        words of the source language.
        """
        entries: list[GlossaryEntry] = []
        seen: dict[str, str] = {}
        for term, value in src.data.get("glossary", {}).items():
            key: PathKey = ("glossary", term)
            folded = term.casefold()
            if folded in seen:
                self.report("V201", f"glossary term `{term}` is also written `{seen[folded]}`", src, key, of_key=True)
                continue
            seen[folded] = term
            definition, def_key = value, key
            forms: tuple[str, ...] = ()
            if isinstance(value, dict):
                definition, def_key = value.get("definition", ""), (*key, "definition")
                forms = tuple(value.get("forms", ()))
            shown = self.words(term, src, (*key, "term"))
            if shown != term:
                shown, forms = term_and_forms(shown)
            entries.append(GlossaryEntry(shown, self.text(definition, src, def_key), forms))
        return tuple(entries)

    def build_renamed(self, src: SourceFile, beats: dict[str, Any]) -> dict[str, str]:
        """``renamed: {old: new}``: the new beat must exist and the old id must be free."""
        renamed: dict[str, str] = {}
        for old, new in src.data.get("renamed", {}).items():
            key: PathKey = ("renamed", old)
            if old in beats:
                self.report(
                    "V201",
                    f"`{old}` is renamed but a beat still has that id",
                    src,
                    key,
                    "remove the rename or the beat",
                )
            elif new not in beats and not self.in_broken_scene(new, ""):
                self.report(
                    "V202", f"`{old}` is renamed to `{new}`, which does not exist", src, key, did_you_mean(new, beats)
                )
            else:
                renamed[old] = new
        return renamed

    def build_meters(self, src: SourceFile) -> dict[str, Meter]:
        meters: dict[str, Meter] = {}
        for name, m in src.data.get("meters", {}).items():
            key: PathKey = ("meters", name)
            if self.reserved_value_name(name, src, key):
                continue
            lo, hi = value_of(m, "meter", "min"), value_of(m, "meter", "max")
            if lo >= hi:
                # Still declared, so every use of it is not also reported as an unknown name.
                self.report("V104", f"meter `{name}`: min ({lo}) must be below max ({hi})", src, (*key, "min"))
            else:
                self.check_meter_levels(name, m, lo, hi, src, key)
            meters[name] = Meter(
                name=name,
                label=self.words(m["label"], src, (*key, "label")),
                unit=self.words(m.get("unit", ""), src, (*key, "unit")),
                start=float(m["start"]),
                min=float(lo),
                max=float(hi),
                rate=float(value_of(m, "meter", "rate")),
                warn_below=m.get("warn_below"),
                critical_below=m.get("critical_below"),
                warn_above=m.get("warn_above"),
                critical_above=m.get("critical_above"),
                at_min=m.get("at_min"),
                at_max=m.get("at_max"),
                precision=value_of(m, "meter", "precision"),
                hidden=value_of(m, "meter", "hidden"),
                description=self.words(m.get("description", ""), src, (*key, "description")),
                where=self.where(src, key),
            )
        return meters

    def check_meter_levels(
        self, name: str, m: dict[str, Any], lo: float, hi: float, src: SourceFile, key: PathKey
    ) -> None:
        """Start and warning levels inside min..max, critical levels beyond the warning ones."""
        if not lo <= m["start"] <= hi:
            self.report("V104", f"meter `{name}`: start {m['start']} is outside {lo}..{hi}", src, (*key, "start"))
        for bound in ("warn_below", "critical_below", "warn_above", "critical_above"):
            if bound in m and not lo <= m[bound] <= hi:
                self.report("V104", f"meter `{name}`: {bound} {m[bound]} is outside {lo}..{hi}", src, (*key, bound))
        if "warn_below" in m and "critical_below" in m and m["critical_below"] > m["warn_below"]:
            self.report(
                "V104",
                f"meter `{name}`: critical_below should not be above warn_below",
                src,
                (*key, "critical_below"),
            )
        if "warn_above" in m and "critical_above" in m and m["critical_above"] < m["warn_above"]:
            self.report(
                "V104",
                f"meter `{name}`: critical_above should not be below warn_above",
                src,
                (*key, "critical_above"),
            )

    def reserved_value_name(self, name: str, src: SourceFile, key: PathKey) -> bool:
        if name in BUILTIN_NAMES or name in CONSTANTS or name in FUNCTIONS:
            self.report(
                "V203", f"`{name}` is a reserved name in expressions", src, key, "pick another name", of_key=True
            )
            return True
        return False

    def build_flags(self, src: SourceFile, meters: dict[str, Meter]) -> dict[str, Flag]:
        flags: dict[str, Flag] = {}
        for name, f in src.data.get("flags", {}).items():
            key: PathKey = ("flags", name)
            if self.reserved_value_name(name, src, key):
                continue
            if name in meters:
                self.report("V201", f"`{name}` is both a meter and a flag", src, key, "rename one of them", of_key=True)
                continue
            if isinstance(f, dict):
                flags[name] = Flag(name, f["default"], f.get("description", ""), self.where(src, key))
            else:
                flags[name] = Flag(name, f, "", self.where(src, key))
        return flags

    def build_facts(
        self, manifest: SourceFile, facts_src: SourceFile | None
    ) -> tuple[dict[str, Fact], dict[str, Source]]:
        """Facts and their sources, from the manifest and ``facts.yaml``.

        ``facts.yaml`` is either ``facts:`` (and ``sources:``) or, in a story
        without sources, a plain mapping of fact ids. Once a story names its
        sources, every fact's ``source:`` must be one of their ids (V202), so a
        reader is shown an author, a title and a year, never a writer's code.
        """
        raw_facts: list[tuple[SourceFile, PathKey, str, dict[str, Any]]] = []
        raw_sources: list[tuple[SourceFile, PathKey, str, dict[str, Any]]] = []
        for fid, f in manifest.data.get("facts", {}).items():
            raw_facts.append((manifest, ("facts", fid), fid, f))
        for sid, so in manifest.data.get("sources", {}).items():
            raw_sources.append((manifest, ("sources", sid), sid, so))
        if facts_src is not None:
            from .schema import FACT_MAP, Obj, check

            data = facts_src.data
            wrapped = isinstance(data, dict) and "facts" in data and set(data) <= {"facts", "sources"}
            if data is None or (wrapped and data.get("facts") is None):
                self.facts_broken = True
                self.report(
                    "V103",
                    f"{FACTS} is empty",
                    facts_src,
                    (),
                    "list facts under `facts:` (`F1: {text: ..., source: ...}`), or delete the file",
                )
            elif wrapped:
                self.facts_broken = not check(data, Obj("facts_file"), (), facts_src, self.out)
                if not self.facts_broken:
                    raw_facts += [(facts_src, ("facts", fid), fid, f) for fid, f in data["facts"].items()]
                    raw_sources += [
                        (facts_src, ("sources", sid), sid, so) for sid, so in data.get("sources", {}).items()
                    ]
            else:
                self.facts_broken = not check(data, FACT_MAP, (), facts_src, self.out)
                if not self.facts_broken:
                    raw_facts += [(facts_src, (fid,), fid, f) for fid, f in data.items()]
        sources: dict[str, Source] = {}
        for src, key, sid, so in raw_sources:
            if sid in sources:
                self.report("V201", f"source `{sid}` is declared twice", src, key, of_key=True)
            # Every field is offered to translators: a published name or title is kept as it is in
            # the translation, but "An unsigned blog" or "n.d., after 2019" are the writer's words.
            author, title, year, reliability = (
                self.words(so.get(field, ""), src, (*key, field))
                for field in ("author", "title", "year", "reliability")
            )
            sources[sid] = Source(sid, author, title, str(year), reliability)
        facts: dict[str, Fact] = {}
        for src, key, fid, f in raw_facts:
            if fid in facts:
                self.report("V201", f"fact `{fid}` is declared twice ({MANIFEST} and {FACTS})", src, key, of_key=True)
            cited = f.get("source", "")
            ids = (cited,) if isinstance(cited, str) else tuple(cited)
            text = self.words(f["text"], src, (*key, "text"))
            if not sources:
                facts[fid] = Fact(fid, text, "; ".join(i for i in ids if i))
                continue
            if not any(ids):
                self.report(
                    "V202",
                    f"fact `{fid}` cites no source",
                    src,
                    key,
                    "this story names its sources, so every fact says which: `source: " + next(iter(sources)) + "`",
                    of_key=True,
                )
            for i, sid in enumerate(ids):
                if sid and sid not in sources:
                    where = (*key, "source") if isinstance(cited, str) else (*key, "source", i)
                    self.report(
                        "V202",
                        f"fact `{fid}` cites unknown source `{sid}`",
                        src,
                        where,
                        did_you_mean(sid, sources) or "name a source id from `sources:`: " + ", ".join(sources),
                    )
            facts[fid] = Fact(fid, text, "", tuple(i for i in ids if i in sources))
        return facts, sources

    def build_endings(self, manifest: SourceFile, scenes: list[SourceFile]) -> dict[str, Ending]:
        endings: dict[str, Ending] = {}
        for src in [manifest, *scenes]:
            for i, e in enumerate(src.data.get("endings", [])):
                key: PathKey = ("endings", i)
                if e["id"] in endings:
                    first = endings[e["id"]].where
                    self.report("V201", f"ending id `{e['id']}` is already used at {first}", src, (*key, "id"))
                    continue
                self.ending_places[e["id"]] = (src, key)
                endings[e["id"]] = Ending(
                    id=e["id"],
                    type=e["type"],
                    title=e["title"],
                    text=e["text"],
                    debrief=e.get("debrief", ""),
                    cause=e.get("cause", ""),
                    where=self.where(src, key),
                )
        if not endings:
            self.report("V103", "the story declares no endings", manifest, (), "add an `endings:` list")
        return endings

    def scene_order(self, manifest: SourceFile, scene_by_id: dict[str, SourceFile]) -> list[str]:
        listed = manifest.data.get("scenes")
        if listed is None:
            return list(scene_by_id)
        order: list[str] = []
        for i, sid in enumerate(listed):
            if sid not in scene_by_id and (sid in self.broken_scenes or self.unreadable_files or self.no_scene_files):
                continue  # its file has errors, reported already
            if sid not in scene_by_id:
                self.report(
                    "V202",
                    f"scene `{sid}` is listed but no scene file declares it",
                    manifest,
                    ("scenes", i),
                    did_you_mean(sid, scene_by_id),
                )
            elif sid in order:
                self.report("V201", f"scene `{sid}` is listed twice", manifest, ("scenes", i))
            else:
                order.append(sid)
        for sid, src in scene_by_id.items():
            if sid not in order:
                self.report(
                    "V202",
                    f"scene `{sid}` is not in the manifest's `scenes:` list",
                    src,
                    ("id",),
                    f"add `{sid}` to `scenes:` in {MANIFEST}",
                )
                order.append(sid)
        return order

    def hidden_meters(self, src: SourceFile, meters: dict[str, Meter]) -> tuple[str, ...]:
        names = src.data.get("hide_meters", [])
        for i, name in enumerate(names):
            if name not in meters:
                self.report(
                    "V302",
                    f"hide_meters names unknown meter `{name}`",
                    src,
                    ("hide_meters", i),
                    did_you_mean(name, meters),
                )
        return tuple(n for n in names if n in meters)

    def build_clock(self, src: SourceFile) -> Clock | None:
        raw = src.data.get("clock")
        if raw is None:
            return None
        start = raw["start"]
        when = parse_utc(start)
        first, last = CLOCK_YEARS
        if when is None:
            self.report(
                "V104",
                f"clock start `{start}` is not an ISO 8601 UTC time",
                src,
                ("clock", "start"),
                "write it like 1957-11-24T06:00:00Z",
            )
        elif not first <= when.year <= last:
            self.report(
                "V104",
                f"clock start year {when.year} is outside {first}..{last}",
                src,
                ("clock", "start"),
                "the story's time runs on from the start: leave room for it",
            )
            when = None
        zones = tuple(
            ClockZone(self.words(z["label"], src, ("clock", "zones", i, "label")), z["offset"])
            for i, z in enumerate(raw.get("zones", []))
        ) or (ClockZone("UTC", 0),)  # a clock's name is a text like any other: `Moscow` reads `Москва`
        for i, zone in enumerate(zones if when is not None and raw.get("zones") else ()):
            if not _can_shift(when, zone.offset_minutes):
                self.report(
                    "V104",
                    f"zone `{zone.label}` ({zone.offset_minutes:+} min) puts the clock before year {first}",
                    src,
                    ("clock", "zones", i, "offset"),
                )
        return Clock(start, zones)

    def build_comparisons(self, src: SourceFile) -> tuple[Comparison, ...]:
        out = []
        for i, c in enumerate(src.data.get("debrief", {}).get("comparisons", [])):
            key: PathKey = ("debrief", "comparisons", i)
            expr = self.number(c["yours"], src, (*key, "yours"))
            if expr is not None:
                out.append(
                    Comparison(
                        self.words(c["label"], src, (*key, "label")),
                        expr,
                        float(c["real"]),
                        self.words(c.get("unit", ""), src, (*key, "unit")),
                        value_of(c, "comparison", "precision"),
                        self.words(c.get("note", ""), src, (*key, "note")),
                        value_of(c, "comparison", "kind"),
                        self.condition(c["when"], src, (*key, "when")) if "when" in c else None,
                    )
                )
        return tuple(out)

    def build_milestones(self, src: SourceFile, beats: dict[str, Any], clock: Clock | None) -> tuple[Milestone, ...]:
        """Milestones in minutes after the start; without a clock, ``real`` is time since the start."""
        out = []
        start = parse_utc(clock.start) if clock is not None else ELAPSED_EPOCH
        for i, m in enumerate(src.data.get("debrief", {}).get("milestones", [])):
            key: PathKey = ("debrief", "milestones", i)
            if m["beat"] not in beats:
                if self.in_broken_scene(m["beat"], ""):
                    continue  # its scene file has errors, reported already
                self.report(
                    "V202",
                    f"milestone beat `{m['beat']}` does not exist",
                    src,
                    (*key, "beat"),
                    did_you_mean(m["beat"], beats),
                )
                continue
            when = parse_time_on(m["real"], start)
            if clock is None and parse_utc(m["real"]) is not None:
                self.report(
                    "V104",
                    f"milestone time `{m['real']}` is a date, but the story has no clock",
                    src,
                    (*key, "real"),
                    "add `clock:` to story.yaml, or give the time since the start as HH:MM:SS",
                )
                continue
            if when is None or start is None:
                self.report("V104", f"milestone time `{m['real']}` is not HH:MM:SS or an ISO time", src, (*key, "real"))
                continue
            label = self.words(m["label"], src, ("debrief", "milestones", i, "label"))
            out.append(Milestone(m["beat"], label, (when - start).total_seconds() / 60))
        return tuple(out)

    # -- scenes ------------------------------------------------------------
    def build_beat(self, qid: str, src: SourceFile, key: PathKey, raw: dict[str, Any]) -> Beat | None:
        scene_id = qid.split(".", 1)[0]
        has_choices, has_route = "choices" in raw, "route" in raw
        if has_choices == has_route:
            self.report(
                "V103" if not has_choices else "V104",
                f"beat `{qid}` needs exactly one of `choices:` or `route:`",
                src,
                key,
                "`choices:` lists what the player can do; `route:` moves on by itself to the first branch that holds",
            )
            return None
        if "text" not in raw and not has_route:
            self.report("V103", f"beat `{qid}` has no `text:`", src, key, "write what the player reads under `text: |`")
            return None
        choices: list[Choice] = []
        seen: dict[str, int] = {}
        for i, c in enumerate(raw.get("choices", ())):
            ckey = (*key, "choices", i)
            cid = c["id"]
            if cid in seen:
                self.report("V201", f"choice id `{cid}` is used twice in beat `{qid}`", src, (*ckey, "id"))
                continue
            seen[cid] = i
            if cid in RESERVED_TRIGGERS:
                self.report(
                    "V203",
                    f"choice id `{cid}` clashes with a name the state machine reserves",
                    src,
                    (*ckey, "id"),
                    f"choice ids may be anything but {', '.join(sorted(RESERVED_TRIGGERS))}",
                )
                continue
            choice = self.build_choice(c, scene_id, src, ckey)
            if choice is not None:
                choices.append(choice)
        # Absent parts (most are) cost no key path: each is built only when written.
        route = (
            self.branches(raw["route"], scene_id, src, (*key, "route"), "a route branch", "route") if has_route else ()
        )
        effects = self.effects_at(raw, src, key)
        history = self.build_history(raw["history"], src, (*key, "history")) if "history" in raw else None
        if route is None or effects is None:
            return None
        return Beat(
            id=qid,
            scene=scene_id,
            text=self.text_at(raw, "text", src, key),
            choices=tuple(choices),
            title=self.text_at(raw, "title", src, key),
            rates=self.rates(raw["rates"], src, (*key, "rates")) if "rates" in raw else (),
            history=history,
            no_return=value_of(raw, "beat", "no_return"),
            where=self.where(src, key),
            basis=raw.get("basis", ""),
            effects=effects,
            route=route,
        )

    def branches(
        self, raw: list[Any], scene_id: str, src: SourceFile, key: PathKey, what: str, field: str
    ) -> tuple[Branch, ...] | None:
        """Outcomes of a choice or branches of a route: conditional ones first, the last unconditional."""
        out: list[Branch] = []
        ok = True
        for i, b in enumerate(raw):
            bkey = (*key, i)
            outcome = self.build_outcome(b, scene_id, src, bkey, what)
            condition = self.condition(b["if"], src, (*bkey, "if")) if "if" in b else None
            weight = self.number(b["weight"], src, (*bkey, "weight")) if "weight" in b else None
            if outcome is None or ("if" in b and condition is None) or ("weight" in b and weight is None):
                ok = False
                continue
            if "if" in b and "weight" in b:
                self.report(
                    "V104", f"{what} has both `if:` and `weight:`", src, (*bkey, "weight"),
                    "conditional branches are taken in order when they hold; weights share out the rest",
                )  # fmt: skip
                ok = False
            out.append(Branch(outcome, condition, weight))
        if raw and "if" in raw[-1]:
            self.report(
                "V103", f"the last item of `{field}:` has an `if:`", src, (*key, len(raw) - 1, "if"),
                "the last one is what happens when no condition holds: remove its `if:`",
            )  # fmt: skip
            ok = False
        return tuple(out) if ok else None

    def check_routes(self, beats: Mapping[str, Beat]) -> None:
        """Routing beats that only lead to each other would move the player on forever."""
        state: dict[str, int] = {}  # 1 on the current path, 2 done

        def visit(bid: str, path: list[str]) -> None:
            state[bid] = 1
            for branch in beats[bid].route:
                nxt = branch.outcome.target
                if nxt is None or nxt not in beats or not beats[nxt].is_route:
                    continue
                if state.get(nxt) == 1:
                    loop = [*path[path.index(nxt) :], nxt] if nxt in path else [bid, nxt]
                    where = beats[bid].where
                    self.out.append(
                        Diagnostic(
                            "V205",
                            f"routing beats lead round in a circle: {' -> '.join(loop)}",
                            where.path if where else self.root,
                            where.line if where else 1,
                            where.col if where else 1,
                            "let one of the routing beats lead to a beat with choices or an ending",
                        )
                    )
                elif nxt not in state:
                    visit(nxt, [*path, nxt])
            state[bid] = 2

        for bid, beat in beats.items():
            if beat.is_route and bid not in state:
                visit(bid, [bid])

    def build_history(self, raw: Any, src: SourceFile, key: PathKey) -> HistoryNote | None:
        facts = self.names.facts
        if raw is None:
            return None
        if isinstance(raw, str):
            return HistoryNote((), self.text(raw, src, key))
        ids = raw.get("facts", ())
        ids = (ids,) if isinstance(ids, str) else tuple(ids)
        for i, fid in enumerate(ids):
            if fid not in facts and not self.facts_broken:
                fkey = (*key, "facts", i) if isinstance(raw.get("facts"), list) else (*key, "facts")
                self.report(
                    "V202",
                    f"history cites unknown fact `{fid}`",
                    src,
                    fkey,
                    did_you_mean(fid, facts) or f"add it to {FACTS} or `facts:` in {MANIFEST}",
                )
        return HistoryNote(ids, self.text(raw.get("note", ""), src, (*key, "note")))

    def rates(self, raw: dict[str, float], src: SourceFile, key: PathKey) -> tuple[tuple[str, float], ...]:
        meters = self.names.meters
        out = []
        for name, value in raw.items():
            if name not in meters:
                self.report(
                    "V302",
                    f"rate for unknown meter `{name}`",
                    src,
                    (*key, name),
                    did_you_mean(name, meters),
                    of_key=True,
                )
            else:
                out.append((name, float(value)))
        return tuple(out)

    def in_broken_scene(self, target: str, scene_id: str) -> bool:
        """True when ``target`` may live in a scene file that already has errors.

        Such a scene is left out of the story, so every reference into it
        would be reported too: noise that hides the real problem.
        """
        scene = target.split(".", 1)[0] if "." in target else scene_id
        if scene in self.broken_scenes or self.no_scene_files:
            return True
        known = {s.split(".", 1)[0] for s in self._beat_ids}
        return self.unreadable_files > 0 and scene not in known

    def build_outcome(
        self, raw: dict[str, Any], scene_id: str, src: SourceFile, key: PathKey, what: str
    ) -> Outcome | None:
        beats, endings = self.names.beats, self.names.endings
        has_target, has_ending = "target" in raw, "ending" in raw
        if has_target == has_ending:
            msg = f"{what} needs exactly one of `target:` or `ending:`"
            self.report(
                "V103" if not has_target else "V104",
                msg,
                src,
                key,
                "`target: scene.beat` goes to a beat; `ending: id` ends the story",
            )
            return None
        ok = True
        target = ending = None
        if has_target:
            target = raw["target"]
            if "." not in target:  # a beat of this scene
                target = f"{scene_id}.{target}"
            if target not in beats and self.in_broken_scene(target, scene_id):
                ok = False
            elif target not in beats:
                hint = did_you_mean(target, beats) or did_you_mean(raw["target"], [b.split(".", 1)[1] for b in beats])
                self.report(
                    "V202",
                    f"target `{raw['target']}` does not exist",
                    src,
                    (*key, "target"),
                    hint or "write `beat` for this scene or `scene.beat`",
                )
                ok = False
        else:
            ending = raw["ending"]
            if ending not in endings:
                self.report(
                    "V202", f"ending `{ending}` does not exist", src, (*key, "ending"), did_you_mean(ending, endings)
                )
                ok = False
        effects = self.effects_at(raw, src, key)
        if not ok or effects is None:
            return None
        return Outcome(target, ending, effects, self.text_at(raw, "result", src, key))

    def build_choice(self, c: dict[str, Any], scene_id: str, src: SourceFile, key: PathKey) -> Choice | None:
        branches: tuple[Branch, ...] = ()
        if "outcomes" in c:
            clash = [k for k in ("target", "ending", "chance", "effects", "result") if k in c]
            if clash:
                self.report(
                    "V104", f"a choice with `outcomes:` cannot also have `{clash[0]}:`", src, (*key, clash[0]),
                    "give each outcome its own target, effects and result",
                )  # fmt: skip
                return None
            found = self.branches(c["outcomes"], scene_id, src, (*key, "outcomes"), "an outcome", "outcomes")
            if found is None:
                return None
            branches = found
            outcome: Outcome | None = branches[-1].outcome
        else:
            outcome = self.build_outcome(c, scene_id, src, key, "a choice")
        condition = self.condition(c["if"], src, (*key, "if")) if "if" in c else None
        chance = None
        if "chance" in c:
            ch = c["chance"]
            alt = self.build_outcome(ch, scene_id, src, (*key, "chance"), "a chance")
            p = self.number(ch["p"], src, (*key, "chance", "p"))  # a plain number's range: schema.py
            if alt is None or p is None:
                return None
            chance = Chance(p, alt)
        default = field_defaults("choice")
        time = c.get("time", default["time"])  # its range is checked by schema.py
        rates = self.rates(c["rates"], src, (*key, "rates")) if "rates" in c else ()
        if outcome is None or ("if" in c and condition is None):
            return None
        return Choice(
            id=c["id"],
            label=self.text(c["label"], src, (*key, "label")),
            outcome=outcome,
            condition=condition,
            disabled_reason=self.text(c["reason"], src, (*key, "reason")) if "reason" in c else NO_TEXT,
            time=float(time),
            rates=rates,
            chance=chance,
            hidden_when_disabled=c.get("hide", default["hide"]),
            where=Where.later(src.path, src, key),
            branches=branches,
            once=c.get("once", default["once"]),
            fallback=c.get("fallback", default["fallback"]),
        )

    # -- expressions -------------------------------------------------------
    def expression_problem(self, exc: ExpressionError, src: SourceFile, key: PathKey, source: str) -> None:
        code = exc.code
        hint = did_you_mean(exc.unknown, self.known_names) or exc.hint if exc.unknown else exc.hint
        line, col = src.where(key)
        self.out.append(Diagnostic(code, f"{exc.message} (in `{source}`)", src.path, line, col, hint))

    @property
    def known_names(self) -> list[str]:
        return sorted(self.value_names)

    def condition(self, raw: Any, src: SourceFile, key: PathKey) -> Condition | None:
        return self.compile_once("if", compile_condition, raw, src, key)

    def number(self, raw: Any, src: SourceFile, key: PathKey) -> NumberExpr | None:
        return self.compile_once("number", compile_number, raw, src, key)

    def compile_once(
        self, kind: str, compiler: Any, raw: Any, src: SourceFile, key: PathKey, index: int | None = None
    ) -> Any:
        """Compile an expression (at ``key``, item ``index`` of it if given), reusing the result for the
        same text within this load."""
        memo: Any
        if type(raw) is str:  # most: one memo per kind, by the text
            memo = raw if not ("visits" in raw or "seen" in raw) else (raw, self.context)
            # visits("exit") means a beat of the scene it is written in: the text and where it is
        else:  # bool is an int: keep `true` and 1 apart; unhashable values are not kept
            memo = (type(raw), raw) if isinstance(raw, (int, float)) else None
        memos = self.compiled[kind]
        found = memos.get(memo) if memo is not None else None
        if found is not None:
            return found
        try:
            result = compiler(raw, self.names.known, beat_ref=self.beat_ref)
        except ExpressionError as exc:
            self.expression_problem(exc, src, key if index is None else (*key, index), str(raw))
            return None
        if memo is not None:
            memos[memo] = result
        return result

    def effects(self, raw: Any, src: SourceFile, key: PathKey) -> tuple[Assignment, ...] | None:
        if isinstance(raw, str):
            one = self.compile_once("effect", self.compile_effect, raw, src, key)
            return None if one is None else (one,)
        compiled = [self.compile_once("effect", self.compile_effect, text, src, key, i) for i, text in enumerate(raw)]
        return None if None in compiled else tuple(compiled)

    def effects_at(self, data: dict[str, Any], src: SourceFile, key: PathKey) -> tuple[Assignment, ...] | None:
        """The ``effects:`` of the object ``data`` at ``key`` (none when it has none)."""
        return self.effects(data["effects"], src, (*key, "effects")) if "effects" in data else ()

    def compile_effect(self, text: str, known: Any, beat_ref: Any = None) -> Assignment:
        writable = self.names.writable
        assignment = compile_effect(text, known, lambda name: writable(name) or name in BUILTIN_NAMES, beat_ref)
        return fit_effect(assignment, self.names.flags)

    def beat_ref(self, name: str | None) -> str | None:
        """The beat ``visits(name)`` counts: ``scene.beat``, ``beat`` in this scene, or this beat."""
        scene, beat = self.context
        if name is None:
            return beat
        qid = name if "." in name else f"{scene}.{name}"
        return qid if qid in self.names.beats else None

    # -- texts -------------------------------------------------------------
    def text(self, raw: Any, src: SourceFile, key: PathKey) -> Text:
        """A text compiled with its expressions; a mistake is reported at its place, the text kept plain.

        In a language with a current translation, the translation is compiled
        instead, and its mistakes are reported at their line of the catalogue.
        """
        if not isinstance(raw, str) or not raw:
            return NO_TEXT
        if self.catalogue is not None:
            translated = self.translated(raw, src, key, compiled=True)
            if translated is not None:
                path, line, words = translated
                return self.compile_text(words, SourceFile(path, words, places=Places(marks={(): (line, 1)})), ())
        else:
            self.remember(raw, src, key)
        return self.compile_text(raw, src, key)

    def text_at(self, data: dict[str, Any], name: str, src: SourceFile, key: PathKey) -> Text:
        """The text ``name`` of the object ``data`` at ``key`` (none when it has none)."""
        return self.text(data[name], src, (*key, name)) if name in data else NO_TEXT

    def words(self, raw: Any, src: SourceFile, key: PathKey) -> Any:
        """A plain text a player reads (a label, a unit): translated in a language, never compiled."""
        if not isinstance(raw, str) or not raw or self.catalogue is None:
            if isinstance(raw, str) and raw:
                self.remember(raw, src, key)
            return raw
        translated = self.translated(raw, src, key, compiled=False)
        return translated[2] if translated is not None else raw

    def remember(self, raw: str, src: SourceFile, key: PathKey) -> None:
        """Record a text for the translation template (its id is worked out when the template is made)."""
        self.texts += (src, key, raw)  # flat: see PendingText

    def translated(self, raw: str, src: SourceFile, key: PathKey, compiled: bool) -> tuple[Path, int, str] | None:
        """The current translation of a text, checked against its source; None to show the source."""
        assert self.catalogue is not None
        self.remember(raw, src, key)
        tid = source_text_id(src.data, key, text_prefix(self.root, src))[0]
        entry = self.catalogue.get(tid)
        path = catalogue_path(self.root, self.lang)
        if entry is None or not entry.text:
            line = src.where(key)[0]  # only a warning needs the place (finding places costs a parse)
            self.out.append(
                Diagnostic(
                    "W501", f"no {self.lang} translation of `{tid}`", src.path, line, 1,
                    f"run `voskhod translate update {self.root}` and translate it in {path.name}", "warning",
                )
            )  # fmt: skip
            return None
        if entry.fuzzy or entry.source != raw:
            self.out.append(
                Diagnostic(
                    "W502", f"the {self.lang} translation of `{tid}` was made for an older text", path, entry.line, 1,
                    "check the translation against the new source, then remove its `fuzzy` flag", "warning",
                )
            )  # fmt: skip
            return None
        if compiled:
            try:
                difference = describe_difference(skeleton(raw), skeleton(entry.text))
            except (TextError, ExpressionError):
                difference = ""  # the translation's own mistakes are reported when it is compiled
            if difference:
                self.out.append(
                    Diagnostic(
                        "V501", f"the translation of `{tid}` shows or tests other things than the source: {difference}",
                        path, entry.line, 1, "keep every `{...}` of the source; only the words around them change",
                    )
                )  # fmt: skip
                return None
        if emphasis(raw) != emphasis(entry.text):
            self.out.append(
                Diagnostic(
                    "V502", f"the translation of `{tid}` has other *emphasis* than the source", path, entry.line, 1,
                    "emphasise as many passages with `*...*` and `**...**` as the source does",
                )
            )  # fmt: skip
            return None
        return path, entry.line, entry.text

    def compile_text(self, raw: str, src: SourceFile, key: PathKey) -> Text:
        if "{" not in raw and "}" not in raw:  # most texts: words only, nothing to compile
            return Text(raw)
        names = self.names
        read: set[str] = set()

        def value(expr: str, offset: int, fmt: Format) -> Callable[[Any], str]:
            compiled = self.text_expression(expr, offset)
            read.update(compiled.names)
            meter = names.meters.get(expr)
            if fmt.unit and meter is None:
                raise ExpressionError("`:unit` needs a meter's name, such as `{oxygen:unit}`", offset)
            precision, unit = (meter.precision, meter.unit) if meter is not None else (0, "")
            lang = self.lang if self.catalogue is not None else self.own_language  # numbers as it writes them
            return partial(_shown, compiled.fn, fmt, precision, unit, lang)

        def condition(expr: str, offset: int) -> Callable[[Any], bool]:
            compiled = self.text_expression(expr, offset)
            read.update(compiled.names)
            return partial(_holds, compiled.fn)

        try:
            text = compile_text(raw, value, condition)
            text.names = frozenset(read)
            return text
        except TextError as exc:
            line, col = src.position(key, exc.offset, raw)
            self.out.append(Diagnostic("V304", exc.message, src.path, line, col, exc.hint or DEFAULT_HINTS["V304"]))
        except ExpressionError as exc:
            line, col = src.position(key, exc.offset, raw)
            hint = did_you_mean(exc.unknown, self.known_names) or exc.hint if exc.unknown else exc.hint
            self.out.append(Diagnostic(exc.code, f"{exc.message} (in text)", src.path, line, col, hint))
        return Text(raw)

    def text_expression(self, expr: str, offset: int) -> Any:
        """An expression inside a text, compiled once per load like the others (``compile_once``);
        errors carry their offset in the whole text."""
        memo: Any = expr if not ("visits" in expr or "seen" in expr) else (expr, self.context)
        memos = self.compiled["text"]
        found = memos.get(memo)
        if found is not None:
            return found
        try:
            found = memos[memo] = compile_expression(expr, self.names.known, beat_ref=self.beat_ref)
        except ExpressionError as exc:
            moved = ExpressionError(exc.message, offset + exc.offset, exc.hint, unknown=exc.unknown)
            moved.code = exc.code
            raise moved from None
        return found

    def ending_texts(self, ending: Ending, manifest: SourceFile, scene_srcs: list[SourceFile]) -> Ending:
        """An ending with its texts compiled (endings are collected before the names exist)."""
        src, key = self.ending_places[ending.id]
        return replace(
            ending,
            title=self.text(ending.title, src, (*key, "title")),
            text=self.text(ending.text, src, (*key, "text")),
            debrief=self.text(ending.debrief, src, (*key, "debrief")),
            cause=self.words(ending.cause, src, (*key, "cause")),  # shown beside a loss: the player reads it
        )


class EffectMismatch(ExpressionError):
    """An effect that parses but cannot do what it says to what it changes (V303)."""

    code = "V303"


def fit_effect(effect: Assignment, flags: dict[str, Flag]) -> Assignment:
    """Refuse an effect that does not fit its name's kind; guard whole numbers while playing.

    The engine stores into a flag with its declared type, so without this
    `found += 1` on a yes/no flag stays `true` and `count = 2.75` becomes 2,
    both silently. A value known when the story loads is checked here; one that
    depends on the run is checked each time the effect runs, and the engine
    reports and skips the effect instead of cutting the fraction off.
    """
    name, op = effect.name, effect.op
    if name in BUILTIN_NAMES:
        raise EffectMismatch(
            f"`{name}` is the mission clock; effects cannot set it",
            0,
            "time passes with each choice's `time:`; to count something else, declare a flag",
        )
    flag = flags.get(name)
    if flag is None:
        return effect
    if isinstance(flag.default, str):
        if op not in ("=", "+"):
            raise EffectMismatch(
                f"`{name}` holds text; `{op}=` does arithmetic on it",
                0,
                f'set it (`{name} = "Falcon"`) or add to it (`{name} += " jr"`)',
            )
        return effect
    try:
        constant: Any = effect.expr.fn({})  # reads no name: its value is known now
    except (KeyError, ArithmeticError, TypeError, ValueError):
        constant = None
    if isinstance(flag.default, bool):
        if op != "=":
            raise EffectMismatch(
                f"`{name}` is a yes/no flag; `{op}=` does arithmetic on it",
                0,
                f"set it instead: `{name} = true` or `{name} = false`; a whole-number flag counts",
            )
        if isinstance(constant, (int, float)) and not isinstance(constant, bool):
            raise EffectMismatch(
                f"`{name}` is a yes/no flag; `{constant:g}` is a number",
                0,
                f"write `{name} = true` or `{name} = false`",
            )
        return effect
    if not isinstance(flag.default, int):
        return effect  # a text value: the expression compiler keeps text and numbers apart
    if op == "/":
        raise EffectMismatch(
            f"`{name}` holds whole numbers; `/=` can leave a fraction",
            0,
            f"divide and round down with `{name} = {name} // 2`, or make `{name}` a meter",
        )
    if isinstance(constant, float) and not constant.is_integer():
        raise EffectMismatch(
            f"`{name}` holds whole numbers; {constant:g} is not one",
            0,
            f"use a whole number, `round(...)` or `//`, or make `{name}` a meter to hold fractions",
        )
    if constant is not None:
        return effect
    compute = effect.expr.fn

    def whole(env: Any) -> Any:
        value = compute(env)
        if isinstance(value, float) and not value.is_integer():
            raise EvaluationError(f"`{name}` holds whole numbers, not {value:g}")
        return value

    return replace(effect, expr=Compiled(effect.expr.source, whole, effect.expr.names))


# Beats built from each scene file by the last load that built them without a
# problem: (the file's digest, the context digest, its beats, the texts they
# recorded for the translation template). Beats are
# immutable, so a reload under ``--watch`` reuses those of the files that did
# not change instead of compiling their texts and expressions again.
_BUILT: dict[Path, tuple[bytes, bytes, dict[str, Beat], tuple[PendingText, ...]]] = {}
MAX_BUILT_FILES = 2_000


def forget_built() -> None:
    """Drop the beats kept for reloads, so the next load builds every beat (a cold load)."""
    _BUILT.clear()


def _keep_built(path: Path, entry: tuple[bytes, bytes, dict[str, Beat], tuple[PendingText, ...]]) -> None:
    if len(_BUILT) >= MAX_BUILT_FILES and path not in _BUILT:
        _BUILT.clear()
    _BUILT[path] = entry


# What a text shows for ``{expr}`` and whether ``{if expr}`` holds, in a run: a value that cannot be
# worked out (a text flag in arithmetic, a division by zero) shows `?` or counts as false. Module
# functions bound with ``partial``: a story has thousands of them, and a closure each was several objects.
def _shown(fn: Callable[[Any], Any], fmt: Format, precision: int, unit: str, lang: str, env: Any) -> str:
    try:
        return show(fn(env), fmt, precision, unit, lang)
    except (ArithmeticError, TypeError, ValueError, KeyError):
        return "?"


def _holds(fn: Callable[[Any], Any], env: Any) -> bool:
    try:
        return bool(fn(env))
    except (ArithmeticError, TypeError, ValueError, KeyError):
        return False


def text_prefix(root: Path, src: SourceFile) -> str:
    """The first part of the ids of a file's texts: ``story``, ``facts`` or the scene's id."""
    if src.path.name == MANIFEST and src.path.parent == root:
        return "story"
    if src.path.name == FACTS and src.path.parent == root:
        return "facts"
    data = src.data
    return str(data.get("id", src.path.stem)) if isinstance(data, dict) else src.path.stem


def _present(path: Path) -> bool:
    """True when something is there, even a FIFO, a broken link or a file we may not read:
    reading it then says what is wrong, rather than "there is no such file"."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    return True


# Without a clock, milestone times count from an arbitrary midnight: only differences matter.
ELAPSED_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _can_shift(when: datetime | None, minutes: int) -> bool:
    """Whether the clock can show ``when`` moved by ``minutes`` (datetime stops at years 1 and 9999)."""
    try:
        return when is None or bool(when + timedelta(minutes=minutes))
    except OverflowError:
        return False


def parse_utc(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo is not None else None


def parse_time_on(text: str, day: datetime | None) -> datetime | None:
    """A milestone time: full ISO, or HH:MM[:SS] UTC on the clock's start day."""
    full = parse_utc(text)
    if full is not None:
        return full
    if day is None:
        return None
    parts = text.split(":")
    try:
        h, m, s = (int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 0)
    except (ValueError, IndexError):
        return None
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60):
        return None
    return day.replace(hour=0, minute=0, second=0) + timedelta(hours=h, minutes=m, seconds=s)
