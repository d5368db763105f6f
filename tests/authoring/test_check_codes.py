"""One test per diagnostic code: break a clean story one way, and the check
reports exactly that code, in the right file, on the right line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voskhod_game.cli import main
from voskhod_game.commands.check import check_dir
from voskhod_game.story.diagnostics import CODES

from .conftest import edit, line_of

# code: (file, edit(old, new) or a special action, marker that is on the expected line)
CASES: dict[str, tuple[str, tuple[str, str], str]] = {
    "V003": ("2_tower.yaml", ("    title: The lamp room", "    title: The lamp room: west"), "room: west"),
    "V005": ("1_harbour.yaml", ("        time: 10\n", "        time: 10\n        time: 12\n"), "time: 12"),
    "V007": ("1_harbour.yaml", ("        time: 10\n", "        time: 1:30\n"), "time: 1:30"),
    "V101": ("1_harbour.yaml", ("        label: Climb to the lamp room", "        lable: Climb"), "lable:"),
    "V102": ("1_harbour.yaml", ("        time: 10", "        time: soon"), "time: soon"),
    "V103": ("1_harbour.yaml", ("        label: Climb to the lamp room\n", ""), "- id: climb"),
    "V104": ("story.yaml", ("    start: 60", "    start: 160"), "start: 160"),
    "V201": ("2_tower.yaml", ("  - id: watch", "  - id: lamp_room  # twice"), "lamp_room  # twice"),
    "V202": ("1_harbour.yaml", ("target: tower.lamp_room", "target: tower.lamp_rom"), "lamp_rom"),
    "V203": ("1_harbour.yaml", ("      - id: climb", "      - id: beat"), "id: beat"),
    "V204": ("1_harbour.yaml", ("  - id: quay", "  - id: Quay"), "id: Quay"),
    "V205": (
        "2_tower.yaml",
        (
            "  - id: watch\n",
            "  - id: loop_a\n    route: [{target: loop_b}]\n  - id: loop_b\n    route: [{target: loop_a}]\n"
            "  - id: watch\n",
        ),
        "id: loop_b",
    ),
    "V206": (
        "1_harbour.yaml",
        ("        time: 10\n", "        time: 10\n        ignore: {V202: typo}\n"),
        "V202: typo",
    ),
    "V301": ("1_harbour.yaml", ("if: lamp_oil < 80", "if: lamp_oil <"), "if: lamp_oil <"),
    "V302": ("1_harbour.yaml", ("if: lamp_oil < 80", "if: lamp_oyl < 80"), "lamp_oyl"),
    "V303": ("2_tower.yaml", ("effects: [signalled = true]", "effects: [signalled += 1]"), "signalled += 1"),
    "V304": ("2_tower.yaml", ("The wick is black.", "The wick is {black."), "{black"),
    "W401": (
        "2_tower.yaml",
        (
            "  - id: watch\n",
            "  - id: attic\n    text: Dust.\n    choices:\n      - {id: down, label: Down, target: watch}\n  - id: watch\n",
        ),
        "id: attic",
    ),
    "W402": (
        "story.yaml",
        ("endings:\n", "endings:\n  - {id: rescued, type: survived, title: Rescued, text: A boat comes.}\n"),
        "id: rescued",
    ),
    "W403": (
        "2_tower.yaml",
        (
            "        target: watch\n        time: 60",
            "        target: watch\n        if: lamp_oil > 40\n        time: 60",
        ),
        "  - id: watch",
    ),
    "W404": ("1_harbour.yaml", ("if: lamp_oil < 80", "if: lamp_oil > 100"), "lamp_oil > 100"),
    "W405": ("story.yaml", ("  signalled: false\n", "  signalled: false\n  logged: false\n"), "logged:"),
    "W406": ("2_tower.yaml", ("if: lamp_oil > 50 or signalled", "if: lamp_oil > 50 or signalled or lit"), None),
    "W407": ("1_harbour.yaml", ("      facts: [F1]\n", ""), "history:"),
    "W408": ("2_tower.yaml", ("The ship turns **away** from", "The ship turns **away from"), "**away from"),
    "W409": ("2_tower.yaml", ("p: 0.3", "p: 0"), "p: 0"),
    "W411": (
        "2_tower.yaml",
        (
            "        target: watch\n        time: 60",
            "        outcomes:\n          - {if: lamp_oil > 100, target: watch}\n          - {target: watch}\n"
            "        time: 60",
        ),
        "lamp_oil > 100",
    ),
    "W410": ("facts.yaml", ("facts:\n", "facts:\n  F2: {text: Unused., source: keepers_log}\n"), "F2:"),
}


def _break(root: Path, code: str) -> tuple[str, int]:
    name, (old, new), marker = CASES[code]
    edit(root, name, old, new)
    if code == "W406":  # a flag that is read but never set
        edit(root, "story.yaml", "  signalled: false\n", "  signalled: false\n  lit: false\n")
        return "story.yaml", line_of(root, "story.yaml", "lit:")
    return name, line_of(root, name, marker)


def test_every_code_has_a_case_here() -> None:
    special = {"V001", "V002", "V004", "V006"}  # file-level: tested one by one below
    special |= {"V501", "V502", "W501", "W502"}  # translations: tests/test_translation.py
    assert set(CODES) == set(CASES) | special


def test_the_clean_story_has_no_problems(clean_story: Path) -> None:
    assert check_dir(clean_story) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported_at_the_broken_line(clean_story: Path, code: str) -> None:
    name, line = _break(clean_story, code)
    found = check_dir(clean_story)
    hits = [d for d in found if d.code == code]
    assert hits, f"{code} not reported; got {[d.format() for d in found]}"
    assert any(d.path.name == name and d.line == line for d in hits), [d.format() for d in hits]
    for d in hits:
        assert d.message and d.hint, d.format()
        assert d.severity == ("warning" if code.startswith("W") else "error")


def test_v001_not_utf8(clean_story: Path) -> None:
    path = clean_story / "2_tower.yaml"
    path.write_bytes(path.read_bytes().replace(b"The wick is black.", b"The wick is \xe9black."))
    (hit,) = [d for d in check_dir(clean_story) if d.code == "V001"]
    assert (hit.path.name, hit.line) == ("2_tower.yaml", line_of_bytes(path, b"\xe9black"))


def line_of_bytes(path: Path, marker: bytes) -> int:
    return next(i for i, line in enumerate(path.read_bytes().splitlines(), start=1) if marker in line)


def test_v002_file_too_large(clean_story: Path) -> None:
    path = clean_story / "3_huge.yaml"
    path.write_text("# " + "x" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    (hit,) = [d for d in check_dir(clean_story) if d.code == "V002"]
    assert (hit.path.name, hit.line) == ("3_huge.yaml", 1)


def test_v004_alias_bomb(clean_story: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    (clean_story / "3_bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (hit,) = [d for d in check_dir(clean_story) if d.code == "V004"]
    assert (hit.path.name, hit.line) == ("3_bomb.yaml", 1)


def test_v006_missing_manifest(clean_story: Path) -> None:
    (clean_story / "story.yaml").unlink()
    (hit,) = check_dir(clean_story)
    assert (hit.code, hit.path.name, hit.line) == ("V006", "story.yaml", 1)


def test_json_output_and_exit_status(clean_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(clean_story, "W404")
    assert main(["check", str(clean_story), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 0 and data["warnings"] == 1
    (d,) = data["diagnostics"]
    assert d["code"] == "W404" and d["severity"] == "warning" and d["path"].endswith("1_harbour.yaml")
    assert {"line", "col", "message", "hint"} <= set(d)


def test_ignore_makes_a_warning_pass(clean_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(clean_story, "W405")
    assert main(["check", str(clean_story)]) == 1
    assert main(["check", str(clean_story), "--ignore", "W405,w406"]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert main(["check", str(tmp_path), "--ignore", "banana"]) == 2
    err = capsys.readouterr().err
    assert "no such directory" in err and "W405" in err


def test_docs_explain_every_code_with_a_wrong_and_a_right_example() -> None:
    from .conftest import REPO

    text = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    sections = {part.split(" ", 1)[0]: part for part in text.split("\n## ")[1:]}
    for code, summary in CODES.items():
        assert code in sections, f"docs/diagnostics.md has no section for {code}"
        section = sections[code]
        assert section.startswith(f"{code} {summary}"), f"{code}'s heading should read `{code} {summary}`"
        assert "Wrong" in section and "Right" in section, code


def test_a_broken_scene_file_does_not_bury_its_error_under_missing_targets(clean_story: Path) -> None:
    # A typo'd key makes the tower scene unusable; the harbour's `target: tower.lamp_room`
    # must not be reported as a second, misleading problem.
    edit(clean_story, "2_tower.yaml", "        label: Trim the wick", "        lable: Trim the wick")
    assert {d.code for d in check_dir(clean_story)} == {"V101", "V103"}  # `lable` unknown, `label` missing
    edit(clean_story, "2_tower.yaml", "    title: The lamp room", "    title: The lamp room: west")
    assert [d.code for d in check_dir(clean_story)] == ["V003"]
