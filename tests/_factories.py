"""Builders shared by several test files (importable: ``pythonpath = ["tests"]``).

- :func:`estimator_inputs` and :func:`prior_shift`: the seeded arrays and the small
  prior-shift classifier of the estimator contract sweep (``test_robust_estimators.py``,
  ``test_estimator_conventions.py``).
- :func:`cinc_folder`: a CinC 2017 folder in ``tmp_path`` built from copies of the embedded
  sample records (``test_io_cinc_records.py``, ``test_cinc_record_order.py``).
- :func:`gaussian_beats`: synthetic Q, R, S and T waves at given times (the R-peak pause and
  transient tests, ``test_rpeaks_pauses.py``, ``test_rpeaks_transient.py``).
- :func:`kernel_package` and :data:`FIRST_CALL_STARTED`: a two-file numba kernel package and
  the start of a fresh-process script whose first call of it compiles in the background
  (``test_hrv_first_call.py``, ``test_numba_fork.py``, ``test_first_call_warnings.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import numpy as np

#: labels of the five embedded CinC 2017 sample records
CINC_LABELS = {"A00004": "A", "A00005": "A", "A00009": "A", "A00014": "N", "A00022": "~"}


class EstimatorInputs(NamedTuple):
    """Seeded inputs of the estimator contract sweep (see :func:`estimator_inputs`)."""

    X: np.ndarray
    Y: np.ndarray
    W: np.ndarray
    C: np.ndarray
    YC: np.ndarray


def estimator_inputs() -> EstimatorInputs:
    """Fresh seeded inputs (``default_rng(0)``, drawn in this order) of the contract sweep.

    Returns
    -------
    EstimatorInputs
        ``(X, Y, W, C, YC)``: ``X`` (40, 3) features, ``Y`` (40,) alternating 0/1 labels,
        ``W`` (40, 2) covariates, ``C`` (12, 3, 3) SPD matrices (covariances of 12
        three-lead records of 60 samples) and ``YC`` (12,) their 0/1 labels. A new call
        gives new arrays, so a module that changes its copy changes no other module's.
    """
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    W = rng.standard_normal((40, 2))
    A = rng.standard_normal((12, 3, 60))
    C = A @ A.transpose(0, 2, 1) / 60
    return EstimatorInputs(X, np.array([0, 1] * 20), W, C, np.array([0, 1] * 6))


def prior_shift(**kw):
    """``PriorShiftClassifier(cv=3, n_bootstrap=0, random_state=0, **kw)``: quick to fit."""
    from geoecg.estimators import PriorShiftClassifier

    return PriorShiftClassifier(cv=3, n_bootstrap=0, random_state=0, **kw)


def cinc_folder(
    tmp_path: Path,
    *,
    on_disk,
    labelled,
    records=None,
    name: str = "cinc",
    label_file: str = "REFERENCE-v3.csv",
) -> Path:
    """A CinC 2017 folder ``tmp_path / name`` from the embedded sample records.

    Parameters
    ----------
    tmp_path : Path
        Where to make the folder (it must not exist yet).
    on_disk : list of str
        Records whose ``.hea`` and ``.mat`` are copied (names of :data:`CINC_LABELS`).
    labelled : list of str
        Rows of the label file ``label_file``, in the order given, with
        :data:`CINC_LABELS`' labels.
    records : list of str, optional
        Lines of a ``RECORDS`` file; none is written when omitted.
    name, label_file : str
        Folder name and label-file name.
    """
    from geoecg.datasets import sample_cinc2017_dir

    root = tmp_path / name
    root.mkdir()
    src = sample_cinc2017_dir()
    for n in on_disk:
        for ext in (".hea", ".mat"):
            shutil.copy(src / f"{n}{ext}", root / f"{n}{ext}")
    (root / label_file).write_text("".join(f"{n},{CINC_LABELS[n]}\n" for n in labelled))
    if records is not None:
        (root / "RECORDS").write_text("".join(f"{n}\n" for n in records))
    return root


def gaussian_beats(t, times, amp=1.0):
    """Gaussian Q, R, S and T waves (mV, R peak ``amp``) at ``times`` (s) on the axis ``t`` (s)."""
    x = np.zeros_like(t)
    for b in times:
        x += amp * np.exp(-0.5 * ((t - b) / 0.010) ** 2)
        x -= amp * 0.15 * np.exp(-0.5 * ((t - b + 0.025) / 0.008) ** 2)
        x -= amp * 0.25 * np.exp(-0.5 * ((t - b - 0.030) / 0.010) ** 2)
        x += amp * 0.30 * np.exp(-0.5 * ((t - b - 0.28) / 0.045) ** 2)
    return x


#: Two numba kernel files: ``pkg.b.g(x, out)`` sets ``out = 2 x + 1`` through ``pkg.a.f``.
KERNEL_PKG = {
    "__init__.py": "",
    "a.py": "from numba import njit\n@njit(cache=True)\ndef f(x):\n    return x * 2.0\n",
    "b.py": "import numpy as np\nfrom numba import njit\nfrom .a import f\n"
    "@njit(cache=True)\ndef g(x, out):\n    for i in range(x.size):\n"
    "        out[i] = f(x[i]) + 1.0\n",
}

#: The start of a fresh-process script (``str.format`` it with ``root``, the folder of
#: :func:`kernel_package`; run it with an empty ``NUMBA_CACHE_DIR``): ``fc`` serves ``g``'s
#: first call as plain Python and has started compiling it in the background.
FIRST_CALL_STARTED = """
import os, sys, time, numpy as np
sys.path.insert(0, {root!r})
from geoecg._numba_cache import FirstCall
from pkg.b import g
fc = FirstCall(g, "NOTICE")
x = np.arange(3.0); out = np.zeros(3)
assert fc.state(x, out) == "interpreted"
fc.python(x, out)
fc.compile_in_background(x, out)
"""


def kernel_package(root: Path) -> Path:
    """Write :data:`KERNEL_PKG` as the package ``root/pkg``; returns ``root``."""
    (root / "pkg").mkdir()
    for name, text in KERNEL_PKG.items():
        (root / "pkg" / name).write_text(text)
    return root
