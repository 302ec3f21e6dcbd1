"""AF features and the ``geoecg bench af`` paths on the real PhysioNet folders."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from geoecg.cli import main
from geoecg.estimators.af import COSEnDetector
from geoecg.features.af import af_beat_labels, rr_windows
from geoecg.features.af.record import AF_RECORD_FEATURE_NAMES, af_record_features_batch
from geoecg.io import CinC2017, beat_annotations, read_mitdb


def _split_folder(src, names, labels, dst):
    dst.mkdir()
    for n in names:
        for ext in (".hea", ".mat"):
            shutil.copy(src / f"{n}{ext}", dst / f"{n}{ext}")
    labels.loc[names].to_frame().to_csv(dst / "REFERENCE-v3.csv", header=False)
    return dst


def test_bench_train_test_on_disjoint_folders(cinc2017_dir, tmp_path):
    db = CinC2017(cinc2017_dir)
    lab = db.labels()
    rng = np.random.default_rng(0)
    # 15 + 10 records per class, record-disjoint
    tr, te = [], []
    for c in ("N", "A", "O", "~"):
        pick = rng.permutation(lab.index[lab == c].to_numpy())[:25]
        tr += pick[:15].tolist()
        te += pick[15:].tolist()
    assert not set(tr) & set(te)
    a = _split_folder(db.root, tr, lab, tmp_path / "train")
    b = _split_folder(db.root, te, lab, tmp_path / "test")
    out = tmp_path / "af.json"
    rc = main(
        [
            "bench",
            "af",
            "--train-data",
            str(a),
            "--test-data",
            str(b),
            "--n-estimators",
            "30",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    r = json.loads(out.read_text())
    assert r["n_records"] == 40
    assert set(r["f1"]) == {"N", "A", "O", "~"}
    assert all(0.0 <= v <= 100.0 for v in r["f1"].values())
    assert r["f1_mean_NAO"] == pytest.approx(np.mean([r["f1"][c] for c in "NAO"]))
    # AF is the easy class from RR: even 60 training records separate it better than chance
    assert r["f1"]["A"] > 50.0
    sim = r["prevalence_shift_simulation"]
    assert set(sim) >= {"uncorrected", "corrected", "target_priors"}
    assert sim["target_priors"]["N"] == pytest.approx(0.595)  # full training-set prior
    assert list((tmp_path / "cache").glob("*.npy"))  # per-record cache written
    with pytest.raises(SystemExit):
        main(["bench", "af", "--bogus"])
    assert main(["bench", "af"]) == 2  # no data given: error, non-zero


def test_record_features_separate_af_from_normal(cinc2017_dir):
    db = CinC2017(cinc2017_dir)
    lab = db.labels()
    names = lab.index[lab == "N"][:15].tolist() + lab.index[lab == "A"][:15].tolist()
    sigs, y = db.load(names)
    F = af_record_features_batch(sigs, db.fs)
    assert F.shape == (30, len(AF_RECORD_FEATURE_NAMES))
    irr = pd.Series(F[:, AF_RECORD_FEATURE_NAMES.index("Irr")])
    is_af = np.asarray(y) == "A"
    # Mann-Whitney AUC of the irregularity: AF above normal for most pairs
    from scipy.stats import mannwhitneyu

    u = mannwhitneyu(irr[is_af], irr[~is_af]).statistic
    assert u / (is_af.sum() * (~is_af).sum()) > 0.85


def test_cosen_on_mitdb_reference_beats(mitdb_dir):
    """COSEn fitted on records 201 + 208 finds the AF beats of record 203 (other patient)."""

    def series(name):
        rec = read_mitdb(name, mitdb_dir)
        b = beat_annotations(rec.annotations)["sample"].to_numpy()
        return np.diff(b) * 1000.0 / rec.fs, af_beat_labels(rec.annotations, b)[1:]

    train = [series("201"), series("208")]
    rr3, y3 = series("203")
    det = COSEnDetector().fit_series([t[0] for t in train], [t[1] for t in train])
    p = det.predict_series(rr3)
    se = (p & y3).sum() / y3.sum()
    assert se > 0.85
    assert rr_windows(rr3, 16).shape == (rr3.size, 16)
