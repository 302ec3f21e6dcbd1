"""Cold start: ``import geoecg`` loads no numerical library; every exported name resolves.

Timings live in docs/benchmarks/cold_start.md (they depend on the machine); these tests check
the structure that makes the start fast, in fresh interpreters.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import geoecg

HEAVY = ("pandas", "sklearn", "wfdb", "scipy", "numba", "matplotlib", "torch", "xgboost")


def _loaded_after(code: str) -> list[str]:
    """Top-level modules of HEAVY (and geoecg submodules) imported by ``code`` in a fresh run."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} and '.' not in m or m.startswith('geoecg.'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_geoecg_loads_no_heavy_dependency():
    loaded = _loaded_after("import geoecg")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY], loaded
    assert [m for m in loaded if m.startswith("geoecg.")] == []


#: Subpackages that load their names on first use (``geoecg._lazy``). Not here: evaluation
#: (a leaf that may import no geoecg module), neural (torch is its point), datasets (paths).
LAZY = ("features", "riemann", "estimators", "leads", "io", "signal", "cohort", "viz")
LAZY += ("simulate", "sweep")


@pytest.mark.parametrize("package", LAZY)
def test_import_subpackage_loads_no_heavy_dependency(package):
    loaded = _loaded_after(f"import geoecg.{package}")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY], loaded
    assert [m for m in loaded if m.startswith(f"geoecg.{package}.")] == []


def test_detect_rpeaks_imports_without_sklearn_or_pandas():
    loaded = _loaded_after("from geoecg.features import detect_rpeaks")
    assert "sklearn" not in loaded and "pandas" not in loaded, loaded


def test_lead_covariances_imports_without_sklearn_or_pandas():
    """The function does not pull in its transformer's scikit-learn (with pandas and
    scipy.stats: 1.52 -> 0.35 CPU s for the import, session 17); the transformer is still
    found under both of its names."""
    loaded = _loaded_after("from geoecg.riemann import lead_covariances")
    assert "sklearn" not in loaded and "pandas" not in loaded, loaded
    assert "geoecg.riemann.covariance_transformer" not in loaded, loaded
    code = (
        "from geoecg.riemann.covariances import LeadCovariances as A\n"
        "from geoecg.riemann import LeadCovariances as B\n"
        "assert A is B and B.__module__ == 'geoecg.riemann.covariance_transformer'"
    )
    assert "sklearn" in _loaded_after(code)


def test_function_named_like_its_submodule_stays_a_function():
    """``hrv_psd`` is a function and a submodule; importing the submodule must not hide it."""
    code = (
        "import geoecg.features.hrv_psd\nimport geoecg.features as f\n"
        "from geoecg.features import hrv_psd\n"
        "assert callable(f.hrv_psd) and hrv_psd is f.hrv_psd\n"
        "assert f.rpeaks.__name__ == 'geoecg.features.rpeaks'\n"
        "from geoecg.features.rpeaks import RPeakDetector\n"
        "assert RPeakDetector is f.RPeakDetector\n"
        "import geoecg.signal.resample\nimport geoecg.signal as s\n"
        "assert callable(s.resample) and s.resample.__module__ == 'geoecg.signal.resample'"
    )
    _loaded_after(code)  # raises CalledProcessError if an assert fails


def test_lazy_attributes_load_on_first_use():
    loaded = _loaded_after("import geoecg\nassert callable(geoecg.read_record)")
    assert "pandas" in loaded and "geoecg.io" in loaded and "geoecg.features" not in loaded
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        geoecg.nope  # noqa: B018
    assert {"io", "signal", "features", "read_record"} <= set(dir(geoecg))


def test_cli_help_imports_no_benchmark():
    code = (
        "import contextlib, io\nfrom geoecg.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass"
    )
    loaded = _loaded_after(code)
    assert not [m for m in loaded if m.startswith(("geoecg.bench.", "geoecg.commands."))]
    assert "pandas" not in loaded


def _public_modules():
    skip = ("geoecg.bench", "geoecg.commands")  # command-line internals
    if importlib.util.find_spec("torch") is None:
        skip += ("geoecg.neural",)
    for info in pkgutil.walk_packages(geoecg.__path__, "geoecg."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")) or name.startswith(skip):
            continue
        if info.ispkg:
            yield name


@pytest.mark.parametrize("modname", ["geoecg", *_public_modules()])
def test_every_name_in_all_resolves(modname):
    mod = importlib.import_module(modname)
    names = getattr(mod, "__all__", None)
    if names is None:
        pytest.skip(f"{modname} has no __all__")
    assert len(set(names)) == len(names), f"duplicates in {modname}.__all__"
    for name in names:
        assert getattr(mod, name) is not None, f"{modname}.{name}"
        ns: dict = {}
        exec(f"from {modname} import {name}", ns)  # the import statement users write
        assert ns[name] is getattr(mod, name)
