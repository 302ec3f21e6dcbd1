"""Neural baselines: scikit-learn contract, determinism, multi-label, pickling, bad input."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is the optional extra 'neural'")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from geoecg.neural import CNN1DClassifier, MLPClassifier, ResNet1DClassifier  # noqa: E402

FAST = {"lr": 1e-2, "validation_fraction": 0.0}
TINY = {
    ResNet1DClassifier: {"filters": (8, 8), "kernel_sizes": (5, 3), "epochs": 12, **FAST},
    CNN1DClassifier: {"filters": (8, 8), "epochs": 12, **FAST},
    MLPClassifier: {"hidden": (16,), "epochs": 60, **FAST},
}


def _data(cls, n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], n // 3)
    if cls is MLPClassifier:
        X = rng.standard_normal((n, 5))
        X[:, 0] += 2.0 * y
        return X, y
    X = rng.standard_normal((n, 2, 256))
    for k in range(3):
        X[y == k, k % 2, 64 * k : 64 * k + 20] += 3.0  # class-specific bump
    return X, y


@pytest.mark.parametrize("cls", list(TINY))
def test_contract(cls):
    X, y = _data(cls)
    est = cls(random_state=0, **TINY[cls])
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert clone(est).get_params() == est.get_params()
    assert est.fit(X, y) is est
    assert est.device_ == "cpu"
    p = est.predict_proba(X)
    assert p.shape == (len(y), 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert set(est.predict(X)) <= {0, 1, 2}
    assert (est.predict(X) == y).mean() > 0.6  # the bumps are easy to see
    again = cls(random_state=0, **TINY[cls]).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), p, atol=1e-6)  # reproducible on CPU
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(restored.predict_proba(X), p, atol=1e-6)


def test_string_labels_and_input_not_mutated():
    X, y = _data(CNN1DClassifier)
    labels = np.array(["N", "A", "O"])[y]
    X0 = X.copy()
    est = CNN1DClassifier(random_state=1, **TINY[CNN1DClassifier]).fit(X, labels)
    assert set(est.classes_) == {"A", "N", "O"}
    assert set(est.predict(X)) <= {"A", "N", "O"}
    np.testing.assert_array_equal(X, X0)


def test_multilabel_targets():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 3, 128))
    Y = rng.integers(0, 2, (60, 4))
    for j in range(4):
        X[Y[:, j] == 1, j % 3, 20 * j : 20 * j + 10] += 3.0
    est = ResNet1DClassifier(random_state=0, **TINY[ResNet1DClassifier]).fit(X, Y)
    assert est.multilabel_
    p = est.predict_proba(X)
    assert p.shape == (60, 4) and ((p >= 0) & (p <= 1)).all()
    assert set(np.unique(est.predict(X))) <= {0, 1}


def test_early_stopping_and_history():
    X, y = _data(MLPClassifier, n=90)
    est = MLPClassifier(epochs=200, patience=2, lr=0.05, random_state=0).fit(X, y)
    assert est.n_epochs_ < 200
    assert {"epoch", "train_loss", "val_loss"} <= set(est.history_[0])


def test_ragged_records_need_input_length():
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((1, n)) for n in (300, 500, 400, 350) * 6]
    y = np.tile([0, 1], 12)
    with pytest.raises(ValueError, match="input_length"):
        CNN1DClassifier(epochs=1).fit(X, y)
    est = CNN1DClassifier(filters=(4,), epochs=1, input_length=320, random_state=0).fit(X, y)
    assert est.predict_proba(X[:3]).shape == (3, 2)


@pytest.mark.parametrize(
    ("kwargs", "X", "y", "match"),
    [
        ({"epochs": 0}, np.zeros((10, 1, 20)), np.tile([0, 1], 5), "epochs must be"),
        ({"validation_fraction": 1.0}, np.zeros((10, 1, 20)), np.tile([0, 1], 5), "validation"),
        ({"device": "tpu"}, np.zeros((10, 1, 20)), np.tile([0, 1], 5), "device must be"),
        ({}, np.zeros((10, 20)), np.tile([0, 1], 5), "n_records, n_leads, n_samples"),
        ({}, np.zeros((10, 1, 20)), np.zeros(10), "single class"),
        ({}, np.zeros((10, 1, 20)), np.tile([0, 1], 4), "10 records but y has 8"),
        ({"class_weight": "auto"}, np.zeros((10, 1, 20)), np.tile([0, 1], 5), "class_weight"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with pytest.raises(ValueError, match=match):
        CNN1DClassifier(**kwargs).fit(X, y)


def test_wrong_lead_count_at_predict():
    X, y = _data(CNN1DClassifier)
    est = CNN1DClassifier(random_state=0, **TINY[CNN1DClassifier]).fit(X, y)
    with pytest.raises(ValueError, match="3 leads"):
        est.predict(np.zeros((2, 3, 256)))


def test_clear_message_without_torch():
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError(\"No module named 'torch'\")\n"
        "sys.meta_path.insert(0, Block())\n"
        "try:\n    import geoecg.neural\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "geoecg[neural]" in out.stdout and "torch==2.13.0" in out.stdout
