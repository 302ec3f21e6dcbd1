"""Progress bars of the long loops a user calls directly (session 15): cohort extraction
(``extract_features``), the sweep runner (``run_sweep``) and the label-shift study
(``run_label_shift_study``). By default (``progress=None``) the bar is shown only when
stderr is a terminal, like every other protocol's (:func:`geoecg._progress.progress_bar`):
before, these three drew it into log files, batch-job output and test captures too.
``progress=True`` / ``False`` still force it on / off, and the results are the same."""

from __future__ import annotations

import pandas as pd
import pytest

from geoecg import _progress
from geoecg.cohort import extract_features, read_features
from geoecg.datasets import sample_cinc2017_dir
from geoecg.sweep import run_sweep
from geoecg.sweep.label_shift import run_label_shift_study

SWEEP = {
    "sweep": {"name": "tinysweep", "simulator": "anticausal", "seed": 11},
    "grid": {"shift": [0.0], "method": ["x_only"], "seed": 1, "n": [200]},
    "simulator": {"n_features": 3, "effect_age": [-1.5, -1.5, 0.5]},
    "train_env": [
        {"age_mean": 55.0, "site_probs": [0.7, 0.3]},
        {"age_mean": 65.0, "site_probs": [0.3, 0.7]},
    ],
    "test_env": {"age_mean": 60.0},
    "shift": {"age_mean": 10.0},
    "evaluation": {"n_test": 500, "n_reference": 500},
}
STUDY = {
    "study": {"name": "tinystudy", "seed": 1},
    "grid": {"af_prior": [0.3], "seed": 1, "n_target": [300]},
    "simulator": {"n_source_per_class": 100, "n_pool": 1000, "effect_y": 1.5},
}


def _extract(out, **kw):
    extract_features(sample_cinc2017_dir(), ["rpeaks"], out=out, limit=2, **kw)
    return read_features(out, metadata=False).drop(columns=["cpu_s"], errors="ignore")


RUNS = {  # name: (call(out, **kw) -> result, the bar's label)
    "extract_features": (_extract, "extract"),
    "run_sweep": (lambda out, **kw: run_sweep(SWEEP, out, **kw), "tinysweep"),
    "run_label_shift_study": (
        lambda out, **kw: run_label_shift_study(STUDY, out, **kw),
        "tinystudy",
    ),
}


def _frame(res) -> pd.DataFrame:
    drop = [c for c in res.columns if c.endswith("_s") or c in ("wall_s", "fit_s", "cpu_s")]
    return res.drop(columns=drop).reset_index(drop=True)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_bar_only_in_a_terminal_by_default(name, tmp_path, monkeypatch, capsys):
    call, label = RUNS[name]
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: False)
    quiet = call(tmp_path / "piped")  # a log file, a batch job: no bar
    assert label not in capsys.readouterr().err
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: True)
    shown = call(tmp_path / "terminal")
    assert label in capsys.readouterr().err
    forced_off = call(tmp_path / "off", progress=False)
    assert label not in capsys.readouterr().err
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: False)
    forced_on = call(tmp_path / "on", progress=True)
    assert label in capsys.readouterr().err
    for other in (shown, forced_off, forced_on):
        pd.testing.assert_frame_equal(_frame(other), _frame(quiet))
