"""Class-mean tangent space, geodesic augmentation and re-centering: properties and contracts."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sklearn
from pyriemann.classification import MDM
from pyriemann.geometry.distance import distance_riemann
from pyriemann.geometry.mean import gmean
from pyriemann.geometry.tangentspace import untangent_space
from scipy.linalg import expm, logm, sqrtm
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline

from geoecg.riemann import (
    ClassMeanTangentSpace,
    GeodesicAugmentedClassifier,
    LeadCovariances,
    RiemannianRecentering,
    geodesic_augment,
)


def _spd(rng, n_mat, n, scale=1.0):
    A = rng.standard_normal((n_mat, n, 4 * n))
    return A @ A.transpose(0, 2, 1) / (4 * n) * scale + 1e-3 * np.eye(n)


def _geodesic_twin(A, B, t):
    """A^1/2 (A^-1/2 B A^-1/2)^t A^1/2 with scipy matrix functions (Bhatia 2007, eq. 6.11)."""
    a = np.real(sqrtm(A))
    ai = np.linalg.inv(a)
    M = ai @ B @ ai
    return a @ np.real(expm(t * logm(M))) @ a


# ----------------------------------------------------------------- geometry properties
def test_covariances_are_spd(rng):
    X = rng.standard_normal((20, 12, 200))
    X[:, 5] = X[:, 4]  # two identical leads: rank deficient for "scm"
    for est in ("scm", "lwf", "oas"):
        C = LeadCovariances(est).fit_transform(X)
        np.testing.assert_allclose(C, C.transpose(0, 2, 1), atol=0)
        assert np.linalg.eigvalsh(C).min() > 0


def test_distance_congruence_invariance(rng):
    # affine invariance: d(W A W^T, W B W^T) = d(A, B) for any invertible W
    A, B = _spd(rng, 2, 5)
    W = rng.standard_normal((5, 5))
    d0 = distance_riemann(A, B)
    d1 = distance_riemann(W @ A @ W.T, W @ B @ W.T)
    assert d0 > 0.1
    np.testing.assert_allclose(d1, d0, rtol=1e-9)


def test_class_mean_of_two_matrices_is_geodesic_midpoint(rng):
    # closed form: the Riemannian mean of {A, B} is A # B = gamma(1/2)
    C = _spd(rng, 4, 4)
    y = np.array([0, 0, 1, 1])
    t = ClassMeanTangentSpace().fit(C, y)
    for k, (a, b) in enumerate(((0, 1), (2, 3))):
        np.testing.assert_allclose(t.means_[k], _geodesic_twin(C[a], C[b], 0.5), rtol=1e-6)


def test_tangent_round_trip(rng):
    C = _spd(rng, 12, 4)
    y = np.repeat([0, 1, 2], 4)
    t = ClassMeanTangentSpace(mode="concat").fit(C, y)
    T = t.transform(C)
    p = 4 * 5 // 2
    assert T.shape == (12, 3 * p)
    for k in range(3):
        back = untangent_space(T[:, k * p : (k + 1) * p], t.means_[k])
        np.testing.assert_allclose(back, C, rtol=1e-8, atol=1e-10)


def test_tangent_norm_equals_distance(rng):
    C = _spd(rng, 10, 3)
    y = np.repeat([0, 1], 5)
    t = ClassMeanTangentSpace().fit(C, y)
    T = t.transform(C)
    for k in range(2):
        d = np.array([distance_riemann(c, t.means_[k]) for c in C])
        np.testing.assert_allclose(np.linalg.norm(T[:, 6 * k : 6 * (k + 1)], axis=1), d, rtol=1e-8)


def test_transform_never_reads_y(rng):
    C = _spd(rng, 20, 3)
    y = np.repeat([0, 1], 10)
    for mode in ("concat", "nearest"):
        t = ClassMeanTangentSpace(mode=mode).fit(C, y)
        T = t.transform(C)
        # transform has no y argument, and shuffling rows only permutes the output
        with pytest.raises(TypeError):
            t.transform(C, y)
        perm = rng.permutation(20)
        np.testing.assert_allclose(t.transform(C[perm]), T[perm])
        assert len(t.get_feature_names_out()) == T.shape[1]


def test_nearest_mode_uses_nearest_mean(rng):
    a = _spd(rng, 10, 3)
    b = _spd(rng, 10, 3, scale=30.0)
    C = np.concatenate([a, b])
    y = np.repeat([0, 1], 10)
    t = ClassMeanTangentSpace(mode="nearest").fit(C, y)
    T = t.transform(C)
    d = T[:, 6:]
    assert np.mean(np.argmin(d, axis=1) == y) == 1.0
    near_norm = np.linalg.norm(T[:, :6], axis=1)
    np.testing.assert_allclose(near_norm, d.min(axis=1), rtol=1e-8)


def test_tangent_contract_and_errors(rng):
    C = _spd(rng, 8, 3)
    y = np.repeat([0, 1], 4)
    t = ClassMeanTangentSpace()
    with pytest.raises(NotFittedError):
        t.transform(C)
    a = t.fit(C, y).transform(C)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(t)).transform(C), a)
    np.testing.assert_array_equal(clone(t).fit(C, y).transform(C), a)
    with pytest.raises(ValueError, match="at least 2 classes"):
        ClassMeanTangentSpace().fit(C, np.zeros(8))
    with pytest.raises(ValueError, match="NaN"):
        ClassMeanTangentSpace().fit(np.full((8, 3, 3), np.nan), y)
    with pytest.raises(ValueError, match="mode"):
        ClassMeanTangentSpace(mode="all").fit(C, y)
    with pytest.raises(ValueError, match="square"):
        t.transform(C[:, :2])


# ----------------------------------------------------------------- augmentation
def test_geodesic_augment_points_are_on_geodesic(rng):
    C = _spd(rng, 6, 3)
    y = np.array([0, 0, 0, 1, 1, 1])
    s = geodesic_augment(C, y, ratio=2, random_state=0)
    assert s.X.shape == (12, 3, 3)
    np.testing.assert_array_equal(y[s.first], s.y)
    np.testing.assert_array_equal(y[s.second], s.y)
    assert np.all(s.first != s.second) and np.all((s.alpha > 0) & (s.alpha < 1))
    for j in range(12):
        np.testing.assert_allclose(
            s.X[j], _geodesic_twin(C[s.first[j]], C[s.second[j]], s.alpha[j]), rtol=1e-6
        )
        # on the geodesic: d(A, X) = alpha d(A, B)
        np.testing.assert_allclose(
            distance_riemann(C[s.first[j]], s.X[j]),
            s.alpha[j] * distance_riemann(C[s.first[j]], C[s.second[j]]),
            rtol=1e-6,
        )


def test_geodesic_augment_logeuclid(rng):
    C = _spd(rng, 4, 3)
    s = geodesic_augment(C, [0, 0, 1, 1], ratio=1, metric="logeuclid", random_state=1)
    for j in range(4):
        a, b, t = C[s.first[j]], C[s.second[j]], s.alpha[j]
        np.testing.assert_allclose(s.X[j], expm((1 - t) * logm(a) + t * logm(b)).real, rtol=1e-6)


def test_geodesic_augment_degenerate_and_errors(rng):
    C = _spd(rng, 3, 2)
    s = geodesic_augment(C, [0, 1, 2], ratio=1, random_state=0)  # no class has a pair
    assert s.X.shape == (0, 2, 2)
    with pytest.raises(ValueError, match="metric"):
        geodesic_augment(C, [0, 0, 1], metric="euclid")
    with pytest.raises(ValueError, match="ratio"):
        geodesic_augment(C, [0, 0, 1], ratio=-1)


class _Spy(ClassifierMixin, BaseEstimator):
    """Records the matrices it is fitted on and asked to predict."""

    def fit(self, X, y):
        self.fit_X_ = np.asarray(X).copy()
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        self.seen_ = np.asarray(X).copy()
        return np.tile([0.5, 0.5], (len(X), 1))

    def predict(self, X):
        self.seen_ = np.asarray(X).copy()
        return np.full(len(X), self.classes_[0])


def test_test_folds_never_augmented(rng):
    C = _spd(rng, 20, 3)
    y = np.repeat([0, 1], 10)
    groups = np.arange(20) // 2
    cv = list(GroupKFold(4).split(C, y, groups))
    out = cross_validate(
        GeodesicAugmentedClassifier(_Spy(), ratio=1.5, random_state=0),
        C,
        y,
        cv=cv,
        scoring="roc_auc",
        return_estimator=True,
    )
    for est, (tr, te) in zip(out["estimator"], cv, strict=True):
        inner = est.estimator_
        # training: the fold's own matrices first, then round(1.5 * n) synthetic ones
        assert inner.fit_X_.shape[0] == len(tr) + round(1.5 * len(tr))
        np.testing.assert_array_equal(inner.fit_X_[: len(tr)], C[tr])
        # no synthetic matrix equals a test matrix, and the test rows reach predict unchanged
        np.testing.assert_array_equal(inner.seen_, C[te])


def test_augmented_classifier_learns(rng):
    C = np.concatenate([_spd(rng, 15, 3), _spd(rng, 15, 3, scale=4.0)])
    y = np.repeat([0, 1], 15)
    clf = GeodesicAugmentedClassifier(MDM(), random_state=0).fit(C, y)
    assert clf.n_augmented_ == 30
    assert np.mean(clf.predict(C) == y) > 0.9
    a = clf.predict_proba(C)
    np.testing.assert_array_equal(clone(clf).fit(C, y).predict_proba(C), a)  # seeded


# ----------------------------------------------------------------- re-centering
def test_recentering_removes_domain_congruence(rng):
    base = _spd(rng, 30, 4)
    site = np.repeat(["a", "b", "c"], 10)
    W = {"a": np.eye(4), "b": rng.standard_normal((4, 4)), "c": np.diag([1, 2, 3, 4.0])}
    Cs = np.stack([W[s] @ base[i] @ W[s].T for i, s in enumerate(site)])
    Z = RiemannianRecentering().fit_transform(Cs, domains=site)
    for s in "abc":
        np.testing.assert_allclose(gmean(Z[site == s]), np.eye(4), atol=1e-6)
    # distances within a domain are preserved (congruence invariance)
    np.testing.assert_allclose(
        distance_riemann(Z[10], Z[11]), distance_riemann(Cs[10], Cs[11]), rtol=1e-8
    )


def test_recentering_unseen_domains(rng):
    C = _spd(rng, 12, 3)
    d = np.repeat([0, 1], 6)
    r = RiemannianRecentering().fit(C[:6], domains=d[:6])
    Z = r.transform(C[6:], domains=d[6:])
    np.testing.assert_allclose(gmean(Z), np.eye(3), atol=1e-6)
    with pytest.raises(ValueError, match="not seen"):
        RiemannianRecentering(unseen="error").fit(C[:6], domains=d[:6]).transform(
            C[6:], domains=d[6:]
        )
    with pytest.raises(ValueError, match="aligned"):
        r.transform(C, domains=d[:3])


def test_recentering_through_metadata_routing(rng):
    C = np.concatenate([_spd(rng, 20, 3), _spd(rng, 20, 3, scale=3.0)])
    y = np.tile(np.repeat([0, 1], 10), 2)
    C[y == 1] *= 1.5
    site = np.repeat([0, 1], 20)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            RiemannianRecentering()
            .set_fit_request(domains=True)
            .set_transform_request(domains=True),
            ClassMeanTangentSpace(),
            LogisticRegression(),
        )
        pipe.fit(C, y, domains=site)
        p_routed = pipe.predict_proba(C, domains=site)[:, 1]
        rec = pipe[0]
        assert set(rec.domain_means_) == {0, 1}
    # the same as doing it by hand
    Z = RiemannianRecentering().fit_transform(C, domains=site)
    manual = make_pipeline(ClassMeanTangentSpace(), LogisticRegression()).fit(Z, y)
    np.testing.assert_allclose(p_routed, manual.predict_proba(Z)[:, 1], rtol=1e-8)
