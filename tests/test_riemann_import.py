"""``import geoecg.riemann`` loads neither pyRiemann nor torch (pyRiemann imports torch for its
backend, ~10 s of CPU): pyRiemann is imported inside the functions that call it."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_riemann_loads_no_pyriemann_or_torch():
    probe = (
        "import json, sys\nimport geoecg.riemann\n"
        "print(json.dumps(sorted(m for m in ('torch', 'pyriemann') if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
