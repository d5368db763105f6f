"""A bug in voskhod exits 3 with a short message, never 1 (problems found) with a traceback.

CI relies on it: `check` exiting 1 means the story has problems, so a crashed
checker must not look like one. The traceback goes to a file (or to the
terminal with VOSKHOD_DEBUG=1) for the bug report.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI, REPO
from voskhod_game.cli import EXIT_INTERNAL_ERROR, main

# Every command, with arguments that reach its handler, and the handler to break.
COMMANDS = [
    (["check", str(MINI)], "check", "run"),
    (["graph", str(MINI)], "graph", "run"),
    (["simulate", str(MINI), "--runs", "1"], "simulate", "run"),
    (["new", "somewhere"], "new", "run"),
    (["schema"], "schema", "run"),
    (["saves", "list"], "saves", "run"),
    (["play", "--plain"], "play", "run"),
    (["classroom", "host", "--headless"], "classroom", "run_host"),
    (["classroom", "join", "http://127.0.0.1:1", "--code", "ABCD"], "classroom", "run_join"),
]


def boom(*args: object, **kwargs: object) -> int:
    raise RuntimeError("injected failure")


@pytest.mark.parametrize(("argv", "module", "handler"), COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS])
def test_every_command_exits_3_on_an_internal_error(
    argv: list[str],
    module: str,
    handler: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(importlib.import_module(f"voskhod_game.commands.{module}"), handler, boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("VOSKHOD_DEBUG", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # so mkstemp honours TMPDIR
    assert main(argv) == EXIT_INTERNAL_ERROR == 3
    err = capsys.readouterr().err
    assert f"voskhod {argv[0]}: internal error, a bug in voskhod" in err and "RuntimeError: injected failure" in err
    assert "Traceback" not in err
    report = Path(re.search(r"The details are in (\S+):", err).group(1))  # type: ignore[union-attr]
    assert report.parent == tmp_path
    assert "Traceback" in report.read_text() and "injected failure" in report.read_text()


def test_an_internal_error_is_told_in_the_player_s_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from voskhod_game.commands import check

    monkeypatch.setattr(check, "check_dir", boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("VOSKHOD_DEBUG", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["--lang", "ru", "check", str(MINI)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("voskhod check: внутренняя ошибка, ошибка в самом voskhod (не в ваших файлах): RuntimeError")
    report = Path(re.search(r"Подробности в (\S+):", err).group(1))  # type: ignore[union-attr]
    assert report.parent == tmp_path and "(Задайте VOSKHOD_DEBUG=1" in err
    report.unlink()


def test_debug_prints_the_traceback_instead(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from voskhod_game.commands import check

    monkeypatch.setattr(check, "check_dir", boom)
    monkeypatch.setenv("VOSKHOD_DEBUG", "1")
    assert main(["check", str(MINI)]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and 'raise RuntimeError("injected failure")' in err
    assert "The details are in" not in err


def test_problems_found_and_usage_errors_keep_their_codes(mini_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mini_copy / "1_hatch.yaml").write_text("id: [")
    assert main(["check", str(mini_copy)]) == 1
    assert main(["check", str(mini_copy / "nowhere")]) == 2


def test_a_crash_in_a_real_process_exits_3() -> None:
    """Through the interpreter, as CI runs it: the status a shell sees, and stderr."""
    script = (
        "import sys\n"
        "from voskhod_game.commands import check\n"
        "def fail(*a, **k): raise MemoryError('injected')\n"
        "check.check_dir = fail\n"
        "from voskhod_game.cli import main\n"
        f"sys.exit(main(['check', {str(MINI)!r}]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("VOSKHOD_DEBUG", None)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 3
    assert run.stdout == ""
    assert "internal error, a bug in voskhod" in run.stderr and "MemoryError: injected" in run.stderr
    assert "Traceback" not in run.stderr
    Path(re.search(r"The details are in (\S+):", run.stderr).group(1)).unlink()  # type: ignore[union-attr]
