"""AF detection on RR series with morphology-marked ectopic beats taken out.

:class:`EctopyFilteredDetector` wraps any RR-window detector of
:mod:`geoecg.estimators.af` (``fit_series`` / ``predict_series``). Given the ectopic flag of
every beat (e.g. from :func:`geoecg.features.ectopy.ectopic_beats`, QRS morphology), it

1. takes the ectopic beats' influence out of the RR series (``mode``; by default the
   intervals that start or end on an ectopic beat are dropped and the remaining
   normal-to-normal intervals are joined),
2. fits / runs the wrapped detector on that series (its threshold is fitted in ``fit`` on the
   filtered training series only),
3. maps the decisions back to every interval of the original series, and
4. optionally drops AF runs shorter than ``min_episode_s`` (30 s: the usual clinical
   minimum duration of an AF episode).

Ventricular ectopy (bigeminy, couplets, trigeminy, short VT runs) makes an RR series as
irregular as AF; its wide, differently shaped QRS does not match the dominant beat, so the
filter removes it while AF, whose QRS is normal, keeps its irregular normal-to-normal
intervals.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError

from ...features.ectopy import repair_rr

__all__ = ["EctopyFilteredDetector", "drop_short_runs"]

_MODES = ("drop", "interpolate", "remove")


def drop_short_runs(decision, rr_ms, min_s: float) -> np.ndarray:
    """Set runs of True shorter than ``min_s`` seconds to False.

    Parameters
    ----------
    decision : array_like of bool, shape (n,)
        Decision per RR interval.
    rr_ms : array_like, shape (n,)
        The intervals, ms (NaN counts as 0 s).
    min_s : float
        Minimum run duration, s (the sum of its intervals); ``<= 0`` keeps every run.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> drop_short_runs([True, True, False, True], [20e3, 15e3, 800, 1e3], 30.0).tolist()
    [True, True, False, False]
    """
    from ..._validation import check_rr

    d = np.asarray(decision, dtype=bool).ravel().copy()
    rr = np.nan_to_num(check_rr(np.ravel(rr_ms)), nan=0.0)
    if min_s is not None and not np.isfinite(float(min_s)):
        raise ValueError(f"min_s must be a finite number of seconds (or None), got {min_s}")
    if rr.shape != d.shape:
        raise ValueError(f"decision {d.shape} and rr_ms {rr.shape} differ in shape")
    if min_s is None or min_s <= 0 or not d.any():
        return d
    edges = np.flatnonzero(np.diff(np.r_[0, d.astype(np.int8), 0]))
    starts, stops = edges[::2], edges[1::2]
    c = np.r_[0.0, np.cumsum(rr)]
    for a, b in zip(starts, stops, strict=True):
        if (c[b] - c[a]) / 1000.0 < min_s:
            d[a:b] = False
    return d


class EctopyFilteredDetector(BaseEstimator):
    """An RR-series AF detector run on the series with the ectopic beats taken out.

    Parameters
    ----------
    base : estimator, optional
        A detector with ``fit_series(rr_list, y_list)`` and ``predict_series(rr)`` /
        ``predict_proba_series(rr)`` (any detector of :mod:`geoecg.estimators.af`); cloned in
        ``fit_series``. Default :class:`geoecg.estimators.af.COSEnDetector`.
    mode : {"drop", "interpolate", "remove"}, default "drop"
        How ectopic beats are taken out of the RR series:

        - ``"drop"``: intervals starting or ending on an ectopic beat are removed and the
          remaining intervals joined (the detector sees only normal-to-normal intervals);
          a removed interval is AF only when the kept intervals on both sides of it are
          (ectopy inside AF stays AF, bigeminy between sinus stretches does not; removed
          intervals before the first or after the last kept one are not AF).
        - ``"interpolate"``: each run of ectopic beats is moved to evenly spaced times
          between the normal beats around it (:func:`geoecg.features.ectopy.repair_rr`).
        - ``"remove"``: those intervals become NaN in place (the detector's windows hold
          fewer intervals; windows with too few get no statistic and are not AF).
    min_episode_s : float, default 30
        AF runs shorter than this (s, sum of their original intervals) are set to not AF;
        ``0`` keeps every run.

    Attributes
    ----------
    base_ : estimator
        The fitted clone of ``base``.

    Notes
    -----
    A series-level meta-estimator (``fit_series`` / ``predict_series``, no window-level
    ``fit``): ``get_params`` / ``set_params`` / ``clone`` work as for any scikit-learn
    estimator. ``ectopic`` has one flag per *beat* (``len(rr) + 1``); ``None`` means no
    beat is ectopic (the plain detector plus the episode filter). A series whose beats are
    all ectopic has no interval left and is not AF.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sinus = 800 + 10 * rng.standard_normal(400)
    >>> bigem = np.tile([500.0, 1100.0], 200) + 10 * rng.standard_normal(400)
    >>> af = rng.uniform(400, 1000, 400)
    >>> rr = [np.r_[sinus, af], np.r_[bigem, af]]
    >>> y = [np.r_[np.zeros(400), np.ones(400)].astype(bool)] * 2
    >>> ect = [np.zeros(801, bool), np.r_[np.arange(401) % 2 == 1, np.zeros(400, bool)]]
    >>> det = EctopyFilteredDetector(min_episode_s=0).fit_series(rr, y, ect)
    >>> p = det.predict_series(rr[1], ect[1])
    >>> bool(p[:390].mean() < 0.05), bool(p[410:].mean() > 0.9)
    (True, True)
    """

    def __init__(self, base=None, mode="drop", min_episode_s=30.0):
        self.base = base
        self.mode = mode
        self.min_episode_s = min_episode_s

    def _check(self):
        if self.mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {self.mode!r}")
        m = self.min_episode_s
        if m is None or not np.isfinite(m) or m < 0:
            raise ValueError(f"min_episode_s must be a finite number >= 0 (s), got {m!r}")

    def _check_fitted(self):
        if not hasattr(self, "base_"):
            raise NotFittedError("EctopyFilteredDetector is not fitted: call fit_series first")

    @staticmethod
    def _series(rr, ectopic):
        rr = np.asarray(rr, dtype=np.float64)
        if rr.ndim != 1:
            raise ValueError(f"rr_ms must be 1-D (ms), got shape {rr.shape}")
        e = np.zeros(rr.size + 1, bool) if ectopic is None else np.asarray(ectopic, bool)
        if e.shape != (rr.size + 1,):
            raise ValueError(f"ectopic needs one flag per beat ({rr.size + 1}), got {e.shape}")
        return rr, e

    def _transform(self, rr, e):
        """(series for the base detector, kept-interval mask or None)."""
        if self.mode == "drop":
            keep = ~(e[:-1] | e[1:])
            return rr[keep], keep
        return repair_rr(rr, e, self.mode), None

    def fit_series(self, rr_ms, y, ectopic=None):
        """Fit the wrapped detector on the filtered series.

        Parameters
        ----------
        rr_ms : array_like or list of array_like
            One RR series (ms) or a list of them.
        y : array_like or list of array_like
            AF label per interval (bool or 0/1), same shapes as ``rr_ms``.
        ectopic : array_like or list of array_like, optional
            Ectopic flag per beat (``len(rr) + 1`` each); ``None`` = none ectopic.

        Returns
        -------
        self
        """
        from .detectors import COSEnDetector

        self._check()
        if isinstance(rr_ms, np.ndarray) and rr_ms.ndim == 1:
            rr_ms, y, ectopic = [rr_ms], [y], [ectopic]
        if ectopic is None:
            ectopic = [None] * len(rr_ms)
        if not len(rr_ms) == len(y) == len(ectopic):
            raise ValueError(
                f"got {len(rr_ms)} RR series, {len(y)} label series and "
                f"{len(ectopic)} ectopic series"
            )
        xs, ys = [], []
        for rr, lab, ect in zip(rr_ms, y, ectopic, strict=True):
            rr, e = self._series(rr, ect)
            lab = np.asarray(lab)
            if lab.shape != rr.shape:
                raise ValueError(f"RR series of shape {rr.shape} has labels of {lab.shape}")
            s, keep = self._transform(rr, e)
            xs.append(s)
            ys.append(lab if keep is None else lab[keep])
        self.base_ = clone(self.base) if self.base is not None else COSEnDetector()
        self.base_.fit_series(xs, ys)
        self.classes_ = getattr(self.base_, "classes_", np.array([False, True]))
        return self

    @staticmethod
    def _map_back(v, keep, fill):
        """Values of the kept intervals back on the full series; a dropped interval gets the
        smaller of the values of the kept intervals before and after it (AF only when the
        rhythm on both sides is AF); dropped intervals before the first or after the last
        kept one get ``fill``."""
        if keep is None:
            return v
        out = np.full(keep.size, fill, dtype=v.dtype)
        idx = np.flatnonzero(keep)
        if idx.size == 0:
            return out
        pos = np.arange(keep.size)
        nxt = np.searchsorted(idx, pos)
        prv = np.searchsorted(idx, pos, side="right") - 1
        ok = (nxt < idx.size) & (prv >= 0)
        out[ok] = np.minimum(v[prv[ok]], v[nxt[ok]])
        return out

    def predict_proba_series(self, rr_ms, ectopic=None) -> np.ndarray:
        """P(AF) per interval of a 1-D RR series (ms) from the wrapped detector on the
        filtered series (no episode-duration filter); NaN where undefined."""
        self._check_fitted()
        rr, e = self._series(rr_ms, ectopic)
        s, keep = self._transform(rr, e)
        p = self.base_.predict_proba_series(s) if s.size else np.empty(0)
        return self._map_back(np.asarray(p, dtype=np.float64), keep, np.nan)

    def predict_series(self, rr_ms, ectopic=None) -> np.ndarray:
        """AF decision (bool) per interval of a 1-D RR series (ms), after the episode-
        duration filter."""
        self._check_fitted()
        self._check()
        rr, e = self._series(rr_ms, ectopic)
        s, keep = self._transform(rr, e)
        d = np.asarray(self.base_.predict_series(s), dtype=bool) if s.size else np.empty(0, bool)
        d = self._map_back(d, keep, False)
        return drop_short_runs(d, rr, float(self.min_episode_s))
