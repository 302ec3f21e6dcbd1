"""``NoiseDetector(features="physical")``: only the columns with a physical direction."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from geoecg.features import (
    NOISE_FEATURE_NAMES,
    NOISE_FEATURE_SETS,
    NOISE_MONOTONIC,
    NoiseDetector,
)

PHYS = [NOISE_FEATURE_NAMES.index(n) for n in NOISE_FEATURE_SETS["physical"]]
OTHER = [i for i in range(len(NOISE_FEATURE_NAMES)) if i not in PHYS]
COL = {n: i for i, n in enumerate(NOISE_FEATURE_NAMES)}


def test_feature_sets():
    assert NOISE_FEATURE_SETS["all"] == NOISE_FEATURE_NAMES
    phys = NOISE_FEATURE_SETS["physical"]
    assert set(phys) == set(NOISE_MONOTONIC)
    assert len(phys) == 9
    # in the column order of the feature matrix
    assert list(phys) == [n for n in NOISE_FEATURE_NAMES if n in NOISE_MONOTONIC]


def _domain(rng, n, shortcut_sign):
    """Windows whose noise label moves the template SNR (physical, same in every domain) and
    HRStd (a population trait: its link to the label flips between the domains)."""
    y = rng.integers(0, 2, n)
    F = rng.standard_normal((n, len(NOISE_FEATURE_NAMES)))
    F[:, COL["SNRbeat"]] = 15.0 - 8.0 * y + rng.normal(0.0, 5.0, n)
    F[:, COL["HRStd"]] = 3.0 + shortcut_sign * 4.0 * y + rng.normal(0.0, 1.0, n)
    return F, y


def test_physical_model_uses_only_the_physical_columns():
    rng = np.random.default_rng(0)
    F, y = _domain(rng, 400, +1)
    det = NoiseDetector(precomputed=True, features="physical", max_iter=40, random_state=0)
    det.fit(F, y)
    assert set(det.kept_features_.tolist()) == set(PHYS)
    assert det.monotonic_cst_.size == len(PHYS) and np.all(det.monotonic_cst_ != 0)
    # the other columns cannot change a prediction
    G = F.copy()
    G[:, OTHER] = rng.standard_normal((F.shape[0], len(OTHER))) * 100.0
    np.testing.assert_array_equal(det.predict_proba(G), det.predict_proba(F))
    full = NoiseDetector(precomputed=True, max_iter=40, random_state=0).fit(F, y)
    assert not np.array_equal(full.predict_proba(G), full.predict_proba(F))


def test_physical_model_ranks_a_shifted_domain_where_the_full_one_fails():
    rng = np.random.default_rng(1)
    F_a, y_a = _domain(rng, 800, +1)  # training dataset: HRStd is a strong shortcut
    F_b, y_b = _domain(rng, 800, -1)  # another dataset: the shortcut points the other way
    kw = {"precomputed": True, "max_iter": 60, "random_state": 0}
    full = NoiseDetector(**kw).fit(F_a, y_a)
    phys = NoiseDetector(features="physical", **kw).fit(F_a, y_a)
    # within the training dataset the shortcut wins ...
    F_a2, y_a2 = _domain(rng, 800, +1)
    assert roc_auc_score(y_a2, full.predict_proba(F_a2)[:, 1]) > roc_auc_score(
        y_a2, phys.predict_proba(F_a2)[:, 1]
    )
    # ... across datasets only the physical model still ranks the noise
    au_full = roc_auc_score(y_b, full.predict_proba(F_b)[:, 1])
    au_phys = roc_auc_score(y_b, phys.predict_proba(F_b)[:, 1])
    assert au_phys > 0.8
    assert au_full < 0.6


def test_bad_feature_set_is_a_clear_error():
    F, y = _domain(np.random.default_rng(2), 60, +1)
    with pytest.raises(ValueError, match="features must be one of"):
        NoiseDetector(precomputed=True, features="hrv").fit(F, y)
    with pytest.raises(ValueError, match="needs the 55 columns"):
        NoiseDetector(precomputed=True, features="physical").fit(F[:, :10], y)


def test_bench_noise_reports_both_feature_sets_on_real_data(
    data_root, mitdb_dir, nstdb_dir, cinc2017_dir, tmp_path
):
    """``geoecg bench noise`` on the real recordings (2 windows per MIT-BIH record, every CinC
    window): each row for both feature sets, and the physical detector trained on MIT-BIH +
    noise-stress mixtures ranks CinC 2017's unreadable records (0.94 with 20 windows per
    record, README)."""
    import json

    from geoecg.cli import main

    out = tmp_path / "noise.json"
    rc = main(["bench", "noise", "--data", str(data_root), "--windows-per-record", "2",
               "--json", str(out)])  # fmt: skip
    assert rc == 0
    res = json.loads(out.read_text())
    assert set(res["feature_sets"]) == {"all", "physical"}
    rows = {(p["features"], p["train"], p["test"]): p for p in res["pairs"]}
    assert len(rows) == 10 == len(res["pairs"])
    for feats in ("all", "physical"):
        for key in (
            ("mitdb+nstdb", "mitdb+nstdb (record-wise CV)"),
            ("mitdb+nstdb", "cinc2017"),
            ("cinc2017", "mitdb+nstdb"),
            ("cinc2017 (noisiest ~ window)", "mitdb+nstdb"),
        ):
            p = rows[(feats, *key)]
            assert {"accuracy", "auroc", "auprc", "prevalence", "n"} <= set(p)
            assert 0.0 < p["prevalence"] < 1.0
    fwd = rows[("physical", "mitdb+nstdb", "cinc2017")]
    assert fwd["n"] == rows[("all", "mitdb+nstdb", "cinc2017")]["n"] > 1000
    assert fwd["auroc"] > 0.9
    assert set(res["reverse_per_noise"]) == {"all", "physical"}
