"""The scikit-learn transformer of :func:`geoecg.riemann.covariances.lead_covariances`.

Apart from the function so that ``from geoecg.riemann import lead_covariances`` does not
import scikit-learn.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._three_d_input import ThreeDInputMixin
from .._validation import check_fs, flat_leads
from ._window_mean import WINDOW_MEANS
from .covariances import ESTIMATORS, _as_batch, _check_leads, lead_covariances

__all__ = ["LeadCovariances"]

#: Samples of the 0-record array an empty list of records is answered through.
_EMPTY_SAMPLES = 256


def _first_record(X: list):
    """The first record of a list of records; an empty list is a ValueError."""
    if not X:
        raise ValueError("X must hold at least one record, got an empty list")
    return X[0]


class LeadCovariances(ThreeDInputMixin, TransformerMixin, BaseEstimator):
    """Signals ``(n_records, n_leads, n_samples)`` to SPD lead covariances.

    Parameters
    ----------
    estimator : {"scm", "lwf", "oas"}, default "oas"
        See :func:`~geoecg.riemann.lead_covariances`.
    fs : float, optional
        Sampling frequency in Hz; needed for ``band`` and ``window_s``.
    band : (float, float), optional
        Zero-phase Butterworth band-pass (Hz) applied before estimation
        (:func:`geoecg.signal.bandpass`, order 2).
    leads : sequence of int or str, or comma-separated str, optional
        Lead subset: indices, or names of the 12 standard leads (input in standard order).
    n_lags, delay : int, default 1
        Time-delay (Hankel) embedding (``delay`` in samples).
    window_s : float, optional
        Average covariances over non-overlapping windows of this length (s; rounded to
        ``window = round(window_s * fs)`` samples of the delay-embedded signal).
    window_mean : {"arithmetic", "riemann"}, default "arithmetic"
        Element-wise or affine-invariant Riemannian mean of the window covariances; see
        :func:`lead_covariances`. Only used with ``window_s``.
    beat_window_s : (float, float), optional
        Beat-synchronous averaging: the covariance is that of the record's median beat
        (:func:`~geoecg.riemann.beat_averages`, R-peaks from
        :func:`geoecg.features.detect_rpeaks` after the band-pass), this many seconds
        before and after the R-peak. Records without a complete beat give NaN matrices.
        Exclusive with ``window_s``.
    reg : float, default 1e-6
        Relative eigenvalue floor (SPD guarantee); see :func:`lead_covariances`.
    n_jobs : int, default 1
        Threads.

    Attributes
    ----------
    n_leads_in_ : int
        Leads seen in ``fit``.

    Raises
    ------
    ValueError
        In ``fit`` or ``transform``: ``X`` is not (n_leads, n_samples) or (n_records,
        n_leads, n_samples), ``estimator`` or ``window_mean`` is unknown, ``reg`` is not a
        finite number >= 0 (or is 0 with ``window_mean="riemann"``), ``n_lags``, ``delay``
        or ``n_jobs`` is not an integer >= 1, both
        ``window_s`` and ``beat_window_s`` are given, ``band`` is not
        0 < low < high < fs/2 (Hz), or ``band``, ``window_s`` or ``beat_window_s`` comes
        without ``fs``, or ``fs`` is given and is not a positive finite number. The
        parameters are all checked in ``fit``.
    TypeError
        In ``fit``: ``fs`` is given and is not a number (e.g. text).

    Examples
    --------
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> from geoecg.io import PTBXL
    >>> X, _ = PTBXL(sample_ptbxl_dir()).load(fs=100)
    >>> C = LeadCovariances("oas", fs=100, band=(0.5, 40)).fit_transform(X)
    >>> C.shape
    (20, 12, 12)
    >>> LeadCovariances(leads=[1], n_lags=4, delay=2).fit_transform(X).shape
    (20, 4, 4)
    """

    def __init__(
        self,
        estimator="oas",
        *,
        fs=None,
        band=None,
        leads=None,
        n_lags=1,
        delay=1,
        window_s=None,
        window_mean="arithmetic",
        beat_window_s=None,
        reg=1e-6,
        n_jobs=1,
    ):
        self.estimator = estimator
        self.fs = fs
        self.band = band
        self.leads = leads
        self.n_lags = n_lags
        self.delay = delay
        self.window_s = window_s
        self.window_mean = window_mean
        self.beat_window_s = beat_window_s
        self.reg = reg
        self.n_jobs = n_jobs

    def _check_params(self):
        est = self.estimator
        if not isinstance(est, str) or est not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {sorted(ESTIMATORS)}, got {est!r}")
        r = self.reg  # the same rule as lead_covariances, at fit (was: checked in transform)
        if isinstance(r, bool) or not isinstance(r, numbers.Real) or not 0 <= r < np.inf:
            raise ValueError(f"reg must be a finite number >= 0, got {r!r}")
        if self.window_s is not None and self.window_mean == "riemann" and not r > 0:
            raise ValueError(f"window_mean='riemann' needs reg > 0 (SPD windows), got {r!r}")
        if self.window_mean not in WINDOW_MEANS:
            raise ValueError(
                f"window_mean must be one of {list(WINDOW_MEANS)}, got {self.window_mean!r}"
            )
        needs_fs = (self.band, self.window_s, self.beat_window_s)
        if self.fs is None and any(v is not None for v in needs_fs):
            raise ValueError(
                "fs must be a positive number in Hz with band/window_s/beat_window_s, got None"
            )
        if self.fs is not None:  # checked even when nothing uses it (fs=0, "100")
            check_fs(self.fs)
        if self.beat_window_s is not None:
            if self.window_s is not None:
                raise ValueError("window_s and beat_window_s are exclusive; give one")
            bw = np.asarray(self.beat_window_s, dtype=float)
            if bw.shape != (2,) or not (bw[0] >= 0 and bw[1] > 0):
                raise ValueError(
                    f"beat_window_s must be (pre >= 0, post > 0) seconds, "
                    f"got {self.beat_window_s!r}"
                )
        for name in ("n_lags", "delay", "n_jobs"):  # the same rule as lead_covariances, at fit
            v = getattr(self, name, 1)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
        if self.window_s is not None:
            w = self.window_s
            if isinstance(w, bool) or not isinstance(w, numbers.Real) or not 0 < w < np.inf:
                raise ValueError(f"window_s must be a length > 0 in s, got {self.window_s!r}")
        if self.band is not None:
            try:
                lo, hi = (float(v) for v in self.band)
            except (TypeError, ValueError):
                raise ValueError(f"band must be (low, high) in Hz, got {self.band!r}") from None
            if not 0 < lo < hi < self.fs / 2:
                raise ValueError(f"band must satisfy 0 < low < high < fs/2, got {self.band}")

    def fit(self, X, y=None):
        """Check the parameters and record the number of leads; returns self."""
        self._check_params()
        if isinstance(X, list):  # records of any length; a 1-D record is one lead
            first = np.asarray(_first_record(X))
            if first.ndim not in (1, 2):
                raise ValueError(
                    f"each record of a list X must be (n_leads, n_samples) or one lead "
                    f"(n_samples,); record 0 has shape {first.shape}"
                )
            self.n_leads_in_ = 1 if first.ndim == 1 else int(first.shape[0])
        else:
            self.n_leads_in_ = int(_as_batch(X).shape[1])
        idx = _check_leads(self.leads, self.n_leads_in_)
        lead = self.n_leads_in_ if idx is None else len(idx)
        self.n_channels_out_ = lead * self.n_lags
        return self

    def transform(self, X):
        """SPD covariances, shape (n_records, n_channels, n_channels), in mV^2."""
        check_is_fitted(self, "n_leads_in_")
        if isinstance(X, list):
            if not X:  # 0 records: (0, c, c), as for a (0, n_leads, n_samples) array
                return self.transform(np.zeros((0, self.n_leads_in_, _EMPTY_SAMPLES)))
            return np.concatenate([self.transform(np.asarray(x)[None]) for x in X], axis=0)
        X = _as_batch(X)
        if X.shape[1] != self.n_leads_in_:
            raise ValueError(f"X has {X.shape[1]} leads, fit saw {self.n_leads_in_}")
        if self.band is not None:
            from ..signal import bandpass

            flat = flat_leads(X)  # constant (or all-NaN) leads stay exactly flat after filtering
            X = bandpass(X, self.fs, self.band[0], self.band[1], order=2)
            X[flat] = np.where(np.isnan(X[flat]), np.nan, 0.0)
        window = None if self.window_s is None else max(int(round(self.window_s * self.fs)), 2)
        if self.beat_window_s is not None:
            from .beat_average import beat_averages

            X = beat_averages(X, self.fs, window_s=tuple(self.beat_window_s)).signals
        return lead_covariances(
            X,
            estimator=self.estimator,
            leads=self.leads,
            n_lags=self.n_lags,
            delay=self.delay,
            window=window,
            window_mean=self.window_mean,
            reg=self.reg,
            n_jobs=self.n_jobs,
        ).covariances
