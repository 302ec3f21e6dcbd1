"""AFRecordClassifier / make_af_classifier: the CinC AF pipeline as one estimator on signals."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.datasets import sample_cinc2017_dir
from geoecg.estimators import AFRecordClassifier, CinC2017Classifier, make_af_classifier
from geoecg.features.af.record import af_record_features_batch
from geoecg.io import CinC2017


@pytest.fixture(scope="module")
def sample():
    X, y = CinC2017(sample_cinc2017_dir()).load()
    return [np.ravel(x) for x in X], np.asarray(y)


def test_equals_the_feature_path_and_cache(sample, tmp_path):
    X, y = sample
    clf = AFRecordClassifier(n_estimators=10, random_state=0, cache_dir=tmp_path).fit(X, y)
    F = af_record_features_batch(X, 300.0)
    ref = CinC2017Classifier(n_estimators=10, random_state=0).fit(F, y)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba_uncorrected(F))
    assert len(list(tmp_path.glob("*.npy"))) == len(X)  # one cached row per record
    again = clone(clf).fit(X, y)  # from the cache: same model
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X))


def test_crops_and_rhythm_profile_and_prior_adaptation(sample):
    X, y = sample
    clf = make_af_classifier("rhythm-crops", n_estimators=5, random_state=0).fit(X, y)
    assert clf.classifier_.n_features_in_ == 107 + 86
    ad = make_af_classifier(adapt="em", n_estimators=5, random_state=0)
    with pytest.warns(UserWarning, match=r"class counts \{'A': 5, 'N': 5, 'O': 5, '~': 5\}"):
        ad.set_params(cv=2, n_bootstrap=10).fit(X, y)  # 5 per class: calibration unreliable
    ad.adapt(X[:10])
    assert np.isclose(ad.target_priors_.sum(), 1.0)
    assert ad.prior_estimate_.n_target == 10
    with pytest.raises(ValueError, match="preset"):
        make_af_classifier("best-ever")


def test_bench_nested_default_and_train_test_adaptation(tmp_path):
    import json

    from geoecg.cli import main

    d = str(sample_cinc2017_dir())
    out = tmp_path / "nested.json"

    def bench_af(*route):  # the two routes share the model size, cache and JSON file
        common = ["--n-estimators", "5", "--cache", str(tmp_path / "c"), "--json", str(out)]
        return main(["bench", "af", *route, *common])

    rc = bench_af("--data", d, "--folds", "2", "--inner-folds", "2", "--seeds", "0")
    r = json.loads(out.read_text())
    assert rc == 0 and "nested" in r["mode"]
    assert len(r["per_seed"][0]["choices"]) == 2  # one inner choice per outer fold
    assert r["grid"]["blocks__rhythm_profile"] == [False, True]
    with warnings.catch_warnings(record=True) as got:  # not pytest.warns: it re-raises the
        warnings.simplefilter("always")  # warnings it did not match
        rc = bench_af("--train-data", d, "--test-data", d)
    said = [str(w.message) for w in got]  # 5 records per class: named as unreliable, twice
    assert any("4 class(es) with fewer than 10" in m for m in said)
    assert any("class counts {'A': 5, 'N': 5, 'O': 5, '~': 5}" in m for m in said)
    r = json.loads(out.read_text())
    pa = r["prior_adaptation"]
    assert rc == 0 and set(pa["rows"]) == {
        "uncorrected",
        "calibrated",
        "ORACLE true prior",
        "em",
        "bbse",
        "rlls",
    }
    assert pa["priors"]["true"] == {"A": 0.25, "N": 0.25, "O": 0.25, "~": 0.25}
    assert abs(sum(v["prior"] for v in pa["priors"]["em"].values()) - 1) < 1e-9


def test_a_multi_lead_record_is_refused_not_joined_end_to_end(sample):
    """A (2, n) record was ravelled into one 2n-sample signal (leads end to end) and
    classified without a word; a (1, n) record (the CinC loader's shape) is one lead."""
    X, y = sample
    two = [np.vstack([x, x]) if k == 3 else x for k, x in enumerate(X)]
    clf = AFRecordClassifier(n_estimators=5, random_state=0)
    with pytest.raises(ValueError, match=rf"one lead.*record 3 has shape \(2, {X[3].size}\)"):
        clf.fit(two, y)
    with pytest.raises(ValueError, match="one lead"):
        clf.features([X[0][None, :], two[3]])
    assert clf.features([X[0][None, :]]).shape == clf.features([X[0][:, None]]).shape


def test_a_3d_array_with_several_leads_is_refused_not_cut_to_lead_0(sample):
    """A (records, 2, samples) array used to be cut to lead 0 without a word."""
    X, _ = sample
    n = min(x.size for x in X[:3])
    two = np.stack([np.vstack([x[:n], -x[:n]]) for x in X[:3]])
    clf = AFRecordClassifier(n_estimators=5, random_state=0)
    with pytest.raises(ValueError, match=r"one lead.*shape \(3, 2, \d+\).*2 leads.*X\[:, i, :\]"):
        clf.features(two)
    with pytest.raises(ValueError, match=r"got an array of shape \(3, 1, 2, \d+\)"):
        clf.features(two[:, None])
    one = clf.features(two[:, :1, :])  # (records, 1, samples) is one lead per record
    np.testing.assert_array_equal(one, clf.features(list(two[:, 0, :])))
