"""Contract sweep of geoecg.neural (session 17): bad input named, scikit-learn's estimator
checks on MLPClassifier, degenerate input. Cases marked "was:" were accepted silently
(inf samples set to 0, numeric text parsed, complex parts dropped, a continuous y turned
into one class per value) or failed inside torch before the sweep."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is the optional extra 'neural'")

from sklearn.utils.estimator_checks import (  # noqa: E402
    check_classifiers_train,
    parametrize_with_checks,
)

from geoecg.neural import CNN1DClassifier, MLPClassifier, ResNet1DClassifier  # noqa: E402

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((40, 3))
_Y = np.array([0, 1] * 20)
_S = _RNG.standard_normal((12, 2, 200))
_YS = np.array([0, 1] * 6)
ONE = {"epochs": 1, "random_state": 0}


def _mlp(**kw):
    return MLPClassifier(hidden=(4,), **ONE, **kw)


def _cnn(**kw):
    return CNN1DClassifier(filters=(4,), **ONE, **kw)


def _cases() -> dict:
    inf_s = np.where(_S > 2, np.inf, _S)
    return {
        "MLP X inf": (lambda: _mlp().fit(np.where(_X > 2, np.inf, _X), _Y), r"\bX\b"),
        "MLP X text": (lambda: _mlp().fit(_X.astype(str), _Y), r"\bX must be numeric|\bX\b"),
        "MLP X complex": (lambda: _mlp().fit(_X.astype(complex), _Y), r"\bX\b"),
        "MLP y length": (lambda: _mlp().fit(_X, _Y[:5]), "y has 5"),
        "MLP y None": (lambda: _mlp().fit(_X, None), "requires y"),
        "MLP y NaN": (lambda: _mlp().fit(_X, np.r_[_Y[:-1], np.nan]), "Input y contains NaN"),
        "MLP y continuous": (lambda: _mlp().fit(_X, np.linspace(0, 1, 40)), "continuous"),
        "MLP single class": (lambda: _mlp().fit(_X, np.zeros(40)), "single class"),
        "MLP lr NaN": (lambda: _mlp(lr=np.nan).fit(_X, _Y), r"\blr\b"),
        "MLP lr text": (lambda: _mlp(lr="0.1").fit(_X, _Y), r"\blr\b"),
        "MLP weight_decay negative": (
            lambda: _mlp(weight_decay=-1).fit(_X, _Y),
            "weight_decay",
        ),
        "MLP dropout 2": (lambda: _mlp(dropout=2).fit(_X, _Y), "dropout"),
        "MLP hidden 0": (lambda: MLPClassifier(hidden=(0,), **ONE).fit(_X, _Y), "hidden"),
        "MLP predict width": (lambda: _mlp().fit(_X, _Y).predict(_X[:, :2]), r"X has 2"),
        "MLP class_weight dict": (
            lambda: _mlp(class_weight={0: 1, 1: 2}).fit(_X, _Y),
            "class_weight",
        ),
        "MLP multilabel not 0/1": (lambda: _mlp().fit(_X, np.full((40, 2), 0.5)), "0/1"),
        "CNN X inf": (lambda: _cnn().fit(inf_s, _YS), "infinite"),  # was: set to 0
        "CNN X text": (lambda: _cnn().fit(_S.astype(str), _YS), r"\bX\b"),  # was: parsed
        "CNN X complex": (lambda: _cnn().fit(_S.astype(complex), _YS), r"\bX\b"),
        "CNN X 2-D": (lambda: _cnn().fit(_S[0], _YS), r"\bX must have shape"),
        "CNN X no record": (lambda: _cnn().fit(_S[:0], _YS[:0]), r"\bX must hold"),
        "CNN y length": (lambda: _cnn().fit(_S, _YS[:5]), "y has 5"),
        "CNN input_length 0": (lambda: _cnn(input_length=0).fit(_S, _YS), "input_length"),
        "CNN input_length text": (
            lambda: _cnn(input_length="100").fit(_S, _YS),
            "input_length",
        ),
        "CNN predict leads": (lambda: _cnn().fit(_S, _YS).predict(_S[:, :1]), "1 leads"),
        "CNN predict inf": (  # was: predictions from zeros
            lambda: _cnn().fit(_S, _YS).predict(np.full((2, 2, 200), np.inf)),
            "infinite",
        ),
        "CNN records too short": (  # was: torch's "Invalid computed output size: 0"
            lambda: CNN1DClassifier(filters=(4, 4), **ONE).fit(_S[:, :, :3], _YS),
            r"X records of 3 samples are too short",
        ),
        "CNN kernel_size 0": (lambda: _cnn(kernel_size=0).fit(_S, _YS), "kernel_size"),
        "CNN filters empty": (
            lambda: CNN1DClassifier(filters=(), **ONE).fit(_S, _YS),
            "filters",
        ),
        "ResNet filters empty": (  # was: IndexError in the network's constructor
            lambda: ResNet1DClassifier(filters=(), **ONE).fit(_S, _YS),
            "filters",
        ),
        "ResNet kernel_sizes text": (
            lambda: ResNet1DClassifier(filters=(4,), kernel_sizes="3", **ONE).fit(_S, _YS),
            "kernel_sizes",
        ),
        "ResNet records ragged": (
            lambda: ResNet1DClassifier(filters=(4,), **ONE).fit([_S[0], _S[1][:, :100]], [0, 1]),
            "input_length",
        ),
    }


CASE_IDS = sorted(_cases())


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    func, named = _cases()[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_case_count():
    assert len(CASE_IDS) == 32


def _mlp_expected(estimator) -> dict[str, str]:
    return {
        "check_complex_data": (
            "house rule (docs/user_guide/input_validation.md): complex input is a TypeError "
            "naming X, sklearn asks for a ValueError"
        ),
        "check_classifiers_train": (
            "3 epochs do not reach the check's 0.83 training accuracy; "
            "test_mlp_learns_the_check_data runs it with 200 epochs"
        ),
        "check_class_weight_classifiers": "class_weight is None or 'balanced' (documented)",
    }


@parametrize_with_checks(
    [MLPClassifier(hidden=(4,), epochs=3, random_state=0)],
    expected_failed_checks=_mlp_expected,
)
def test_mlp_sklearn_checks(estimator, check):
    check(estimator)


@pytest.mark.slow
def test_mlp_learns_the_check_data():
    """check_classifiers_train (expected to fail at 3 epochs) passes with 200."""
    est = MLPClassifier(
        hidden=(16,), epochs=200, patience=200, validation_fraction=0.0, lr=1e-2, random_state=0
    )
    check_classifiers_train("MLPClassifier", est)


# ---- degenerate but legal input ------------------------------------------------------


def test_constant_feature_and_nan_feature():
    """A constant column and a NaN entry: finite probabilities (NaN is the training mean)."""
    X = _X.copy()
    X[:, 1] = 7.0
    X[3, 0] = np.nan
    p = _mlp().fit(X, _Y).predict_proba(X)
    assert np.isfinite(p).all() and np.allclose(p.sum(axis=1), 1.0, atol=1e-6)


def test_one_record_per_class_and_flat_lead():
    """Two records (one per class), one lead flat, NaN samples: the model trains (no
    validation split under 10 records) and predicts finite probabilities."""
    S = _S[:2].copy()
    S[:, 1] = 0.0  # flat lead
    S[0, 0, :20] = np.nan  # a gap
    est = _cnn().fit(S, [0, 1])
    p = est.predict_proba(S)
    assert est.n_epochs_ == 1 and np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)


def test_seed_reproducible_and_used():
    """The same random_state gives the same network; another seed a different one."""
    a = _cnn().fit(_S, _YS).predict_proba(_S)
    b = _cnn().fit(_S, _YS).predict_proba(_S)
    c = CNN1DClassifier(filters=(4,), epochs=1, random_state=1).fit(_S, _YS).predict_proba(_S)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert not np.allclose(a, c, atol=1e-6)


def test_mlp_predictions_do_not_depend_on_memory_order():
    """Session 24 sweep: a Fortran-ordered (or float32 Fortran) table reached torch strided and
    MLPClassifier's probabilities differed from the C-ordered table's by one float32 ulp
    (5.96e-08); now they are the same bits."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6))
    y = np.repeat([0, 1], 30)
    X[y == 1, 0] += 1.0
    m = MLPClassifier(epochs=2, hidden=(4,), random_state=0).fit(X, y)
    Z = X[:4]
    ref = m.predict_proba(np.ascontiguousarray(Z))
    for W in (np.asfortranarray(Z), np.asfortranarray(Z.astype(np.float32))):
        want = m.predict_proba(np.ascontiguousarray(W))
        np.testing.assert_array_equal(m.predict_proba(W), want)
    np.testing.assert_array_equal(m.predict_proba(np.asfortranarray(Z)), ref)
