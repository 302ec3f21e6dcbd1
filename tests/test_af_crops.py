"""Crop augmentation of the CinC 2017 training folds (issue 5): crop positions, crop
features, the classifier's crop rows and the fold logic of
:func:`geoecg.estimators.af.cinc_cv_proba` (``geoecg bench af --preset rhythm-crops``)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from geoecg.datasets import sample_cinc2017_dir
from geoecg.estimators.af import AF_PRESETS, CinC2017Classifier, cinc_cv_proba
from geoecg.features.af.crops import af_crop_features, append_crops, crop_bounds
from geoecg.features.af.record import af_record_features
from geoecg.features.af.rhythm_profile import rhythm_profile_features
from geoecg.io import CinC2017

FS = 300.0


@pytest.mark.parametrize("n_s", [9.0, 10.5, 18.6, 30.0, 61.0])
@pytest.mark.parametrize(("k", "frac"), [(2, 0.7), (4, 0.5)])
def test_crop_bounds_length_range_and_determinism(n_s, k, frac):
    n = int(n_s * FS)
    b = crop_bounds(n, FS, k, frac, index=5)
    L = max(round(frac * n), round(9.0 * FS))
    if L > n - FS:  # less than 1 s of room: no crop (9-10 s records)
        assert b.shape == (0, 2)
        return
    assert b.shape == (k, 2) and b.dtype == np.int64
    assert np.all(b[:, 1] - b[:, 0] == L)
    assert np.all(b[:, 0] >= 0) and np.all(b[:, 1] <= n)
    np.testing.assert_array_equal(b, crop_bounds(n, FS, k, frac, index=5))
    other = [crop_bounds(n, FS, k, frac, index=i)[:, 0] for i in range(6, 12)]
    assert any(not np.array_equal(o, b[:, 0]) for o in other)  # one stream per record


def test_crop_bounds_degenerate_and_invalid():
    assert crop_bounds(int(9.5 * FS), FS, 2, 0.7).shape == (0, 2)  # 9-s crop, 0.5 s room
    assert crop_bounds(100, FS, 2, 0.7).shape == (0, 2)  # shorter than the minimum crop
    assert crop_bounds(9000, FS, 0, 0.7).shape == (0, 2)
    assert (
        crop_bounds(9000, FS, 3, 0.5, min_s=0.0)[0, 1]
        - crop_bounds(9000, FS, 3, 0.5, min_s=0.0)[0, 0]
        == 4500
    )
    for bad in (
        dict(n_crops=-1),
        dict(n_crops=1.5),
        dict(n_crops=True),
        dict(frac=0.0),
        dict(frac=1.2),
        dict(fs=0.0),
    ):
        kw = dict(n_samples=9000, fs=FS, n_crops=2, frac=0.7) | bad
        with pytest.raises(ValueError):
            crop_bounds(**kw)


def test_crop_features_are_the_features_of_the_slices():
    db = CinC2017(sample_cinc2017_dir())
    sigs = [db.read(n).signal[0] for n in db.records()[:2]]
    sigs.append(sigs[0][: int(9.5 * FS)])  # degenerate short record: no crop
    F, owner = af_crop_features(sigs, FS, 2, 0.7, rhythm_profile=True)
    assert owner.tolist() == [0, 0, 1, 1]
    assert F.shape == (4, 193)
    for j, (i, (a, b)) in enumerate(
        [(0, ab) for ab in crop_bounds(sigs[0].size, FS, 2, 0.7, index=0)]
        + [(1, ab) for ab in crop_bounds(sigs[1].size, FS, 2, 0.7, index=1)]
    ):
        s = sigs[i][a:b]
        want = np.r_[af_record_features(s, FS), rhythm_profile_features(s, FS)]
        np.testing.assert_array_equal(F[j], want)
    assert F[0, 0] == pytest.approx(0.7 * sigs[0].size / FS, abs=1 / FS)  # duration, s
    F0, o0 = af_crop_features(sigs[2:], FS, 2, 0.7)
    assert F0.shape == (0, 107) and o0.shape == (0,)


def _toy(seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 15)
    X = rng.standard_normal((60, 4))
    X[:, 0] += (y == "A") * 2.0
    return X, y


def test_classifier_without_crops_is_unchanged():
    from xgboost import XGBClassifier

    X, y = _toy()
    a = CinC2017Classifier(n_estimators=20, random_state=3).fit(X, y)
    b = CinC2017Classifier(n_estimators=20, random_state=3, crop_weight=0.9).fit(X, y)
    seed = int(np.random.RandomState(3).randint(np.iinfo(np.int32).max))
    ref = XGBClassifier(
        n_estimators=20,
        max_depth=4,
        learning_rate=0.05,
        subsample=0.8,
        colsample_bytree=0.5,
        random_state=seed,
        n_jobs=1,
        tree_method="hist",
    ).fit(X, np.unique(y, return_inverse=True)[1])
    p = ref.predict_proba(X).astype(np.float64)
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(a.predict_proba(X), p)
    np.testing.assert_array_equal(b.predict_proba(X), p)


def test_classifier_learns_from_crop_rows_with_their_labels():
    rng = np.random.default_rng(1)
    X, y = _toy()
    X[:, 0] = rng.standard_normal(60)  # whole records: uninformative
    yc = np.repeat(np.array(["~", "O", "N", "A"]), 50)  # not in sorted class order
    code = {"A": 0.0, "N": 4.0, "O": 8.0, "~": 12.0}
    Xc = rng.standard_normal((200, 4))
    Xc[:, 0] = [code[c] for c in yc]
    clf = CinC2017Classifier(n_estimators=50, random_state=0, crop_weight=2.0)
    clf.fit(X, y, X_crops=Xc, y_crops=yc)
    np.testing.assert_allclose(clf.train_priors_, 0.25)  # whole records only
    Xt = np.zeros((4, 4))
    Xt[:, 0] = [0.0, 4.0, 8.0, 12.0]
    assert clf.predict(Xt).tolist() == ["A", "N", "O", "~"]
    w1 = CinC2017Classifier(n_estimators=50, random_state=0, crop_weight=0.1)
    assert not np.allclose(
        w1.fit(X, y, X_crops=Xc, y_crops=yc).predict_proba(Xt), clf.predict_proba(Xt)
    )
    both = CinC2017Classifier(n_estimators=20, random_state=0, binary_weight=0.5)
    assert both.fit(X, y, X_crops=Xc, y_crops=yc).predict(Xt)[0] == "A"


def test_classifier_crop_errors():
    X, y = _toy()
    clf = CinC2017Classifier(n_estimators=5)
    with pytest.raises(ValueError, match="both"):
        clf.fit(X, y, X_crops=X)
    with pytest.raises(ValueError, match="shape"):
        clf.fit(X, y, X_crops=X[:, :3], y_crops=y)
    with pytest.raises(ValueError, match="y_crops"):
        clf.fit(X, y, X_crops=X, y_crops=y[:-1])
    with pytest.raises(ValueError, match="absent"):
        clf.fit(X, y, X_crops=X[:1], y_crops=["Z"])
    with pytest.raises(ValueError, match="crop_weight"):
        CinC2017Classifier(n_estimators=5, crop_weight=0.0).fit(X, y, X_crops=X, y_crops=y)
    Xa, ya, w = append_crops(X, np.zeros(60, int), np.array(["A", "N"]), X[:0], y[:0], 0.5)
    assert Xa.shape == X.shape and w.tolist() == [1.0] * 60


class _Spy(CinC2017Classifier):
    calls: list = []

    def fit(self, X, y, X_crops=None, y_crops=None):
        _Spy.calls.append({"X": X, "Xc": X_crops, "yc": y_crops, "pred": []})
        return super().fit(X, y, X_crops=X_crops, y_crops=y_crops)

    def predict_proba_uncorrected(self, X):
        _Spy.calls[-1]["pred"].append(np.asarray(X))
        return super().predict_proba_uncorrected(X)


def test_cv_crops_stay_in_their_fold_and_heldout_is_whole():
    X, y = _toy(2)
    X[:, 3] = np.arange(60)  # record id
    owner = np.repeat(np.arange(60), 2)[np.arange(120) % 7 != 0]  # some records: no crop
    F = np.column_stack([np.zeros((owner.size, 3)), owner + 1000.0])  # crop -> owner id
    _Spy.calls = []
    classes, proba, _ = cinc_cv_proba(
        _Spy(n_estimators=5, random_state=4, crop_weight=0.25),
        X,
        y,
        folds=3,
        seed=4,
        crops=F,
        crop_owner=owner,
    )
    assert len(_Spy.calls) == 3
    seen = []
    for c in _Spy.calls:
        train_ids = set(c["X"][:, 3].astype(int))
        crop_ids = c["Xc"][:, 3].astype(int) - 1000
        assert set(crop_ids) <= train_ids  # crops only of training records
        want = owner[np.isin(owner, list(train_ids))]
        np.testing.assert_array_equal(crop_ids, want)  # all of them, in order
        np.testing.assert_array_equal(c["yc"], y[crop_ids])
        (te,) = c["pred"]
        assert np.all(te[:, 3] < 1000)  # scored on whole records, never crops
        assert not set(te[:, 3].astype(int)) & train_ids
        seen += te[:, 3].astype(int).tolist()
    assert sorted(seen) == list(range(60))
    assert proba.shape == (60, 4) and np.allclose(proba.sum(1), 1)


def test_cv_without_crops_matches_plain_cv_loop():
    from sklearn.model_selection import StratifiedKFold

    X, y = _toy(3)
    _, proba, _ = cinc_cv_proba(
        CinC2017Classifier(n_estimators=7, random_state=2, n_jobs=1), X, y, folds=3, seed=2
    )
    ref = np.zeros_like(proba)
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=2).split(X, y):
        m = CinC2017Classifier(n_estimators=7, random_state=2, n_jobs=1).fit(X[tr], y[tr])
        ref[te] = m.predict_proba_uncorrected(X[te])
    np.testing.assert_array_equal(proba, ref)


def test_rhythm_crops_preset():
    assert AF_PRESETS["rhythm-crops"] == {
        "rhythm_profile": True,
        "n_crops": 2,
        "crop_frac": 0.7,
        "crop_weight": 0.5,
    }


def test_cli_crop_augment_end_to_end(tmp_path):
    from geoecg.cli import main

    out = tmp_path / "af.json"
    rc = main(
        [
            "bench",
            "af",
            "--data",
            str(sample_cinc2017_dir()),
            "--protocol",
            "cv",
            "--folds",
            "2",
            "--n-estimators",
            "10",
            "--preset",
            "rhythm-crops",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    r = json.loads(out.read_text())
    assert r["n_records"] == 20  # held-out: the 20 whole records
    ca = r["crop_augment"]
    assert (ca["n_crops"], ca["crop_frac"], ca["crop_weight"]) == (2, 0.7, 0.5)
    assert 30 <= ca["n_crop_rows"] <= 40  # 2 per record, none for records < ~10 s
    assert "rhythm-crops" in r["mode"]
    d = str(sample_cinc2017_dir())
    held = ["bench", "af", "--train-data", d, "--test-data", d, "--n-estimators", "10"]
    held += ["--cache", str(tmp_path / "cache"), "--json", str(out)]
    # the held-out route fits the prior-shift pipeline (crops included): no --preset there
    assert main([*held, "--preset", "rhythm-crops"]) == 2
    with warnings.catch_warnings(record=True) as got:  # not pytest.warns: it re-raises the
        warnings.simplefilter("always")  # warnings it did not match
        rc = main(held)
    said = [str(w.message) for w in got]  # 5 records per class: named as unreliable, twice
    assert any("4 class(es) with fewer than 10" in m for m in said)
    assert any("class counts {'A': 5, 'N': 5, 'O': 5, '~': 5}" in m for m in said)
    r = json.loads(out.read_text())
    assert rc == 0 and r["n_records"] == 20 and 30 <= r["n_train_crops"] <= 40
    assert r["prior_adaptation"]["chosen"] in ("default", "rhythm")
