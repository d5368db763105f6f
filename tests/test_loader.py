"""The loader refuses every kind of broken story with code, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from voskhod_game.story import StoryError, analyse_story, load_story
from voskhod_game.story.diagnostics import Diagnostic
from voskhod_game.story.yamlsource import MAX_FILE_BYTES


def problems(root: Path) -> list[Diagnostic]:
    with pytest.raises(StoryError) as info:
        load_story(root)
    return info.value.diagnostics


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def only(diags: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diags if d.code == code]
    assert found, f"no {code} in {[d.format() for d in diags]}"
    return found[0]


def test_the_fixture_story_is_clean(mini_copy: Path) -> None:
    story, diags = analyse_story(mini_copy)
    assert story is not None and diags == []


def test_non_utf8_file_is_refused_with_its_position(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    scene.write_bytes(scene.read_bytes().replace(b"You float", b"You fl\xe9at"))
    d = only(problems(mini_copy), "V001")
    assert d.path == scene and d.line == line_of(scene, "You fl")


def test_oversized_file_is_refused(mini_copy: Path) -> None:
    big = mini_copy / "3_big.yaml"
    big.write_text("# " + "x" * MAX_FILE_BYTES)
    d = only(problems(mini_copy), "V002")
    assert d.path == big and d.line == 1


def test_yaml_syntax_error_points_at_the_line(mini_copy: Path) -> None:
    scene = mini_copy / "2_walk.yaml"
    replace(scene, "    no_return: true", "    no_return: [true")
    d = only(problems(mini_copy), "V003")
    assert d.path == scene and d.line >= line_of(scene, "no_return")


def test_alias_bomb_is_refused_quickly(mini_copy: Path) -> None:
    bomb = mini_copy / "3_bomb.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    bomb.write_text("\n".join(lines) + "\n")
    d = only(problems(mini_copy), "V004")
    assert d.path == bomb


def test_duplicate_key_is_reported_not_silently_dropped(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "        time: 5\n", "        time: 5\n        time: 6\n")
    d = only(problems(mini_copy), "V005")
    assert d.path == scene and d.line == line_of(scene, "time: 6")


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\n")
    d = only(problems(tmp_path), "V006")
    assert d.path.name == "story.yaml"


def test_unknown_key_suggests_the_right_one(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "        target: walk.outside\n        time: 5", "        targett: walk.outside\n        time: 5")
    diags = problems(mini_copy)
    d = only(diags, "V101")
    assert d.path == scene and d.line == line_of(scene, "targett")
    assert "did you mean `target`" in d.hint


def test_wrong_type_names_the_expected_type(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "time: 5", "time: five")
    d = only(problems(mini_copy), "V102")
    assert d.line == line_of(scene, "time: five") and "number" in d.message


def test_missing_required_key(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "        label: Open the hatch\n", "")
    d = only(problems(mini_copy), "V103")
    assert d.path == scene and "label" in d.message


def test_value_out_of_range(mini_copy: Path) -> None:
    manifest = mini_copy / "story.yaml"
    replace(manifest, "    start: 20\n", "    start: 99\n")
    d = only(problems(mini_copy), "V104")
    assert d.path == manifest and d.line == line_of(manifest, "start: 99")


def test_duplicate_beat_id(mini_copy: Path) -> None:
    scene = mini_copy / "2_walk.yaml"
    scene.write_text(
        scene.read_text() + "  - id: outside\n    text: again\n    choices:\n      - {id: x, label: X, ending: home}\n"
    )
    d = only(problems(mini_copy), "V201")
    assert d.path == scene and d.line == line_of(scene, "text: again") - 1


def test_target_that_does_not_exist_gets_a_suggestion(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "target: walk.outside\n        time: 5", "target: walk.outsid\n        time: 5")
    d = only(problems(mini_copy), "V202")
    assert d.line == line_of(scene, "walk.outsid") and "walk.outside" in d.hint


def test_choice_id_clashing_with_transitions_names(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "id: wait", "id: beat")
    d = only(problems(mini_copy), "V203")
    assert d.line == line_of(scene, "id: beat")


def test_reserved_meter_name(mini_copy: Path) -> None:
    manifest = mini_copy / "story.yaml"
    replace(manifest, "  looks: 0", "  elapsed: 0")
    d = only(problems(mini_copy), "V203")
    assert d.line == line_of(manifest, "elapsed: 0")


def test_malformed_id(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "id: wait", "id: Wait-Here")
    d = only(problems(mini_copy), "V204")
    assert d.line == line_of(scene, "Wait-Here")


def test_expression_that_does_not_parse(mini_copy: Path) -> None:
    scene = mini_copy / "2_walk.yaml"
    replace(scene, "if: pressure > 0.3", "if: pressure >> > 0.3")
    d = only(problems(mini_copy), "V301")
    assert d.line == line_of(scene, "pressure >> >")


def test_unknown_meter_in_expression_suggests_a_name(mini_copy: Path) -> None:
    scene = mini_copy / "2_walk.yaml"
    replace(scene, "if: pressure > 0.3", "if: presure > 0.3")
    d = only(problems(mini_copy), "V302")
    assert d.line == line_of(scene, "presure") and "pressure" in d.hint


def test_unknown_flag_in_effect(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    replace(scene, "effects: [outside = true]", "effects: [outsde = true]")
    d = only(problems(mini_copy), "V302")
    assert d.line == line_of(scene, "outsde")


def test_all_problems_are_collected_in_one_pass(mini_copy: Path) -> None:
    replace(mini_copy / "1_hatch.yaml", "time: 5", "time: five")
    replace(mini_copy / "2_walk.yaml", "if: pressure > 0.3", "if: presure > 0.3")
    replace(mini_copy / "story.yaml", "    start: 20\n", "    start: 99\n")
    codes = {d.code for d in problems(mini_copy)}
    assert {"V102", "V302", "V104"} <= codes


def test_diagnostics_format_as_path_line_col(mini_copy: Path) -> None:
    replace(mini_copy / "1_hatch.yaml", "time: 5", "time: five")
    text = problems(mini_copy)[0].format()
    assert text.startswith(f"{mini_copy / '1_hatch.yaml'}:")
    path_line_col = text.split(": ")[0].rsplit(":", 2)
    assert path_line_col[1].isdigit() and path_line_col[2].isdigit()
