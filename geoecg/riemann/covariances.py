"""Lead covariance matrices (SPD) from multi-lead ECG: batched numba estimators.

:func:`lead_covariances` is the validated function, :class:`LeadCovariances` the
scikit-learn transformer that calls it.
"""

from __future__ import annotations

import numbers
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._kernels.covariance import LWF, OAS, SCM, batch_covariance, delay_embed
from .._kernels.spd import SPD_BELOW_FLOOR, SPD_FLAT, SPD_NONFINITE, spd_status
from .._validation import _to_float, as_signal, check_fs, check_layout, flat_leads
from ._window_mean import WINDOW_MEANS, riemann_window_mean

__all__ = ["CovarianceResult", "lead_covariances", "LeadCovariances", "ESTIMATORS"]

#: Covariance estimators: name -> kernel code.
ESTIMATORS = {"scm": SCM, "lwf": LWF, "oas": OAS}


@dataclass(frozen=True)
class CovarianceResult:
    """Covariances and the diagnostics of their estimation.

    Attributes
    ----------
    covariances : ndarray, shape (n_records, n_channels, n_channels)
        SPD matrices in mV^2 (NaN for degenerate records, see ``reason``).
    shrinkage : ndarray, shape (n_records,)
        Shrinkage intensity towards ``trace/n * I`` (0 for ``"scm"``).
    regularization : ndarray, shape (n_records,)
        Ridge added to the diagonal (mV^2) to reach the eigenvalue floor (0 when none was
        needed). With ``window_mean="riemann"``: the largest ridge added to one of the
        record's window covariances, plus any ridge added to their mean.
    n_valid : ndarray of int, shape (n_records,)
        Time samples used (all leads finite).
    reason : ndarray of str, shape (n_records,)
        ``""`` or why the record's matrix is NaN.
    """

    covariances: np.ndarray
    shrinkage: np.ndarray
    regularization: np.ndarray
    n_valid: np.ndarray
    reason: np.ndarray


def _as_batch(X, *, scan_inf: bool = True) -> np.ndarray:
    if scan_inf:
        X = as_signal(X, "X", ndims=(2, 3))
    else:  # the kernel's own pass finds non-finite samples; see _raise_on_inf
        a = _to_float(X, "X")
        X = a if a.ndim in (2, 3) else as_signal(a, "X", ndims=(2, 3))
        check_layout(X, "X")
    return X[None] if X.ndim == 2 else X


def _raise_on_inf(X, suspect) -> None:
    """``as_signal``'s inf check on the records whose covariance pass met a non-finite sample
    (a full scan would read the signals a second time, ~1/3 of the covariance's time)."""
    for k in np.flatnonzero(suspect):
        if np.isinf(X[k]).any():
            raise ValueError("X contains infinite values; use NaN for missing samples")


def _check_leads(leads, n_leads: int):
    if leads is None:
        return None
    if isinstance(leads, str) or any(isinstance(v, str) for v in np.atleast_1d(leads)):
        from ..leads import STANDARD_LEADS, lead_indices  # names: the 12 standard leads

        if n_leads != len(STANDARD_LEADS):
            raise ValueError(
                f"lead names {leads!r} need the 12 standard leads in order "
                f"{STANDARD_LEADS}, got {n_leads} leads; pass indices instead"
            )
        return lead_indices(leads)
    idx = np.atleast_1d(np.asarray(leads))
    if idx.dtype.kind not in "iu" or idx.size == 0:
        raise ValueError(f"leads must be a non-empty list of lead indices, got {leads!r}")
    if idx.min() < -n_leads or idx.max() >= n_leads:
        raise ValueError(f"leads {idx.tolist()} out of range for {n_leads} leads")
    return idx


