"""Invariant-learning baselines on X with environments: IRM, V-REx, GroupDRO, anchor methods.

All are linear(-logistic) models fitted full-batch with L-BFGS on internally standardised
features, so they are deterministic and fast. Environments arrive through metadata routing
as ``domains=`` (one label per sample); without them every sample is one environment, and
each method reduces to (L2-penalised) empirical risk minimisation.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_is_fitted

from .._rows import validate_table, zero_rows

__all__ = [
    "IRMClassifier",
    "VRExClassifier",
    "GroupDROClassifier",
    "AnchorClassifier",
    "AnchorRegression",
]


def _domain_codes(domains, n: int) -> np.ndarray:
    if domains is None:
        return np.zeros(n, dtype=np.int64)
    d = np.asarray(domains)
    if d.ndim != 1 or d.shape[0] != n:
        raise ValueError(
            f"domains must be 1-D with one label per sample ({n}), got shape {d.shape}"
        )
    return np.unique(d, return_inverse=True)[1].astype(np.int64)


def _standardise(X):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    return (X - mu) / sd, mu, sd


def _check_nonneg(name: str, value) -> None:
    """Raise the ValueError of a parameter that is not a finite float >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite float >= 0, got {value!r}")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite float >= 0, got {value}")


def _sigmoid(f):
    return 0.5 * (1.0 + np.tanh(0.5 * f))


