"""torch loads only through ``geoecg.neural``; pyRiemann is loaded without it.

pyRiemann 0.12 imports torch when its package loads (5-20 s the first time in a process);
``geoecg._optional.import_pyriemann`` refuses that one import and binds a stand-in that
imports torch on first use. Timings live in docs/benchmarks/cold_start.md.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from geoecg._optional import import_pyriemann

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="torch is not installed"
)

# 20 SPD 4x4 matrices in two classes, then the calls a user makes with them.
_SPD = (
    "import numpy as np\n"
    "rng = np.random.default_rng(0)\n"
    "A = rng.standard_normal((20, 4, 40))\n"
    "X = A @ A.transpose(0, 2, 1) / 40\n"
    "y = np.repeat([0, 1], 10)\n"
)
_PYRIEMANN_CALLS = (
    "from geoecg.riemann import ClassMeanTangentSpace\n"
    "out = {}\n"
    "for metric in ('logeuclid', 'euclid'):\n"
    "    for mode in ('concat', 'nearest'):\n"
    "        m = ClassMeanTangentSpace(metric=metric, mode=mode).fit(X, y)\n"
    "        out[metric + mode] = np.hstack([m.means_.reshape(2, -1).ravel(),\n"
    "                                        m.transform(X).ravel()])\n"
)


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_subpackage_but_neural_loads_torch():
    code = (
        _SPD + _PYRIEMANN_CALLS + "from geoecg.riemann import RiemannianRecentering\n"
        "from geoecg.riemann import geodesic_augment\n"
        "RiemannianRecentering(metric='logeuclid').fit_transform(X, domains=y)\n"
        "geodesic_augment(X, y, metric='logeuclid', random_state=0)\n"
        "import geoecg.signal, geoecg.evaluation\n"
        "geoecg.signal.bandpass(rng.standard_normal((2, 1000)), 250.0, 0.5, 40.0)\n"
        "geoecg.evaluation.match_beats(np.array([100, 400]), np.array([102, 700]), 360.0)\n"
        "import geoecg.features, geoecg.leads, geoecg.estimators, geoecg.io, geoecg.cohort\n"
        "import geoecg.viz, geoecg.simulate, geoecg.sweep, geoecg.datasets\n"
        "import json, sys\n"
        "print(json.dumps(sorted(m for m in ('torch', 'pyriemann') if m in sys.modules)))"
    )
    # pyRiemann was used (the logeuclid and euclid means are its gmean), torch never loaded
    assert _run(code) == ["pyriemann"]


def test_import_pyriemann_rejects_other_packages():
    with pytest.raises(ValueError, match="pyriemann or one of its submodules"):
        import_pyriemann("sklearn.base")


@pytest.mark.slow
@needs_torch
def test_pyriemann_without_torch_gives_the_same_numbers_and_still_takes_tensors():
    dump = "import json\nprint(json.dumps({k: v.tolist() for k, v in out.items()}))"
    # reference: torch imported first, so pyRiemann loads as it does on its own
    plain = _run("import torch\n" + _SPD + _PYRIEMANN_CALLS + dump)
    deferred = _run(
        _SPD + _PYRIEMANN_CALLS + "import sys\nassert 'torch' not in sys.modules\n"
        # a user who imports torch later still gets pyRiemann's torch backend
        "import torch\n"
        "from pyriemann.geometry.tangentspace import tangent_space\n"
        "from pyriemann.geometry.distance import pairwise_distance\n"
        "T = tangent_space(torch.from_numpy(X), torch.from_numpy(X[0]), metric='logeuclid')\n"
        "ref = tangent_space(X, X[0], metric='logeuclid')\n"
        "assert isinstance(T, torch.Tensor) and np.allclose(T.numpy(), ref, atol=1e-10)\n"
        "D = pairwise_distance(torch.from_numpy(X), metric='euclid')\n"  # torch.cdist
        "assert np.allclose(D.numpy(), pairwise_distance(X, metric='euclid'), atol=1e-10)\n" + dump
    )
    assert plain.keys() == deferred.keys()
    for key in plain:
        assert np.array_equal(plain[key], deferred[key]), key
