"""Career Fit in an interpreter of its own: what a start imports or a command prints, unmixed
with what the test process has loaded."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` from the checkout on ``database_url``, with a secret of its own."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TMPDIR": str(tmp_path),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "LOG_LEVEL": "warning",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
