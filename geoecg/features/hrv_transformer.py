"""The :class:`HRVFeatures` transformer: HRV indices of many series in a pipeline."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._fitted_names import _FittedNamesTransformer
from .hrv import HRV_BLOCKS, HRV_FEATURE_NAMES, HRVSettings
from .hrv_batch import hrv_features_batch

__all__ = ["HRVFeatures"]


class HRVFeatures(_FittedNamesTransformer):
    """HRV indices of each series (RR intervals or R-peaks) as a feature matrix.

    Parameters
    ----------
    kind : {"rr", "rpeaks"}, default "rr"
        Each sample of ``X`` is an RR series in ms, or R-peak sample indices.
    fs : float, optional
        Sampling frequency (Hz) of R-peak indices.
    blocks : tuple of str, default ("time", "frequency", "nonlinear")
        Which index blocks to output (see :data:`geoecg.features.HRV_BLOCKS`).
    settings : HRVSettings, optional
        Frequency and entropy settings.
    n_jobs : int or None, default 1
        numba threads.

    Attributes
    ----------
    feature_names_out_ : ndarray of str
    n_features_out_ : int

    Examples
    --------
    >>> rr = [np.full(50, 800.0) + np.arange(50) % 3, np.full(40, 1000.0)]
    >>> t = HRVFeatures(blocks=("time",)).fit(rr)
    >>> t.transform(rr).shape, t.get_feature_names_out()[:2].tolist()
    ((2, 22), ['MeanNN', 'SDNN'])
    """

    def __init__(
        self,
        kind="rr",
        fs=None,
        blocks=("time", "frequency", "nonlinear"),
        settings=None,
        n_jobs=1,
    ):
        self.kind = kind
        self.fs = fs
        self.blocks = blocks
        self.settings = settings
        self.n_jobs = n_jobs

    def _columns(self) -> np.ndarray:
        blocks = (self.blocks,) if isinstance(self.blocks, str) else tuple(self.blocks)
        bad = [b for b in blocks if b not in HRV_BLOCKS]
        if bad or not blocks:
            raise ValueError(
                f"blocks must be a non-empty subset of {tuple(HRV_BLOCKS)}, got {self.blocks!r}"
            )
        names = [n for b in HRV_BLOCKS for n in HRV_BLOCKS[b] if b in blocks]
        return np.array([HRV_FEATURE_NAMES.index(n) for n in names])

    def fit(self, X, y=None):
        """Check the parameters (the transform is stateless); returns self."""
        if self.kind not in ("rr", "rpeaks"):
            raise ValueError(f"kind must be 'rr' or 'rpeaks', got {self.kind!r}")
        if self.settings is not None and not isinstance(self.settings, HRVSettings):
            raise TypeError("settings must be an HRVSettings or None")
        cols = self._columns()
        self.feature_names_out_ = np.asarray([HRV_FEATURE_NAMES[i] for i in cols], dtype=object)
        self.n_features_out_ = cols.size
        return self

    def transform(self, X):
        """Array (n_series, n_features_out_) of indices; NaN where undefined."""
        check_is_fitted(self, "feature_names_out_")
        F = hrv_features_batch(
            list(X), kind=self.kind, fs=self.fs, settings=self.settings, n_jobs=self.n_jobs
        )
        return F[:, self._columns()]
