"""The benchmark runner works end to end: every workload reports, the JSON is complete.

Speed itself is never asserted here (CI machines are noisy); the figures and
their targets live in ``benchmarks/`` and ``docs/performance.md``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKLOADS = {
    "start",
    "tui",
    "story_load",
    "engine_step",
    "simulation",
    "commands",
    "watch",
    "classroom",
    "saves",
}


def test_quick_run_reports_every_workload_in_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["quick"] is True
    assert set(document["workloads"]) == WORKLOADS
    rows = document["rows"]
    assert {row["workload"] for row in rows} == WORKLOADS
    for row in rows:
        assert not row["status"].startswith("error"), row
        if row["status"] == "ok":
            assert row["ours"] is not None and row["ours"] > 0, row
        else:
            assert row["status"].startswith("skipped: "), row
        assert row["baseline"] is None or row["baseline"] > 0, row
    classroom = [row for row in rows if row["workload"] == "classroom"]
    assert classroom and all(row["status"] == "ok" for row in classroom), classroom  # the real server ran
    for row in classroom:  # its students got states
        extra = row["extra"]
        assert (extra["ours"]["payload_bytes"] if "ours" in extra else extra["state_bytes"]) > 0, row
    assert {"nproc", "cpu", "python"} <= set(document["machine"])
    for workload in WORKLOADS:
        assert workload in done.stdout
