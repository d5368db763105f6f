"""`voskhod schema`: the JSON Schema accepts every shipped story and rejects a wrong file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from voskhod_game.authoring.scaffold import scaffold
from voskhod_game.cli import main
from voskhod_game.story.loader import FACTS, MANIFEST
from voskhod_game.story.schema import json_schema

from .conftest import MINI, REPO

STORIES = [MINI, REPO / "examples" / "crevasse"]
if (REPO / "scenes" / MANIFEST).is_file():
    STORIES.append(REPO / "scenes")


def _files(root: Path) -> list[tuple[str, Path]]:
    out = [("manifest", root / MANIFEST)]
    if (root / FACTS).is_file():
        out.append(("facts", root / FACTS))
    out += [("scene", p) for p in sorted(root.glob("*.yaml")) if p.name not in {MANIFEST, FACTS}]
    if (root / FACTS).is_file():
        out.append(("facts", root / FACTS))
    return out


@pytest.mark.parametrize("root", STORIES, ids=lambda p: p.name)
def test_shipped_stories_validate(root: Path) -> None:
    for kind, path in _files(root):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), json_schema(kind))


def test_scaffolded_story_validates(tmp_path: Path) -> None:
    scaffold(tmp_path / "s")
    for kind, path in _files(tmp_path / "s"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), json_schema(kind))


def test_wrong_scene_is_rejected_where_the_loader_rejects_it() -> None:
    scene = yaml.safe_load((MINI / "1_hatch.yaml").read_text(encoding="utf-8"))
    schema = json_schema("scene")
    jsonschema.Draft202012Validator.check_schema(schema)
    wrong_key = json.loads(json.dumps(scene))
    wrong_key["beats"][0]["choices"][0]["lable"] = "typo"
    wrong_type = json.loads(json.dumps(scene))
    wrong_type["beats"][0]["choices"][0]["time"] = "soon"
    missing = json.loads(json.dumps(scene))
    del missing["beats"][0]["text"]
    for bad in (wrong_key, wrong_type, missing):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_docs_copy_of_the_schema_is_current() -> None:
    """docs/schema/ is what editors point at; regenerate with `voskhod schema -o` if this fails."""
    for kind in ("manifest", "scene", "facts"):
        shipped = json.loads((REPO / "docs" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert shipped == json_schema(kind), f"run: voskhod schema --kind {kind} -o docs/schema/{kind}.schema.json"


def test_schema_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--kind", "manifest"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Voskhod story manifest"
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text())["$ref"] == "#/$defs/scene"


def test_fact_sheet_schema_knows_sources() -> None:
    """facts.yaml with `sources:` validates; a source without its year or with a stray key does not."""
    schema = json_schema("facts")
    jsonschema.Draft202012Validator.check_schema(schema)
    good = {
        "sources": {"s1": {"author": "A. Writer", "title": "A Book", "year": 1999, "reliability": "fair"}},
        "facts": {"F1": {"text": "Something true.", "source": "s1"}, "F2": {"text": "More.", "source": ["s1"]}},
    }
    jsonschema.validate(good, schema)
    jsonschema.validate({"F1": {"text": "A flat sheet, as stories without sources write it."}}, schema)
    no_year = json.loads(json.dumps(good))
    del no_year["sources"]["s1"]["year"]
    stray = json.loads(json.dumps(good))
    stray["sources"]["s1"]["publisher"] = "X"
    for bad in (no_year, stray):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_fact_sheet_schema_takes_both_shapes_and_rejects_a_fact_without_text() -> None:
    schema = json_schema("facts")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate({"facts": {"F1": {"text": "a"}}}, schema)
    jsonschema.validate({"F1": {"text": "a", "source": "b"}}, schema)
    for bad in ({"facts": {"F1": {"source": "b"}}}, {"F1": {"txt": "a"}}, {"facts": {"F 1": {"text": "a"}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_enums_are_enums_and_defaults_are_declared_once(mini_copy: Path) -> None:
    from voskhod_game.story import load_story
    from voskhod_game.story.loader import analyse_story
    from voskhod_game.story.schema import _fields_by_name

    ending = json_schema("manifest")["$defs"]["ending"]["properties"]["type"]
    assert ending["enum"] == ["historical", "survived", "lost"]
    meter = json_schema("manifest")["$defs"]["meter"]["properties"]
    assert meter["max"]["default"] == _fields_by_name("meter")["max"].default == 100
    story = load_story(mini_copy)
    assert story.meters["oxygen"].precision == _fields_by_name("meter")["precision"].default
    manifest = mini_copy / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("type: historical", "type: historicl", 1))
    _, problems = analyse_story(mini_copy)
    (hit,) = [d for d in problems if d.severity == "error"]
    assert hit.code == "V104" and "historical" in hit.hint
