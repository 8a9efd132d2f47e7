"""Lighthouse scores the pages people land on: full marks for performance and accessibility,
at least 95 for best practices and SEO.

Each page is loaded by Lighthouse's own Chromium, a fresh profile with no cookies: a result page
is seen as a visitor holding its link sees it, not as its owner. The result page is kept out of
search engines on purpose (noindex), so its SEO score is not asked for.

Lighthouse runs from node_modules (``npm ci``) with Debian's Chromium and the loopback-only
flags of the other browser tests. Missing tools skip these tests on a workstation and fail them
under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS, NODE_MODULES, require, short_temp_dir

pytestmark = pytest.mark.browser

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# the least score each category must reach, 0 to 1
FULL_MARKS = {"performance": 1.0, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}
WITHOUT_SEO = {k: v for k, v in FULL_MARKS.items() if k != "seo"}
RESULT_PAGE = "result"  # stands for the result_url fixture's page

PAGES = [
    pytest.param("/", FULL_MARKS, id="landing"),
    pytest.param("/roles/ml-engineer", FULL_MARKS, id="role"),
    pytest.param(RESULT_PAGE, WITHOUT_SEO, id="result-visitor"),
]


@pytest.fixture(scope="session")
def lighthouse() -> Path:
    require(shutil.which("node") is not None, "Node.js not installed (Lighthouse runs on it)")
    require(LIGHTHOUSE.exists(), "Lighthouse not installed: npm ci --no-audit --no-fund")
    require(CHROMIUM.exists(), "Chromium not installed: apt-get install chromium chromium-driver")
    return LIGHTHOUSE


def run_lighthouse(lighthouse: Path, url: str, report: Path) -> dict[str, Any]:
    """Audit ``url`` in a fresh Chromium profile; return Lighthouse's JSON report."""
    profile = short_temp_dir()
    try:
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        ran = subprocess.run(
            [
                str(lighthouse),
                url,
                "--quiet",
                f"--chrome-flags={' '.join(quoted(flag) for flag in flags)}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM), "TMPDIR": profile},
            capture_output=True,
            timeout=240,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert ran.returncode == 0 and report.exists(), (
        f"Lighthouse failed on {url}:\n{ran.stderr.decode(errors='replace')[-3000:]}"
    )
    return json.loads(report.read_text(encoding="utf-8"))


def quoted(flag: str) -> str:
    """Quote a flag holding spaces, as Lighthouse splits --chrome-flags like a shell does."""
    return f"'{flag}'" if " " in flag else flag


def shortfalls(report: dict[str, Any], category: str) -> list[str]:
    """Name each weighed audit of ``category`` that did not pass, with what it says."""
    audits = report["audits"]
    return [
        f"{ref['id']} ({audits[ref['id']]['score']}): {audits[ref['id']].get('title', '')} "
        f"{audits[ref['id']].get('displayValue', '')} {audits[ref['id']].get('explanation', '')}"
        for ref in report["categories"][category]["auditRefs"]
        if ref.get("weight", 0) > 0
        and audits[ref["id"]].get("score") is not None
        and audits[ref["id"]]["score"] < 1
    ]


@pytest.mark.parametrize(("page", "least"), PAGES)
def test_lighthouse_scores_the_page(
    request: pytest.FixtureRequest,
    lighthouse: Path,
    live_server: str,
    tmp_path: Path,
    page: str,
    least: dict[str, float],
) -> None:
    url = request.getfixturevalue("result_url") if page == RESULT_PAGE else live_server + page

    report = run_lighthouse(lighthouse, url, tmp_path / "report.json")

    scores = {name: report["categories"][name]["score"] for name in least}
    missed = {name: score for name, score in scores.items() if score is None or score < least[name]}
    assert not missed, f"Lighthouse on {url}: {scores}\n" + "\n".join(
        f"  {name}: " + "; ".join(shortfalls(report, name)) for name in missed
    )
    # before compression, this audit found 14-34 KB of text a page sent uncompressed
    unpacked = report["audits"]["uses-text-compression"].get("details", {}).get("items", [])
    assert not unpacked, f"Lighthouse on {url} found text sent uncompressed: {unpacked}"
