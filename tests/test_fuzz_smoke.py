"""The fuzz runner works end to end and a short run of every campaign finds nothing.

The long runs are in docs/reliability.md; this keeps `scripts/fuzz.py` working
and catches a regression any campaign finds in its first cases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_short_run_of_every_campaign_is_clean(tmp_path: Path) -> None:
    out = tmp_path / "fuzz.json"
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fuzz.py"), "--cases", "8", "--seed", "3", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    campaigns = {row["campaign"] for row in document["rows"]}
    assert campaigns == {"story", "expressions", "line-input", "saves"}
    assert document["findings"] == []
    assert all(row["traceback"] == row["hang"] == row["non_finite"] == row["lost"] == 0 for row in document["rows"])
    assert "| campaign | phase | cases | traceback | hang | non-finite | data lost |" in run.stdout
