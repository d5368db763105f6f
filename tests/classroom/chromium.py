"""Debian's Chromium under Playwright, and axe-core from npm, for the student-page tests.

Needs ``/usr/bin/chromium`` (CI installs it) and ``tests/js/node_modules/axe-core``
(``npm ci --prefix tests/js``; ``.ci/run`` does it). The ``browser`` fixture is in conftest.py. Playwright's own browser
download is never used. Without them the page tests are skipped on a developer's
machine and fail under ``CI``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = bool(os.environ.get("CI"))
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not shutil.which("chromium") and not IN_CI,
    reason="Debian's chromium is not installed",
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 5000
PHONE = {"width": 390, "height": 844}


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2 A/AA rules)."""
    if not AXE.is_file():
        if IN_CI:
            pytest.fail(f"axe-core is missing at {AXE}: run `npm ci --prefix tests/js`")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/js)")
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
