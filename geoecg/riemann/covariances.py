"""Lead covariance matrices (SPD) from multi-lead ECG: batched numba estimators.

:func:`lead_covariances` is the validated function. :class:`LeadCovariances`, the
scikit-learn transformer that calls it, lives in :mod:`geoecg.riemann.covariance_transformer`
so that the function alone imports no scikit-learn (nor the pandas and scipy.stats that
scikit-learn loads); ``geoecg.riemann.covariances.LeadCovariances`` still finds it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from .._kernels.covariance import LWF, OAS, SCM, batch_covariance, delay_embed
from .._kernels.spd import SPD_BELOW_FLOOR, SPD_FLAT, SPD_NONFINITE, spd_status
from .._validation import _to_float, as_signal, check_layout
from ._window_mean import WINDOW_MEANS, riemann_window_mean

__all__ = ["CovarianceResult", "lead_covariances", "ESTIMATORS"]

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
    if isinstance(X, np.ndarray) and X.dtype == np.float32 and X.ndim in (2, 3):
        # read as float32 by the kernels (half the bytes), every sum in float64
        check_layout(X, "X")
        if scan_inf and np.isinf(X).any():
            raise ValueError("X contains infinite values; use NaN for missing samples")
        return X[None] if X.ndim == 2 else X
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
        Signals in mV (already filtered if wanted). Non-finite samples are left out. A float32
        ndarray is read as it is (half the bytes of float64; the sums are accumulated in
        float64 from its exact values, so the result equals that of ``X.astype(np.float64)``
        to rounding); other real dtypes are converted to float64.
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
    TypeError
        If ``X`` is not an array of real numbers (e.g. complex or strings).
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
        xb = np.ascontiguousarray(xb, dtype=np.float32 if xb.dtype == np.float32 else np.float64)
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


def __getattr__(name):
    """``LeadCovariances`` from its own module, imported on first use (scikit-learn)."""
    if name == "LeadCovariances":
        from .covariance_transformer import LeadCovariances

        return LeadCovariances
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
