"""Import ``docs/_apigen.py`` (the API-page generator) for the docs tests."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def load_apigen():
    """The ``_apigen`` module of ``docs/``, imported without leaving ``docs/`` on sys.path."""
    sys.path.insert(0, str(DOCS))
    try:
        import _apigen
    finally:
        sys.path.remove(str(DOCS))
    return _apigen
