"""`make demo` says what it is doing before each step (issue 8: ~90 s of silence
while it installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_every_step_of_make_demo_on_a_fresh_clone_is_announced(tmp_path):
    make = shutil.which("make") or "make"
    # Under `make test` the outer make's variables would make this one print
    # "Entering directory" lines and inherit its flags: run it as a user would.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    plan = subprocess.run(
        [make, "-n", "--no-print-directory", "demo", f"VENV={tmp_path / 'venv'}", "PYTHON=python3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    silent, announced = [], False
    for line in plan:
        if line.startswith("echo "):
            announced = True
        elif not line.startswith("touch "):
            if not announced:
                silent.append(line)
            announced = False
    assert any("pip install" in line for line in plan), "the plan should start from scratch"
    assert silent == [], f"steps that run without a word: {silent}"
