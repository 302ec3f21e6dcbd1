"""Root pytest configuration: modules that doctest collection must not import.

Modules kept at an old path for one release (their docstring starts with ``Deprecated:``;
``geoecg.features.af_record`` -> ``geoecg.features.af.record`` and the others listed in the
CHANGELOG) warn on import by design, which the warnings-as-errors setting turns into a
collection error; their doctests run from the new modules, and ``tests/test_af_moved.py`` and
``tests/test_house.py`` check the shims and their warnings.
"""

import ast
from pathlib import Path


def _deprecated_shims() -> list[str]:
    root = Path(__file__).parent
    out = []
    for path in sorted((root / "geoecg").rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if doc.startswith("Deprecated:"):
            out.append(str(path.relative_to(root)))
    return out


collect_ignore = _deprecated_shims()
