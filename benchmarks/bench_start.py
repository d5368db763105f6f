"""Workload 1: start-up, ``voskhod --version`` as a process, vs bare Python and vs importing Textual.

Start-up is what every command pays before doing anything, and heavy imports
(Textual, aiohttp) must stay inside the commands that need them. Measured as
the wall time of the whole child process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from harness import Row, child_env, interleave, median, time_call


def run_process(argv: list[str]) -> float:
    env = child_env()

    def call() -> None:
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')[-300:]}")

    return time_call(call)


def run(quick: bool) -> list[Row]:
    repetitions = 5 if quick else 21
    python = sys.executable
    commands = {
        "module": [python, "-m", "voskhod_game", "--version"],
        "pass": [python, "-c", "pass"],
        "textual": [python, "-c", "import textual"],
    }
    script = shutil.which("voskhod")
    if script:
        commands["script"] = [script, "--version"]
    samples = interleave({name: (lambda argv=argv: run_process(argv)) for name, argv in commands.items()}, repetitions)
    med = {name: median(values) for name, values in samples.items()}
    rows = []
    for name, label in (
        ("module", "python -m voskhod_game --version"),
        ("script", "voskhod --version (console script)"),
    ):
        if name not in med:
            rows.append(Row("start", label, None, None, "s", status="skipped: no `voskhod` on PATH"))
            continue
        rows.append(
            Row(
                "start",
                label,
                med[name],
                med["pass"],
                "s",
                baseline_name="python -c pass",
                extra={"repetitions": repetitions, "script": script or ""},
            )
        )
        rows.append(
            Row(
                "start",
                label,
                med[name],
                med["textual"],
                "s",
                baseline_name="python -c 'import textual'",
                extra={"repetitions": repetitions},
            )
        )
    return rows
