"""CNNResidualReconstructor (registry, leads.md session 23): contract, determinism, errors."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is the optional extra 'neural'")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from geoecg.leads import LeadReconstructor  # noqa: E402
from geoecg.leads._cnn_residual import CNNResidualReconstructor  # noqa: E402

FS = 100.0


def _cohort(n=18, T=300, seed=0):
    """Source II random smooth; the other leads a linear part plus a nonlinear one (a delayed
    ``|II|``), which a linear base with no ``|x|`` columns cannot reconstruct."""
    rng = np.random.default_rng(seed)
    s = np.cumsum(rng.standard_normal((n, T)), axis=-1) * 0.05
    s -= s.mean(axis=-1, keepdims=True)
    gains = rng.uniform(-1.0, 1.0, 12)
    X = gains[None, :, None] * s[:, None, :]
    X += 0.8 * np.abs(np.roll(s, 5, axis=-1))[:, None, :] * (np.arange(12) % 2)[None, :, None]
    X[:, 1] = s
    X += 0.01 * rng.standard_normal(X.shape)
    return X


def _model(**kw):
    base = LeadReconstructor(("II",), "population", fs=FS, n_taps=1)
    return CNNResidualReconstructor(base, **{"epochs": 3, "channels": 4, **kw})


def test_zero_epochs_is_the_base_bit_for_bit():
    X = _cohort()
    m = _model(epochs=0).fit(X)
    base = clone(m.base).fit(X)
    np.testing.assert_array_equal(m.transform(X), base.transform(X))


def test_clone_safe_and_deterministic():
    X = _cohort()
    m = _model(random_state=3)
    c = clone(m)
    assert c.get_params()["random_state"] == 3 and c.base is not m.base
    a = m.fit(X).transform(X)
    b = c.fit(X).transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, _model(random_state=4).fit(X).transform(X))
    assert torch.get_num_threads() >= 1


def test_learns_a_nonlinear_residual():
    X = _cohort(n=24)
    base = clone(_model().base).fit(X)
    m = _model(epochs=60, channels=8, learning_rate=1e-2).fit(X)
    assert m.loss_curve_[-1] < 0.8 * m.loss_curve_[0]
    Xt = _cohort(n=10, seed=5)
    assert m.score(Xt) > base.score(Xt) + 0.02
    R = m.transform(Xt)
    np.testing.assert_array_equal(R[:, 1], Xt[:, 1])  # the source lead is copied
    assert m.get_feature_names_out().shape == (12,)


def test_source_only_input_and_pickle():
    X = _cohort()
    m = _model().fit(X)
    np.testing.assert_allclose(m.transform(X[:, [1]]), m.transform(X))
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m2.transform(X), m.transform(X))


def test_invalid_records_as_the_base():
    X = _cohort()
    m = _model().fit(X)
    Y = X[:3].copy()
    Y[1, 1, 50:60] = np.nan
    with pytest.raises(ValueError, match="hold NaN/inf, are flat"):
        m.transform(Y)
    m.base_.set_params(on_invalid="nan")
    R = m.transform(Y)
    assert m.invalid_records_.tolist() == [1]
    assert np.isnan(R[1, [0, 2, 3]]).all() and np.isfinite(R[[0, 2]]).all()
    with pytest.raises(ValueError, match="must have 12 or 1 leads"):
        m.transform(X[:, :3])


def test_groups_keep_patients_apart_and_bad_input():
    X = _cohort()
    g = np.repeat(np.arange(6), 3)
    assert np.isfinite(_model().fit(X, groups=g).transform(X)).all()
    with pytest.raises(ValueError, match="at least cross_fit=3 groups"):
        _model().fit(X, groups=np.repeat([0, 1], 9))
    with pytest.raises(TypeError, match="base must be a LeadReconstructor"):
        CNNResidualReconstructor("II").fit(X)
    with pytest.raises(ValueError, match="base must have fs"):
        CNNResidualReconstructor(LeadReconstructor(("II",))).fit(X)
    for bad in ({"epochs": -1}, {"epochs": 2.5}, {"weight_decay": -1.0}, {"learning_rate": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            _model(**bad).fit(X)
    with pytest.raises(ValueError, match=r"shape \(n_records, 12, n_samples\)"):
        _model().fit(X[:, :3])
    with pytest.raises(NotFittedError):
        _model().transform(X)


def test_dilations_follow_the_sampling_rate():
    m = CNNResidualReconstructor(LeadReconstructor(("II",), fs=500.0))
    assert m._dilations() == (5, 10, 20, 40)
    assert _model()._dilations() == (1, 2, 4, 8)


def test_clear_message_without_torch():
    """The module imports without torch; fit names the extra."""
    code = (
        "import sys, importlib.abc\n"
        "import numpy as np\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError(\"No module named 'torch'\")\n"
        "sys.meta_path.insert(0, Block())\n"
        "from geoecg.leads import LeadReconstructor\n"
        "from geoecg.leads._cnn_residual import CNNResidualReconstructor\n"
        "m = CNNResidualReconstructor(LeadReconstructor(('II',), fs=100.0))\n"
        "try:\n    m.fit(np.random.default_rng(0).standard_normal((6, 12, 200)))\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "geoecg[neural]" in out.stdout and "torch==2.13.0" in out.stdout
