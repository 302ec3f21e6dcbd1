"""Atrial-fibrillation detectors (window level) and the CinC 2017 record classifier.

Window-level detectors take ``X`` = RR windows, shape ``(n_windows, n_intervals)`` in ms
(NaN = missing), e.g. from :func:`geoecg.features.af.rr_windows`, and ``y`` = AF (1/True)
or not (0/False):

- :class:`TatenoGlassDetector`: Kolmogorov-Smirnov distance of the window's ΔRR to the AF
  template of its mean-RR bin (Tateno & Glass 2001); templates and threshold fitted.
- :class:`COSEnDetector`: coefficient of sample entropy above a threshold (Lake & Moorman
  2011, who used -1.4 on 12-beat windows); threshold fitted.
- :class:`LowComplexityAFDetector`: ectopic-pair removal, bigeminy suppression and the
  median irregularity of a short window, in the spirit of Petrėnas et al. 2015;
  threshold fitted.
- :class:`AFDetector`: gradient-boosted trees (xgboost) on the 15 AF window statistics.

Each has ``predict_series(rr_ms)`` / ``predict_proba_series(rr_ms)`` giving one decision per
interval of a long series (beat-centred windows of ``window`` intervals).

:class:`~geoecg.estimators.af.CinC2017Classifier` (whole-record N / A / O / ~
classification) lives in :mod:`geoecg.estimators.af.cinc2017`.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state

from ..._rows import validate_table, zero_rows
from ...features.af.windows import (
    AF_STAT_NAMES,
    AFTemplates,
    af_window_stats,
    default_af_templates,
    fit_af_templates,
    rr_windows,
)

__all__ = [
    "TatenoGlassDetector",
    "COSEnDetector",
    "LowComplexityAFDetector",
    "AFDetector",
]


def _binary_y(y) -> np.ndarray:
    y = np.asarray(y)
    check_classification_targets(y)
    vals = np.unique(y)
    if not set(vals.tolist()) <= {0, 1}:
        raise ValueError(f"y must be binary AF labels (0/1 or bool), got values {vals[:5]}")
    return y.astype(bool)


def youden_threshold(score: np.ndarray, y: np.ndarray) -> float:
    """Threshold on ``score`` (higher = AF) that maximises Se + Sp - 1 (ties: the middle
    of the best run of candidates). NaN scores are left out."""
    ok = np.isfinite(score)
    s, t = score[ok], y[ok]
    if s.size == 0 or t.all() or not t.any():
        raise ValueError("threshold tuning needs finite statistics of both AF and non-AF windows")
    order = np.argsort(-s, kind="stable")
    s, t = s[order], t[order]
    tp = np.cumsum(t)
    fp = np.cumsum(~t)
    last = np.r_[s[1:] != s[:-1], True]  # decision "score >= s_i" between distinct values
    j = tp / t.sum() - fp / (~t).sum()
    j = np.where(last, j, -np.inf)
    best = np.flatnonzero(j == j.max())
    i = best[len(best) // 2]
    nxt = s[i + 1] if i + 1 < s.size else s[i] - 1.0
    return float(0.5 * (s[i] + nxt))


class _RRDetectorBase(ClassifierMixin, BaseEstimator):
    """Shared machinery: validation, per-series prediction."""

    def _windows(self, X, reset: bool) -> np.ndarray:
        X = validate_table(self, X, reset=reset, ensure_all_finite="allow-nan", dtype=np.float64)
        if np.any(np.isinf(X)) or np.any(X[np.isfinite(X)] <= 0):
            raise ValueError("X must hold RR intervals in ms (positive) or NaN")
        return X

    def _check_window(self) -> int:
        w = self.window
        if not isinstance(w, numbers.Integral) or isinstance(w, bool) or w < 4:
            raise ValueError(f"window must be an integer >= 4 (intervals), got {w!r}")
        return int(w)

    def fit_series(self, rr_ms, y):
        """Fit on the beat-centred windows of ``window`` intervals of RR series.

        ``rr_ms`` is one 1-D series (ms) or a list of them; ``y`` the AF label of each
        interval (same shapes). Windows never straddle two series.
        """
        w = self._check_window()
        if isinstance(rr_ms, np.ndarray) and rr_ms.ndim == 1:
            rr_ms, y = [rr_ms], [y]
        if len(rr_ms) != len(y):
            raise ValueError(f"got {len(rr_ms)} RR series and {len(y)} label series")
        Ws, ys = [], []
        for rr, lab in zip(rr_ms, y, strict=True):
            rr = np.asarray(rr, dtype=np.float64)
            lab = np.asarray(lab)
            if rr.shape != lab.shape:
                raise ValueError(f"RR series of shape {rr.shape} has labels of {lab.shape}")
            Ws.append(rr_windows(rr, w))
            ys.append(lab)
        return self.fit(np.vstack(Ws), np.concatenate(ys))

    def predict_proba_series(self, rr_ms) -> np.ndarray:
        """P(AF) for each interval of a 1-D RR series (ms), from the beat-centred window of
        the fitted width (``window`` when fitted with ``fit_series``); NaN where the window
        has too few finite intervals."""
        check_is_fitted(self)
        rr = np.asarray(rr_ms, dtype=np.float64)
        if rr.ndim != 1:
            raise ValueError(f"rr_ms must be 1-D (ms), got shape {rr.shape}")
        W = rr_windows(rr, self.n_features_in_)
        return self._proba_af(W)

    def predict_series(self, rr_ms) -> np.ndarray:
        """AF decision (bool) per interval of a 1-D RR series (ms); windows without a
        statistic are not AF."""
        p = self.predict_proba_series(rr_ms)
        return np.nan_to_num(p, nan=0.0) >= 0.5

    @zero_rows("proba")
    def predict_proba(self, X) -> np.ndarray:
        """Columns ``[P(not AF), P(AF)]``; a window without a statistic (too few finite
        intervals) gets 0.5 / 0.5 and is predicted not AF."""
        check_is_fitted(self)
        X = self._windows(X, reset=False)
        p = np.nan_to_num(self._proba_af(X), nan=0.5)
        return np.column_stack([1.0 - p, p])

    @zero_rows("labels")
    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)
        p = self.predict_proba(X)[:, 1]
        return np.where(p > 0.5, self.classes_[1], self.classes_[0])

    score = zero_rows("score")(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags


class _ThresholdDetector(_RRDetectorBase):
    """A statistic (higher = more AF-like) compared with a threshold tuned in ``fit``."""

    _stat_name = ""
    _sign = 1.0

    def _stat(self, X) -> np.ndarray:
        s = af_window_stats(X, templates=getattr(self, "templates_", None), min_intervals=4)
        return self._sign * s[:, AF_STAT_NAMES.index(self._stat_name)]

    def _fit_extra(self, X, y) -> None:
        """Hook for fitted state other than the threshold (templates)."""

    def fit(self, X, y):
        """Tune the threshold (Youden's J) on RR windows ``X`` (ms) with AF labels ``y``,
        unless ``threshold`` is given."""
        self._check_window()
        X = self._windows(X, reset=True)
        yb = _binary_y(y)
        self.classes_ = np.array([False, True]) if np.asarray(y).dtype == bool else np.array([0, 1])
        self._fit_extra(X, yb)
        s = self._stat(X)
        if self.threshold is None:
            self.threshold_ = youden_threshold(s, yb)
        else:
            self.threshold_ = self._sign * float(self.threshold)
        ok = s[np.isfinite(s)]
        q75, q25 = np.percentile(ok, [75, 25]) if ok.size else (1.0, 0.0)
        self.scale_ = float(q75 - q25) / 4.0 if q75 > q25 else 1.0
        return self

    @zero_rows("decision")
    def decision_function(self, X) -> np.ndarray:
        """Statistic minus threshold (positive = AF), NaN where undefined."""
        check_is_fitted(self)
        X = self._windows(X, reset=False)
        return self._stat(X) - self.threshold_

    def _proba_af(self, W) -> np.ndarray:
        z = (self._stat(W) - self.threshold_) / self.scale_
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-z))


class TatenoGlassDetector(_ThresholdDetector):
    """Tateno & Glass (2001): KS test of the ΔRR distribution against AF templates.

    Parameters
    ----------
    window : int, default 51
        Intervals per window for ``predict_series`` (50 ΔRR, as in the paper).
    threshold : float, optional
        Fixed KS distance below which a window is AF; ``None`` tunes it in ``fit``.
    fit_templates : bool, default True
        Learn the ΔRR templates from the AF windows in ``fit``; otherwise use the
        parametric default of :func:`~geoecg.features.default_af_templates`.

    Attributes
    ----------
    templates_ : AFTemplates
    threshold_ : float
        Negated KS distance at which the decision flips (the statistic is ``-TG_D``).

    Notes
    -----
    The published templates (16 mean-RR bins of MIT-BIH AFDB) are not public; the fitted
    templates here come from whatever AF windows ``fit`` is given.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sinus = 800 + 15 * rng.standard_normal((40, 51))
    >>> af = rng.uniform(450, 1000, (40, 51))
    >>> X, y = np.vstack([sinus, af]), np.r_[np.zeros(40), np.ones(40)].astype(int)
    >>> det = TatenoGlassDetector().fit(X, y)
    >>> float((det.predict(X) == y).mean())
    1.0
    """

    _stat_name = "TG_D"
    _sign = -1.0

    def __init__(self, window=51, threshold=None, fit_templates=True):
        self.window = window
        self.threshold = threshold
        self.fit_templates = fit_templates

    def _fit_extra(self, X, y):
        self.templates_: AFTemplates = (
            fit_af_templates(X, y) if self.fit_templates else default_af_templates()
        )


class COSEnDetector(_ThresholdDetector):
    """Coefficient of sample entropy (Lake & Moorman 2011) above a threshold.

    Parameters
    ----------
    window : int, default 16
        Intervals per window for ``predict_series``.
    threshold : float, optional
        Fixed COSEn threshold (the paper used -1.4 on 12-beat windows); ``None`` tunes it.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = np.vstack([800 + 15 * rng.standard_normal((30, 16)), rng.uniform(450, 1000, (30, 16))])
    >>> y = np.r_[np.zeros(30), np.ones(30)].astype(int)
    >>> float((COSEnDetector().fit(X, y).predict(X) == y).mean()) > 0.9
    True
    """

    _stat_name = "COSEn"

    def __init__(self, window=16, threshold=None):
        self.window = window
        self.threshold = threshold


class LowComplexityAFDetector(_ThresholdDetector):
    """Short-window irregularity detector in the spirit of Petrėnas et al. (2015).

    Premature/compensatory interval pairs are removed (ectopic filter), the irregularity of
    each remaining interval is ``min(|y_i - y_{i-k}|, k = 1, 2, 3)`` (bigeminal and
    trigeminal rhythms have small lag-2 or lag-3 differences, so they are suppressed), and
    the window statistic is its median over the window divided by the median RR.

    Parameters
    ----------
    window : int, default 11
        Intervals per window for ``predict_series`` (8 irregularity values after the three
        lag-3 start-up intervals, like the paper's 8-beat window).
    threshold : float, optional
        Fixed irregularity threshold; ``None`` tunes it in ``fit``.

    Notes
    -----
    Petrėnas et al. also smooth the irregularity with a heart-rate-dependent exponential
    average; this version decides on each window alone.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> bigem = np.tile([600.0, 1000.0], (30, 6))[:, :11] + 5 * rng.standard_normal((30, 11))
    >>> af = rng.uniform(450, 1000, (30, 11))
    >>> X, y = np.vstack([bigem, af]), np.r_[np.zeros(30), np.ones(30)].astype(int)
    >>> float((LowComplexityAFDetector().fit(X, y).predict(X) == y).mean()) > 0.9
    True
    """

    _stat_name = "Irr"

    def __init__(self, window=11, threshold=None):
        self.window = window
        self.threshold = threshold


class AFDetector(_RRDetectorBase):
    """Learned AF detector: xgboost on the AF statistics of RR windows.

    Parameters
    ----------
    window : int, default 30
        Intervals per window for ``predict_series``.
    n_estimators, max_depth, learning_rate : xgboost settings.
    random_state : int, RandomState or None
    n_jobs : int, default 1

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> X = np.vstack([800 + 15 * rng.standard_normal((40, 30)), rng.uniform(450, 1000, (40, 30))])
    >>> y = np.r_[np.zeros(40), np.ones(40)].astype(int)
    >>> det = AFDetector(n_estimators=20, random_state=0).fit(X, y)
    >>> float((det.predict(X) == y).mean())
    1.0
    """

    def __init__(
        self,
        window=30,
        n_estimators=200,
        max_depth=4,
        learning_rate=0.1,
        random_state=None,
        n_jobs=1,
    ):
        self.window = window
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        from xgboost import XGBClassifier

        self._check_window()
        X = self._windows(X, reset=True)
        yb = _binary_y(y)
        if yb.all() or not yb.any():
            raise ValueError("AFDetector needs both AF and non-AF windows (one class in y)")
        self.classes_ = np.array([False, True]) if np.asarray(y).dtype == bool else np.array([0, 1])
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self.model_ = XGBClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            random_state=seed,
            n_jobs=self.n_jobs,
            tree_method="hist",
        )
        self.model_.fit(af_window_stats(X), yb.astype(int))
        return self

    def _proba_af(self, W) -> np.ndarray:
        s = af_window_stats(W)
        p = self.model_.predict_proba(s)[:, 1].astype(np.float64)
        p[~np.isfinite(s[:, 0])] = np.nan  # too few intervals: no statistic
        return p
