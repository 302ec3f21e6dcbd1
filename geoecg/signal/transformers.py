"""scikit-learn transformers over signals (arrays or lists of records of different lengths)."""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin

from .._three_d_input import ThreeDInputMixin
from ._validate import check_fs
from .filters import bandpass
from .resample import resample

__all__ = ["Resampler", "BandPass"]


def _same_container(X, out):
    """``out``, or ``[]`` when ``X`` is an empty list: a list of 0 records gives a list of 0
    records (the house's 0-row contract; the functions read ``[]`` as one signal of 0
    samples and return an empty array, computed first so that the parameters are checked)."""
    return [] if isinstance(X, list) and len(X) == 0 else out


class _Stateless(ThreeDInputMixin, TransformerMixin, BaseEstimator):
    _requires_fit = False  # transform works without fit

    def fit(self, X, y=None):
        """Check the parameters; nothing is learned. Returns self."""
        self._check()
        self.fitted_ = True
        return self

    def _check(self):  # pragma: no cover - overridden
        pass


class Resampler(_Stateless):
    """Resample signals from ``fs_in`` to ``fs_out`` Hz (polyphase, last axis).

    Parameters
    ----------
    fs_in, fs_out : float
        Sampling frequencies in Hz.

    Examples
    --------
    >>> import numpy as np
    >>> Resampler(300, 100).fit_transform([np.zeros((1, 900)), np.zeros((1, 600))])[1].shape
    (1, 200)
    """

    def __init__(self, fs_in: float = 500.0, fs_out: float = 100.0):
        self.fs_in = fs_in
        self.fs_out = fs_out

    def _check(self):
        check_fs(self.fs_in)
        check_fs(self.fs_out)

    def transform(self, X):
        """Resampled signals, same container type as ``X`` (an empty list: ``[]``)."""
        self._check()
        return _same_container(X, resample(X, self.fs_in, self.fs_out))


class BandPass(_Stateless):
    """Zero-phase Butterworth band-pass (see :func:`geoecg.signal.bandpass`).

    Parameters
    ----------
    fs : float
        Sampling frequency in Hz.
    low, high : float
        Pass band in Hz.
    order : int

    Examples
    --------
    >>> import numpy as np
    >>> records = [np.zeros((2, 2500)), np.zeros(1000)]  # a list of records of any lengths
    >>> [y.shape for y in BandPass(fs=250, low=1.0, high=40.0).fit_transform(records)]
    [(2, 2500), (1000,)]
    """

    def __init__(self, fs: float = 500.0, low: float = 0.5, high: float = 40.0, order: int = 2):
        self.fs = fs
        self.low = low
        self.high = high
        self.order = order

    def _check(self):
        check_fs(self.fs)

    def transform(self, X):
        """Filtered signals, same container type as ``X`` (an empty list: ``[]``)."""
        return _same_container(X, bandpass(X, self.fs, self.low, self.high, self.order))
