"""``geoecg bench af --beat-level --json F --resume``: one unit per fold of
:func:`geoecg.estimators.af.beat_level_cv`, written as it finishes.

The run is interrupted after some folds (a monkeypatched detector factory raises
KeyboardInterrupt), resumed with ``--resume``; only the unfinished folds run again and the
final file equals the uninterrupted run's (versions and timings aside). Data-free: the MIT-BIH
series are synthetic RR series (:func:`geoecg.estimators.af.screening.synthetic_rr`).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import geoecg.estimators.af as af
import geoecg.estimators.af.protocols as protocols
from geoecg.cli import main
from geoecg.estimators.af import COSEnDetector, beat_level_cv
from geoecg.estimators.af.screening import synthetic_rr


def _series():
    out = {}
    for i, r in enumerate(("100", "201", "202", "203", "210")):
        parts = [synthetic_rr(300, af_fraction=0.0, random_state=i)]
        if r != "100":  # an AF stretch after the sinus one
            parts.append(synthetic_rr(300, af_fraction=1.0, random_state=10 + i))
        rr, y = (np.concatenate([np.asarray(p[k]) for p in parts]) for k in (0, 1))
        out[r] = (rr, y.astype(bool), np.zeros(rr.size + 1, bool))
    return out  # folds: 201/202, 203, 210 (100 dealt to the first)


def _no_timings(d):
    if isinstance(d, dict):
        return {k: _no_timings(v) for k, v in d.items() if k not in ("versions", "time_s")}
    return d


def test_bench_af_beat_level_interrupted_then_resumed_runs_only_the_rest(monkeypatch, tmp_path):
    made, stop = [], {"at": None}

    def make():
        if len(made) == stop["at"]:
            raise KeyboardInterrupt
        made.append(1)
        return COSEnDetector()

    dets = {"COSEn": (make, False), "COSEn again": (make, False)}
    monkeypatch.setattr(protocols, "mitdb_af_series", lambda folder, rpeaks: _series())
    monkeypatch.setattr(af, "af_beat_detectors", lambda **k: dets)
    cmd = ["bench", "af", "--data", str(tmp_path), "--beat-level"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    assert main([*cmd, "--json", str(full)]) == 0
    assert len(made) == 6  # 3 folds x 2 detectors
    made.clear()
    stop["at"] = 4  # fold 2's first detector: folds 0 and 1 finished
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(part.read_text())
    assert d["complete"] is False and sorted(d["finished"]) == ["0", "1"]
    made.clear()
    stop["at"] = None
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    assert len(made) == 2  # fold 2 only
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    assert b["complete"] and _no_timings(a) == _no_timings(b)
    made.clear()
    stop["at"] = 0
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    assert main([*cmd, "--n-estimators", "7", "--json", str(part), "--resume"]) != 0
    assert made == []  # the refused resume ran nothing


def test_beat_level_cv_refuses_a_done_fold_of_other_records():
    series = _series()
    dets = {"COSEn": (COSEnDetector, False)}
    folds = af.af_patient_folds(series)
    units = {}
    full = beat_level_cv(series, dets, folds, on_fold=units.__setitem__)
    assert sorted(units) == [0, 1, 2]
    again = beat_level_cv(series, dets, folds, done_folds={1: units[1]})
    assert _no_timings(again) == _no_timings(full)
    with pytest.raises(ValueError, match=r"done_folds\[0\]"):
        beat_level_cv(series, dets, folds, done_folds={0: units[1]})
