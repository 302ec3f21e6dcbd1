"""R-peak detection as a scikit-learn transformer over a cohort of records.

It lives apart from :mod:`geoecg.features.rpeaks` so that :func:`detect_rpeaks` imports
without scikit-learn (a fresh process that only detects R-peaks starts faster).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._three_d_input import ThreeDInputMixin
from .._validation import as_signal, is_record_list
from .rpeaks import RPeakResult, _validate_signal, detect_rpeaks

__all__ = ["RPeakDetector"]

#: the keyword-only options of :func:`detect_rpeaks`, all of them parameters of RPeakDetector
DETECT_OPTIONS = (
    "method",
    "band_hz",
    "window_ms",
    "refractory_ms",
    "threshold",
    "refine_ms",
    "prune",
    "prune_rr",
    "prune_h",
    "track",
    "max_gap_ms",
)


class RPeakDetector(ThreeDInputMixin, TransformerMixin, BaseEstimator):
    """Detect R-peaks in every record of a cohort (a transformer for pipelines).

    Parameters
    ----------
    fs : float
        Sampling frequency in Hz.
    lead : int or None, default None
        Lead to use; None combines all leads (see :func:`detect_rpeaks` Notes).
    method, band_hz, window_ms, refractory_ms, threshold, refine_ms, prune, prune_rr, \
prune_h, track, max_gap_ms
        Every option of :func:`detect_rpeaks`, with the same defaults and meaning (``track``:
        beat-sequence tracking in noise; turn it off when the beats feed a measure of
        irregularity or noise).

    Notes
    -----
    ``transform`` accepts ``(n_records, n_leads, n_samples)``, ``(n_records, n_samples)``
    or a list of ``(n_leads, n_samples)`` / ``(n_samples,)`` arrays (records of different
    lengths) and returns a list with one :class:`RPeakResult` per record. Nothing is
    learned: ``fit`` only checks the parameters and records the number of leads.

    Examples
    --------
    >>> import numpy as np
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> sig = read_record(sample_record_path("mitdb_101")).signal
    >>> det = RPeakDetector(fs=360.0, lead=0).fit([sig])
    >>> [res.method for res in det.transform([sig, sig[:, :36000]])]
    ['geoecg', 'geoecg']
    """

    def __init__(
        self,
        fs=None,
        *,
        lead=None,
        method="geoecg",
        band_hz=(3.0, 20.0),
        window_ms=120.0,
        refractory_ms=200.0,
        threshold=0.4,
        refine_ms=80.0,
        prune=True,
        prune_rr=1.1,
        prune_h=0.6,
        track=True,
        max_gap_ms=25.0,
    ):
        self.fs = fs
        self.lead = lead
        self.method = method
        self.band_hz = band_hz
        self.window_ms = window_ms
        self.refractory_ms = refractory_ms
        self.threshold = threshold
        self.refine_ms = refine_ms
        self.prune = prune
        self.prune_rr = prune_rr
        self.prune_h = prune_h
        self.track = track
        self.max_gap_ms = max_gap_ms

    def _records(self, X) -> list[np.ndarray]:
        if isinstance(X, (list, tuple)) and len(X) == 0:
            return []  # 0 records: an empty list, as for a (0, n_leads, n_samples) array
        if is_record_list(X) or isinstance(X, tuple):
            recs = [_validate_signal(r) for r in X]
        else:
            a = as_signal(X, "X", ndims=(1, 2, 3))  # dtype, layout and inf checks
            if a.ndim == 1:
                raise ValueError(
                    "X must be (n_records, n_leads, n_samples), (n_records, n_samples) or a "
                    f"list of records; got shape {a.shape}"
                )
            recs = list(a)
        out = []
        for r in recs:
            r2 = np.atleast_2d(r)
            if self.lead is not None:
                if not isinstance(self.lead, numbers.Integral) or not (
                    -r2.shape[0] <= self.lead < r2.shape[0]
                ):
                    raise ValueError(
                        f"lead must be an integer index into {r2.shape[0]} leads, got {self.lead!r}"
                    )
                r2 = r2[self.lead]
            out.append(r2)
        return out

    def fit(self, X, y=None):
        """Check the parameters; record ``n_leads_in_``. Returns self."""
        if self.fs is None:
            raise ValueError("RPeakDetector needs fs (Hz), got None")
        recs = self._records(X)
        detect_rpeaks(np.zeros(8), self.fs, **self._kwargs())  # parameter check
        self.n_leads_in_ = int(np.atleast_2d(recs[0]).shape[0]) if recs else 0
        return self

    def _kwargs(self) -> dict:
        # every keyword-only option of detect_rpeaks (tests/test_rpeaks.py checks the match)
        return {name: getattr(self, name) for name in DETECT_OPTIONS}

    def transform(self, X) -> list[RPeakResult]:
        """Detect the R-peaks of each record; returns a list of :class:`RPeakResult`."""
        check_is_fitted(self, "n_leads_in_")
        return [detect_rpeaks(r, self.fs, **self._kwargs()) for r in self._records(X)]