class _EnvLogistic(ClassifierMixin, BaseEstimator):
    """Binary logistic model minimising a risk functional over environments."""

    def _objective(self, theta, Z, y, groups):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def _risks(theta, Z, y, groups):
        """Per-environment mean log-loss and its gradient wrt theta = (b, w)."""
        f = theta[0] + Z @ theta[1:]
        p = _sigmoid(f)
        loss = np.logaddexp(0.0, f) - y * f
        r = p - y
        R = np.empty(len(groups))
        G = np.empty((len(groups), theta.size))
        for k, idx in enumerate(groups):
            R[k] = loss[idx].mean()
            G[k, 0] = r[idx].mean()
            G[k, 1:] = Z[idx].T @ r[idx] / idx.size
        return f, p, R, G

    def _check_params(self):
        _check_nonneg("alpha", self.alpha)
        _check_nonneg("tol", self.tol)
        if hasattr(self, "penalty"):  # IRM, VREx: a negative or NaN one fitted silently
            _check_nonneg("penalty", self.penalty)
        it = self.max_iter  # "5" and 5.5 used to pass through int()
        if isinstance(it, bool) or not isinstance(it, numbers.Integral) or it < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {it!r}")

    def fit(self, X, y, domains=None):
        """Fit on X, y and the environment label of each sample (``domains``)."""
        self._check_params()
        X, y = validate_table(self, X, y, y_numeric=False)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size != 2:
            raise ValueError(
                f"Only binary classification is supported. {type(self).__name__} got y with "
                f"{self.classes_.size} class(es), expected 2"
            )
        yb = (y == self.classes_[1]).astype(float)
        codes = _domain_codes(domains, X.shape[0])
        groups = [np.flatnonzero(codes == k) for k in range(codes.max() + 1)]
        groups = [g for g in groups if g.size]
        Z, mu, sd = _standardise(X)
        # warm start at the L2-penalised ERM solution
        C = 1.0 / (self.alpha * X.shape[0]) if self.alpha > 0 else np.inf
        erm = LogisticRegression(C=min(C, 1e12), max_iter=1000, tol=1e-8).fit(Z, yb)
        theta0 = np.concatenate([erm.intercept_, erm.coef_.ravel()])
        res = minimize(
            self._objective,
            theta0,
            args=(Z, yb, groups),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": int(self.max_iter), "gtol": float(self.tol)},
        )
        theta = res.x
        # iterations of the ERM warm start plus those of L-BFGS on the full objective
        self.n_iter_ = int(np.max(erm.n_iter_)) + int(res.nit)
        self.n_domains_ = len(groups)
        self.coef_ = (theta[1:] / sd)[None, :]
        self.intercept_ = np.array([theta[0] - float(np.sum(theta[1:] * mu / sd))])
        return self

    def _l2(self, theta):
        w = theta[1:]
        g = np.zeros_like(theta)
        g[1:] = self.alpha * w
        return 0.5 * self.alpha * float(w @ w), g

    @zero_rows("decision")
    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_table(self, X, reset=False)
        return X @ self.coef_[0] + self.intercept_[0]

    @zero_rows("proba")
    def predict_proba(self, X):
        p1 = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p1, p1])

    @zero_rows("labels")
    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    score = zero_rows("score")(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = False
        return tags


class IRMClassifier(_EnvLogistic):
    """Linear IRMv1 (Arjovsky et al. 2019) for binary outcomes.

    Minimises ``mean_e R_e(w) + penalty * mean_e g_e(w)^2 + alpha/2 |w|^2`` where
    ``R_e`` is the mean log-loss in environment e and ``g_e = d R_e(s * f_w) / ds`` at
    ``s = 1`` (the IRMv1 gradient penalty with a fixed scalar classifier).

    Parameters
    ----------
    penalty : float, default=10.0
        Weight of the invariance penalty (``lambda`` in the paper).
    alpha : float, default=1e-4
        L2 penalty on the standardised weights.
    max_iter : int, default=500
    tol : float, default=1e-6
        L-BFGS gradient tolerance.

    Notes
    -----
    Features are standardised before fitting (coefficients are returned on the original
    scale). The objective is non-convex; the optimiser starts at the ERM solution.

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(300, [Environment(age_mean=50.), Environment(age_mean=70.)], 0)
    >>> IRMClassifier().fit(s.X, s.y, domains=s.domain).predict_proba(s.X[:2]).shape
    (2, 2)
    """

    def __init__(
        self, *, penalty: float = 10.0, alpha: float = 1e-4, max_iter: int = 500, tol: float = 1e-6
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def _objective(self, theta, Z, y, groups):
        f, p, R, G = self._risks(theta, Z, y, groups)
        E = len(groups)
        Zb = np.column_stack([np.ones(Z.shape[0]), Z])
        pen, gpen = 0.0, np.zeros_like(theta)
        a = p * (1.0 - p) * f + (p - y)
        for idx in groups:
            ge = float(((p[idx] - y[idx]) * f[idx]).mean())
            pen += ge * ge
            gpen += 2.0 * ge * (Zb[idx].T @ a[idx]) / idx.size
        l2, gl2 = self._l2(theta)
        val = R.mean() + self.penalty * pen / E + l2
        return val, G.mean(axis=0) + self.penalty * gpen / E + gl2


class VRExClassifier(_EnvLogistic):
    """V-REx (Krueger et al. 2021): ``mean_e R_e + penalty * Var_e(R_e) + alpha/2 |w|^2``.

    Parameters
    ----------
    penalty : float, default=10.0
        Weight of the variance of the per-environment risks (population variance, ddof=0).
    alpha, max_iter, tol : see :class:`IRMClassifier`.

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(300, [Environment(age_mean=50.), Environment(age_mean=70.)], 0)
    >>> VRExClassifier().fit(s.X, s.y, domains=s.domain).coef_.shape
    (1, 4)
    """

    def __init__(
        self, *, penalty: float = 10.0, alpha: float = 1e-4, max_iter: int = 500, tol: float = 1e-6
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def _objective(self, theta, Z, y, groups):
        _, _, R, G = self._risks(theta, Z, y, groups)
        dev = R - R.mean()
        Gdev = G - G.mean(axis=0)
        l2, gl2 = self._l2(theta)
        val = R.mean() + self.penalty * float(np.mean(dev**2)) + l2
        grad = G.mean(axis=0) + self.penalty * 2.0 * (dev @ Gdev) / len(groups) + gl2
        return val, grad


class GroupDROClassifier(_EnvLogistic):
    """GroupDRO (Sagawa et al. 2020) as a smooth worst-environment risk.

    Minimises ``(1/eta) log sum_e exp(eta R_e) + alpha/2 |w|^2``, the log-sum-exp relaxation
    of ``max_e R_e``; as ``eta`` grows it approaches the minimax solution.

    Parameters
    ----------
    eta : float, default=20.0
        Temperature of the soft maximum (per nat of risk).
    alpha, max_iter, tol : see :class:`IRMClassifier`.

    Notes
    -----
    Sagawa et al. optimise the same minimax objective by online exponentiated-gradient
    updates of group weights with SGD; this full-batch deterministic version uses the
    soft maximum instead, which keeps fits reproducible across sweep backends.

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(300, [Environment(age_mean=50.), Environment(age_mean=70.)], 0)
    >>> GroupDROClassifier().fit(s.X, s.y, domains=s.domain).n_domains_
    2
    """

    def __init__(
        self, *, eta: float = 20.0, alpha: float = 1e-4, max_iter: int = 500, tol: float = 1e-6
    ):
        self.eta = eta
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def _objective(self, theta, Z, y, groups):
        if not self.eta > 0:
            raise ValueError(f"eta must be > 0, got {self.eta}")
        _, _, R, G = self._risks(theta, Z, y, groups)
        m = R.max()
        w = np.exp(self.eta * (R - m))
        s = w.sum()
        l2, gl2 = self._l2(theta)
        return m + np.log(s) / self.eta + l2, (w / s) @ G + gl2


def _anchor_projector(anchors, domains, n):
    """Orthonormal basis Q of the column space of the anchors (centred, with intercept)."""
    if anchors is None:
        codes = _domain_codes(domains, n)
        A = np.eye(codes.max() + 1)[codes] if n else np.zeros((0, 1))
    else:
        A = np.asarray(anchors, dtype=float)
        if A.ndim == 1:
            A = A[:, None]
        if A.ndim != 2 or A.shape[0] != n:
            raise ValueError(
                f"anchors must be (n_samples, n_anchors) with one row per sample ({n}), "
                f"got shape {A.shape}"
            )
        if not np.all(np.isfinite(A)):  # NaN used to stop the SVD ("did not converge")
            raise ValueError("anchors must be finite: drop or impute the NaN/inf rows")
        A = np.column_stack([np.ones(n), A])
    Q, r, _ = np.linalg.svd(A, full_matrices=False) if A.size else (np.zeros((n, 0)), [], None)
    keep = np.asarray(r) > 1e-10 * (np.max(r) if len(r) else 1.0)
    return Q[:, keep]


class AnchorClassifier(_EnvLogistic):
    """Anchor classification: logistic loss plus an anchor penalty on the residuals.

    Minimises ``mean log-loss + (gamma - 1) / n * |P_A (y - p)|^2 + alpha/2 |w|^2`` with
    ``P_A`` the projection on the anchors' column space; this is the classification
    analogue of anchor regression (Rothenhäusler et al. 2021) with the residual ``y - p``
    (cf. Kook et al. 2022, distributional anchor regression). ``gamma = 1`` is ERM.

    Parameters
    ----------
    gamma : float, default=5.0
        Anchor strength (>= 0).
    alpha, max_iter, tol : see :class:`IRMClassifier`.

    Notes
    -----
    Anchors are ``anchors=`` (continuous, an intercept is added) or, when absent, the
    one-hot encoded ``domains=``.

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(300, [Environment(age_mean=50.), Environment(age_mean=70.)], 0)
    >>> AnchorClassifier(gamma=3.0).fit(s.X, s.y, domains=s.domain).coef_.shape
    (1, 4)
    """

    def __init__(
        self, *, gamma: float = 5.0, alpha: float = 1e-4, max_iter: int = 500, tol: float = 1e-6
    ):
        self.gamma = gamma
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y, domains=None, anchors=None):
        """Fit with anchors (or one-hot domains) as exogenous variables."""
        _check_nonneg("gamma", self.gamma)
        n = _num_samples(X)
        self._Q = _anchor_projector(anchors, domains, n)
        try:
            return super().fit(X, y, domains=None)
        finally:
            del self._Q

    def _objective(self, theta, Z, y, groups):
        f, p, R, G = self._risks(theta, Z, y, groups)
        n = Z.shape[0]
        Qr = self._Q.T @ (y - p)
        pen = float(Qr @ Qr) / n
        # d/dtheta |Q^T (y - p)|^2 = -2 (Q Q^T r)^T diag(p (1 - p)) [1, Z]
        v = (self._Q @ Qr) * p * (1.0 - p)
        gpen = -2.0 * np.concatenate([[v.sum()], Z.T @ v]) / n
        l2, gl2 = self._l2(theta)
        return R[0] + (self.gamma - 1.0) * pen + l2, G[0] + (self.gamma - 1.0) * gpen + gl2


class AnchorRegression(RegressorMixin, BaseEstimator):
    """Anchor regression (Rothenhäusler, Meinshausen, Bühlmann & Peters 2021).

    Solves ``min_b |(I - P_A)(y - Xb)|^2 + gamma |P_A (y - Xb)|^2 + alpha |b|^2`` by the
    data transformation ``W = I + (sqrt(gamma) - 1) P_A`` followed by ridge regression
    (intercept handled by centring). ``gamma = 1`` is ridge / OLS; ``gamma -> inf`` tends to
    instrumental-variable regression.

    Parameters
    ----------
    gamma : float, default=5.0
    alpha : float, default=0.0
        Ridge penalty.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> A = rng.normal(size=(500, 1)); H = rng.normal(size=500)
    >>> X = A[:, 0] + H + rng.normal(size=500); y = 2 * X + H
    >>> b_ols = AnchorRegression(gamma=1.0).fit(X[:, None], y).coef_[0]
    >>> b_iv = AnchorRegression(gamma=1e6).fit(X[:, None], y, anchors=A).coef_[0]
    >>> bool(abs(b_iv - 2) < abs(b_ols - 2))
    True
    """

    def __init__(self, *, gamma: float = 5.0, alpha: float = 0.0):
        self.gamma = gamma
        self.alpha = alpha

    def fit(self, X, y, domains=None, anchors=None):
        """Fit with anchors (or one-hot domains)."""
        _check_nonneg("gamma", self.gamma)
        _check_nonneg("alpha", self.alpha)
        X, y = validate_table(self, X, y, y_numeric=True)
        y = y.astype(float)
        n = X.shape[0]
        Q = _anchor_projector(anchors, domains, n)
        xm, ym = X.mean(axis=0), y.mean()
        Xc, yc = X - xm, y - ym
        s = np.sqrt(self.gamma) - 1.0
        Xt = Xc + s * (Q @ (Q.T @ Xc))
        yt = yc + s * (Q @ (Q.T @ yc))
        p = X.shape[1]
        b = np.linalg.lstsq(Xt.T @ Xt + self.alpha * np.eye(p), Xt.T @ yt, rcond=None)[0]
        self.coef_ = b
        self.intercept_ = float(ym - xm @ b)
        return self

    @zero_rows("values")
    def predict(self, X):
        check_is_fitted(self)
        X = validate_table(self, X, reset=False)
        return X @ self.coef_ + self.intercept_

    score = zero_rows("score")(RegressorMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
