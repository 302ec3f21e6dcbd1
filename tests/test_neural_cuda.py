"""The torch baselines on a CUDA GPU: training, inference on the device, CPU portability.

Skipped on machines without a CUDA device (CI has none); run on a GPU machine with
``pytest tests/test_neural_cuda.py``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the neural extra (torch) is not installed")
if not torch.cuda.is_available():
    pytest.skip("no CUDA device visible to torch on this machine", allow_module_level=True)

from geoecg.neural import CNN1DClassifier, MLPClassifier, ResNet1DClassifier  # noqa: E402


def _signals(n=120, leads=3, length=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, leads, length)).astype(np.float32)
    y = np.tile([0, 1], n // 2)
    X[y == 1, 1, 100:130] += 2.5  # a class-specific bump on lead 1
    return X, y


@pytest.mark.parametrize("cls", [ResNet1DClassifier, CNN1DClassifier])
def test_cuda_training_learns_and_stores_the_model_on_cpu(cls):
    X, y = _signals()
    clf = cls(epochs=15, random_state=0, device="cuda").fit(X, y)
    assert clf.device_ == "cuda"
    assert all(p.device.type == "cpu" for p in clf.model_.parameters())
    Xt, yt = _signals(seed=1)
    assert (clf.predict(Xt) == yt).mean() >= 0.9


def test_auto_device_takes_the_gpu():
    X, y = _signals(n=40)
    clf = ResNet1DClassifier(filters=(8,), epochs=2, random_state=0, device="auto").fit(X, y)
    assert clf.device_ == "cuda"


def test_gpu_inference_equals_cpu_inference_of_the_same_weights():
    X, y = _signals()
    clf = ResNet1DClassifier(filters=(16, 16), epochs=3, random_state=0).fit(X, y)
    assert clf.device_ == "cpu"
    p_cpu = clf.predict_proba(X)
    p_gpu = clf.set_params(device="cuda").predict_proba(X)
    np.testing.assert_allclose(p_gpu, p_cpu, atol=1e-4)
    assert all(p.device.type == "cpu" for p in clf.model_.parameters())


def test_gpu_trained_model_pickles_and_predicts_on_cpu():
    rng = np.random.default_rng(0)
    F = rng.standard_normal((200, 6))
    y = (F[:, 0] + F[:, 1] > 0).astype(int)
    clf = MLPClassifier(epochs=30, random_state=0, device="cuda").fit(F, y)
    back = pickle.loads(pickle.dumps(clf)).set_params(device="cpu")
    np.testing.assert_allclose(back.predict_proba(F), clf.predict_proba(F), atol=1e-4)
    assert (back.predict(F) == y).mean() >= 0.9
