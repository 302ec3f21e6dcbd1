"""Small correctness checks (reliability, session 7): ``repair_rr`` works in any RR unit
(``features.beat_context`` passes seconds, the AF detectors ms) under its unit-free name,
the old keyword still works with a DeprecationWarning; ``LeadCovariances`` (what
``hankel_covariances`` builds) names ``band`` and ``window_s`` at fit, where scikit-learn
checks parameters (the factory only stores them, so ``clone`` and ``set_params`` work)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.features.ectopy import repair_rr
from geoecg.riemann.pipelines import hankel_covariances


@pytest.mark.parametrize("mode", ["interpolate", "remove"])
def test_repair_rr_gives_the_same_series_in_ms_and_in_s(mode):
    rng = np.random.default_rng(3)
    rr_ms = 800 + 40 * rng.standard_normal(60)
    ectopic = rng.random(61) < 0.1
    ectopic[[0, 30]] = [False, True]
    ms = repair_rr(rr_ms, ectopic, mode)
    s = repair_rr(rr_ms / 1000.0, ectopic, mode)
    np.testing.assert_allclose(s * 1000.0, ms, rtol=1e-12, equal_nan=True)
    assert np.isnan(ms).any() == (mode == "remove")
    if mode == "interpolate":  # the repair keeps the total duration
        assert np.isclose(ms.sum(), rr_ms.sum())


def test_repair_rr_old_keyword_warns_and_agrees():
    rr, e = np.array([800.0, 500.0, 1100.0, 800.0]), [False, False, True, False, False]
    with pytest.warns(DeprecationWarning, match="rr_ms"):
        old = repair_rr(rr_ms=rr, ectopic=e)
    np.testing.assert_array_equal(old, repair_rr(rr, e))
    with pytest.raises(TypeError, match="both"):
        repair_rr(rr, e, rr_ms=rr)
    with pytest.raises(TypeError, match="ectopic"):
        repair_rr(rr)


X = np.random.default_rng(0).normal(size=(3, 2, 400))


@pytest.mark.parametrize(
    "kw, name",
    [
        ({"band": "x"}, "band"),
        ({"band": (40.0, 0.5)}, "band"),
        ({"band": (0.5, None)}, "band"),
        ({"window_s": -1.0}, "window_s"),
        ({"window_s": float("nan")}, "window_s"),
        ({"window_s": "2"}, "window_s"),
        ({"n_lags": 0}, "n_lags"),
    ],
)
def test_hankel_covariances_names_bad_settings_at_fit(kw, name):
    cov = hankel_covariances(**kw)  # built (clone-safe), checked at fit
    assert clone(cov).get_params() == cov.get_params()
    with pytest.raises(ValueError, match=name):
        cov.fit(X)


def test_hankel_covariances_good_window_still_fits():
    out = hankel_covariances(1.98, n_lags=2).fit(X).transform(X)
    assert out.shape == (3, 4, 4) and np.isfinite(out).all()


def test_dump_json_writes_nan_as_null_and_keeps_the_old_file_on_failure(tmp_path):
    """`geoecg extract / compare / info --json` go through dump_json: valid JSON (no NaN
    token) and an atomic replace, so a failed write leaves the previous file whole."""
    import json

    from geoecg.commands.bench_io import dump_json

    f = tmp_path / "sub" / "r.json"
    dump_json(f, {"auc": np.float64("nan"), "rows": np.array([1.0, np.inf])})
    assert json.loads(f.read_text()) == {"auc": None, "rows": [1.0, None]}
    with pytest.raises(TypeError):
        dump_json(f, {"bad": object()})  # not serialisable, no default
    assert json.loads(f.read_text())["auc"] is None
    assert [p.name for p in f.parent.iterdir()] == ["r.json"]  # no temporary left
    dump_json(f, [{"when": object()}], default=lambda o: "obj")
    assert json.loads(f.read_text()) == [{"when": "obj"}]
