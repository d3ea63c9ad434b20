"""Importing shared and answering a health check must not load the SDK or jsonschema."""

import subprocess
import sys
from pathlib import Path

import shared

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import shared
from emulator.runtime.context import make_context
out = shared.App("probe").handle(make_context("GET", "/health"))
assert out["statusCode"] == 200, out
print(sorted(m for m in ("appwrite", "jsonschema", "requests") if m in sys.modules))
"""


def test_health_check_loads_neither_sdk_nor_jsonschema():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_public_surface_is_curated():
    assert sorted(shared.__all__) == sorted(set(shared.__all__))
    for name in shared.__all__:
        assert getattr(shared, name) is not None
    assert "os" not in shared.__all__