def lead_covariances(
    X,
    *,
    estimator: str = "oas",
    leads=None,
    n_lags: int = 1,
    delay: int = 1,
    window: int | None = None,
    window_mean: str = "arithmetic",
    reg: float = 1e-6,
    n_jobs: int = 1,
    chunk_size: int = 512,
) -> CovarianceResult:
    """Batched lead covariance matrices, guaranteed SPD.

    Parameters
    ----------
    X : array_like, shape (n_records, n_leads, n_samples) or (n_leads, n_samples)
        Signals in mV (already filtered if wanted). Non-finite samples are left out.
    estimator : {"scm", "lwf", "oas"}, default "oas"
        Sample covariance, Ledoit-Wolf or Oracle Approximating Shrinkage.
    leads : sequence of int or str, or comma-separated str, optional
        Lead subset: indices into axis 1, or names (``"I,II,V3"``, any spelling accepted by
        :func:`geoecg.leads.parse_lead`) when axis 1 holds the 12 standard leads in the order
        of :data:`geoecg.leads.STANDARD_LEADS`.
    n_lags, delay : int, default 1
        Time-delay (Hankel) embedding: ``n_lags`` copies of the leads, each delayed by a
        further ``delay`` samples, so the matrix is ``(n_leads * n_lags)`` square. A single
        lead with ``n_lags=3`` gives a 3 x 3 SPD matrix.
    window : int, optional
        Window length in samples (of the delay-embedded signal, i.e. the window spans
        ``window + (n_lags - 1) * delay`` input samples): covariances of consecutive
        non-overlapping windows are averaged (the tail shorter than a window is dropped).
    window_mean : {"arithmetic", "riemann"}, default "arithmetic"
        How the window covariances (mV^2) of a record are averaged; ignored without
        ``window``. ``"arithmetic"``: element-wise mean (windows without finite samples
        left out). ``"riemann"``: affine-invariant Riemannian (Karcher) mean,
        ``pyriemann.geometry.mean.mean_riemann``, of the record's window covariances, each
        first made SPD with the same eigenvalue floor (``reg``) as the outputs; windows
        without finite samples or with all leads flat are left out. Needs ``reg > 0``.
    reg : float, default 1e-6
        Eigenvalue floor relative to ``trace / n_channels`` (dimensionless); a ridge is
        added when the smallest eigenvalue is below it and reported in ``regularization``.
    n_jobs : int, default 1
        Threads (the kernel releases the GIL).
    chunk_size : int, default 512
        Records per kernel call (bounds the scratch memory of the embedding).

    Returns
    -------
    CovarianceResult
        ``covariances`` (n_records, n_channels, n_channels) in mV^2, NaN for a degenerate
        record with the reason in ``reason``; the shrinkage, the ridge added (mV^2) and the
        samples used per record.

    Raises
    ------
    ValueError
        If ``X`` is not (n_leads, n_samples) or (n_records, n_leads, n_samples),
        ``estimator`` or ``window_mean`` is unknown, ``n_lags`` or ``delay`` is not an
        integer >= 1, ``reg`` is negative, ``window`` is not None or >= 2 samples, or lead
        names are given for other than the 12 standard leads.

    Notes
    -----
    The empirical covariance is the biased one (divided by the number of samples ``n``),
    as in ``sklearn.covariance.empirical_covariance`` and pyRiemann ``"scm"``; ``numpy.cov``
    divides by ``n - 1``. Ledoit-Wolf and OAS shrinkage intensities follow scikit-learn's
    closed forms (``ledoit_wolf_shrinkage``, ``_oas``). Time samples where any lead is NaN
    are left out of all sums. Degenerate records give NaN matrices with a reason: fewer than
    2 usable samples, or all leads flat (zero trace).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((4, 3, 500))
    >>> res = lead_covariances(X, estimator="scm")
    >>> res.covariances.shape
    (4, 3, 3)
    >>> bool(np.all(np.linalg.eigvalsh(res.covariances) > 0))
    True
    >>> lead_covariances(X[:, :1], n_lags=3, delay=2).covariances.shape
    (4, 3, 3)
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {sorted(ESTIMATORS)}, got {estimator!r}")
    for name, v in (
        ("n_lags", n_lags),
        ("delay", delay),
        ("n_jobs", n_jobs),
        ("chunk_size", chunk_size),
    ):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if not np.isfinite(reg) or reg < 0:
        raise ValueError(f"reg must be a finite number >= 0, got {reg!r}")
    if window is not None and (not isinstance(window, (int, np.integer)) or window < 2):
        raise ValueError(f"window must be None or an integer >= 2 samples, got {window!r}")
    if window_mean not in WINDOW_MEANS:
        raise ValueError(f"window_mean must be one of {list(WINDOW_MEANS)}, got {window_mean!r}")
    riemann = window is not None and window_mean == "riemann"
    if riemann and not reg > 0:
        raise ValueError(f"window_mean='riemann' needs reg > 0 (SPD windows), got {reg!r}")
    scan_late = leads is None and window is None  # every sample enters the kernel's pass
    X = _as_batch(X, scan_inf=not scan_late)
    t_eff = X.shape[2] - (n_lags - 1) * delay
    if scan_late and t_eff < 2:
        _raise_on_inf(X, np.ones(X.shape[0], dtype=bool))
    idx = _check_leads(leads, X.shape[1])
    n = X.shape[0]
    c = (X.shape[1] if idx is None else idx.size) * n_lags
    cov = np.empty((n, c, c))
    shrink = np.empty(n)
    nvalid = np.zeros(n, dtype=np.int64)
    wridge = np.zeros(n)
    code = ESTIMATORS[estimator]

    def work(start: int) -> None:
        sl = slice(start, min(start + chunk_size, n))
        xb = X[sl] if idx is None else X[sl][:, idx]
        xb = np.ascontiguousarray(xb, dtype=np.float64)
        if n_lags > 1:
            xb = delay_embed(xb, n_lags, delay)
        if window is None:
            batch_covariance(
                X=xb, method=code, cov=cov[sl], shrinkage=shrink[sl], n_valid=nvalid[sl]
            )
            return
        nb, cc, t = xb.shape
        nw = t // window
        if nw == 0:
            cov[sl] = np.nan
            shrink[sl] = np.nan
            return
        xw = xb[:, :, : nw * window].reshape(nb, cc, nw, window).transpose(0, 2, 1, 3)
        xw = np.ascontiguousarray(xw).reshape(nb * nw, cc, window)
        cw = np.empty((nb * nw, cc, cc))
        sw = np.empty(nb * nw)
        vw = np.zeros(nb * nw, dtype=np.int64)
        batch_covariance(xw, code, cw, sw, vw)
        if riemann:
            cov[sl], wridge[sl] = riemann_window_mean(cw.reshape(nb, nw, cc, cc), reg)
        else:
            cov[sl] = _nanmean(cw.reshape(nb, nw, cc, cc), axis=1) if nw > 1 else cw
        shrink[sl] = _nanmean(sw.reshape(nb, nw), axis=1) if nw > 1 else sw
        nvalid[sl] = vw.reshape(nb, nw).sum(axis=1)

    starts = range(0, n, chunk_size)
    if n_jobs == 1 or n <= chunk_size:
        for s in starts:
            work(s)
    else:
        with ThreadPoolExecutor(n_jobs) as ex:
            list(ex.map(work, starts))
    if scan_late:
        _raise_on_inf(X, nvalid < t_eff)
    res = _finalize(cov, shrink, nvalid, reg, n_lags, delay, X.shape[2])
    return replace(res, regularization=res.regularization + wridge) if riemann else res


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    """``np.nanmean`` without its warning on all-NaN slices (they give NaN), thread-safe."""
    fin = np.isfinite(a)
    count = fin.sum(axis=axis)
    total = np.where(fin, a, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _finalize(cov, shrink, nvalid, reg, n_lags, delay, n_samples) -> CovarianceResult:
    n, c, _ = cov.shape
    if c == 0:
        return CovarianceResult(cov, shrink, np.zeros(n), nvalid, np.full(n, ""))
    trace = np.empty(n)
    status = np.empty(n, dtype=np.int8)
    spd_status(cov=cov, reg=float(reg), trace=trace, status=status)  # one pass, no allocation
    short = n_samples - (n_lags - 1) * delay < 2
    bad = status == SPD_NONFINITE
    flat = status == SPD_FLAT
    ridge = np.zeros(n)
    below = np.flatnonzero(status == SPD_BELOW_FLOOR)
    if below.size:
        add = np.maximum(reg * trace[below] / c - np.linalg.eigvalsh(cov[below])[:, 0], 0.0)
        cov[below, np.arange(c)[:, None], np.arange(c)[:, None]] += add
        ridge[below] = add
    if not (short or bad.any() or flat.any()):
        return CovarianceResult(cov, shrink, ridge, nvalid, np.full(n, ""))
    reason = np.full(n, "", dtype=object)
    if short:
        reason[:] = "fewer than 2 samples after the delay embedding"
    reason[bad & (reason == "")] = "fewer than 2 samples with all leads finite"
    reason[flat] = "all leads flat (zero variance)"
    cov[flat] = np.nan
    ridge[bad | flat] = np.nan
    return CovarianceResult(cov, shrink, ridge, nvalid, reason.astype(str))


def _ridge_needed(cov, floor) -> np.ndarray:
    """Ridge ``max(floor - lambda_min, 0)`` per matrix.

    A batched Cholesky factorisation of ``cov - floor * I`` succeeds exactly when every
    smallest eigenvalue is above its floor (the usual case), at a tenth of the cost of the
    eigenvalues; otherwise the eigenvalues are computed.
    """
    c = cov.shape[-1]
    shifted = cov - floor[:, None, None] * np.eye(c)
    try:
        np.linalg.cholesky(shifted)
        return np.zeros(len(cov))
    except np.linalg.LinAlgError:
        return np.maximum(floor - np.linalg.eigvalsh(cov)[:, 0], 0.0)


def _first_record(X: list):
    """The first record of a list of records; an empty list is a ValueError."""
    if not X:
        raise ValueError("X must hold at least one record, got an empty list")
    return X[0]


class LeadCovariances(TransformerMixin, BaseEstimator):
    """Signals ``(n_records, n_leads, n_samples)`` to SPD lead covariances.

    Parameters
    ----------
    estimator : {"scm", "lwf", "oas"}, default "oas"
        See :func:`lead_covariances`.
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
        (:func:`geoecg.riemann.beat_average.beat_averages`, R-peaks from
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
        n_leads, n_samples), ``estimator`` or ``window_mean`` is unknown, both
        ``window_s`` and ``beat_window_s`` are given, ``band`` is not
        0 < low < high < fs/2 (Hz), or ``band``, ``window_s`` or ``beat_window_s`` comes
        without ``fs``, or ``fs`` is given and is not a positive finite number.
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def _check_params(self):
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
        for name in ("n_lags", "delay"):  # the same rule as lead_covariances, at fit
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
            _first_record(X)
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
