"""geoecg.evaluation.detection (EC57 QRS scoring) and geoecg.evaluation.noise_study on
hand-made cases; the real-data runs are in test_bench_qrs.py and test_noise_physical.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from geoecg.evaluation.detection import (
    detection_report,
    format_detection_report,
    score_detections,
    summarize_by_snr,
    summarize_detector,
    time_detector,
    vf_intervals,
)
from geoecg.evaluation.noise_study import binary_scores, noise_study

FS = 10.0  # 1 sample = 100 ms; minute 5 = sample 3000


def test_score_detections_vf_and_minute_five():
    fs = 100.0  # 150 ms = 15 samples; minute 5 = sample 30000
    ref = np.array([100, 200, 30100, 30200, 50000])
    det = np.array([101, 30100, 30205, 50005, 50010])  # 200 missed, 50010 extra
    vf = [(49900, 50100)]  # 50000 and both detections near it are in a VF episode
    c = score_detections(ref, det, fs, tolerance_ms=150, vf=vf, n_samples=60000)
    assert c["raw"] == {"tp": 4, "fp": 1, "fn": 1}
    assert c["whole"] == {"tp": 3, "fp": 0, "fn": 1}  # VF episode left out on both sides
    assert c["ec57"] == {"tp": 2, "fp": 0, "fn": 0}  # from minute 5 on
    assert "noisy" not in c
    noisy = score_detections(ref, det, fs, nstdb=True, n_samples=60000)["noisy"]
    assert noisy == {"tp": 2, "fp": 0, "fn": 0}  # blocks 5-7 and 9-10 min (30000-42000, 54000-)


def test_vf_intervals_open_episode_and_report():
    assert vf_intervals([5, 9, 20], ["[", "]", "["], 30) == [(5, 10), (20, 30)]
    per = {
        d: {r: {**score_detections([100, 200], det, FS, n_samples=300), "wall_s": 1.0,
                "cpu_s": 0.5} for r in ("a", "b")}
        for d, det in (("geoecg", [100, 200]), ("peer", [100]))
    }  # fmt: skip
    infos = {r: {"fs": FS, "n_samples": 300, "n_beats": 2} for r in ("a", "b")}
    s = summarize_detector(per["peer"], {"a": 300, "b": 300})
    assert s["whole"]["se"] == 50.0 and s["throughput_sps"] == 300.0 and s["n_records"] == 2
    rep = detection_report(per, infos, {"geoecg": ["a", "b"], "peer": ["b"]}, tolerance_ms=150)
    assert rep["total"]["f1"] == 100.0 and set(rep["records"]) == {"a", "b"}
    assert rep["peers"]["peer"]["records"] == ["b"] and rep["peers"]["peer"]["se"] == 50.0
    assert rep["peers"]["peer"]["speed_ratio_cpu"] == 1.0 and "by_snr" not in rep
    text = format_detection_report(rep)
    assert "peer" in text and "whole" in text
    with pytest.raises(ValueError, match="at least one record"):
        summarize_detector(per["peer"], {}, [])


def test_summarize_by_snr_and_timer():
    fig = {"whole": {"tp": 9, "fp": 1, "fn": 0}, "noisy": {"tp": 4, "fp": 1, "fn": 0}}
    out = summarize_by_snr(
        {"118e24": fig, "119e24": fig, "118e06": fig},
        {"118e24": 24.0, "119e24": 24.0, "118e06": 6.0},
    )
    assert list(out) == ["24", "6"]
    assert out["24"]["whole"]["tp"] == 18 and out["24"]["noisy"]["ppv"] == pytest.approx(80.0)
    det, wall, cpu = time_detector(lambda x, fs: np.array([5, 2, 5]), None, FS, repeats=3)
    assert det.tolist() == [2, 5] and det.dtype == np.int64 and wall >= 0 and cpu >= 0


def test_binary_scores_match_sklearn_and_one_class():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = np.clip(0.3 * y + rng.random(200) * 0.7, 0, 1)
    s = binary_scores(y, p)
    assert s["auroc"] == pytest.approx(roc_auc_score(y, p))
    assert s["auprc"] == pytest.approx(average_precision_score(y, p))
    assert s["accuracy"] == pytest.approx(100 * np.mean((p >= 0.5) == (y == 1)))
    one = binary_scores([1, 1], [0.2, 0.9])
    assert one["auroc"] is None and one["auprc"] is None and one["prevalence"] == 1.0
    with pytest.raises(ValueError, match="same length"):
        binary_scores([0, 1], [0.5])


def _windows(rng, n_rec, per, noisy_snr=True):
    rec = np.repeat([f"r{i}" for i in range(n_rec)], per)
    y = rng.integers(0, 2, rec.size)
    noise = np.where(y == 1, rng.choice(["bw", "ma", "em"], rec.size), "none")
    snr = np.where(y == 1, rng.choice([6.0, 0.0], rec.size), np.nan)
    F = np.column_stack([y + rng.normal(0, 0.7, rec.size), rng.normal(size=rec.size)])
    return SimpleNamespace(y=y, record=rec, noise=noise, snr_db=snr), F


def test_noise_study_rows_with_a_factory():
    rng = np.random.default_rng(1)
    tr, F_tr = _windows(rng, 10, 12)
    te, F_te = _windows(rng, 10, 12)
    cc, F_cc = _windows(rng, 20, 4)
    res = noise_study(lambda f: LogisticRegression(), tr, te, cc,
                      features={"train": F_tr, "test": F_te, "other": F_cc},
                      groups={f"r{i}": i // 2 for i in range(10)}, feature_sets=("a", "b"),
                      n_folds=3, names=("mix", "other"), log=None)  # fmt: skip
    assert len(res["pairs"]) == 10
    assert {p["test"] for p in res["pairs"]} == {
        "mix (record-wise CV)",
        "other",
        "other (per record, max window)",
        "mix",
    }
    assert set(res["per_noise"]) == {"bw", "ma", "em"}
    assert set(res["reverse_per_noise"]) == {"a", "b"}
    assert set(res["snr_curve"]) == {"6", "0"}
    cv = res["pairs"][0]
    assert cv["auroc"] > 0.8  # feature 0 carries the label
