"""The code passes the linter: ruff, with the rules in pyproject.toml, over the library,
the tests, the benchmarks, the build extension and the notebooks."""
import subprocess
import sys

from conftest import ROOT


def test_ruff_finds_nothing():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                           "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "No module named ruff" not in proc.stderr, "pip install -r requirements.txt"
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
